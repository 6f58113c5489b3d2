"""The SQL expectation engine gives GX's verdicts and counts on the same data."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime

import dagster as dg
import duckdb
import pytest

from expectations.core import Suite, run_suite
from expectations.returns import contract_suite
from expectations.sql_engine import (
    GROUPED,
    SIMPLE,
    TABLE,
    UnsupportedExpectation,
    declared,
    run_suite_sql,
)
from expectations.suite import MASK
from sources.returns.contract import RETURNS


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("""
        create table t as select * from (values
            (1, 'E08000018', 'a', 5, 'x', 'k1'),
            (2, 'E08000018', 'b', -1, 'y', 'k1'),
            (3, 'W06000001', null, 7, 'x', 'k2'),
            (4, 'bad', 'a', null, 'x', null),
            (5, 'E09000001', 'z', 3000, null, null),
            (6, null, 'a', 2, 'x', 'k3')
        ) as v(_source_row, area_code, band, persons, org, key)
    """)
    return c


def _suite(build) -> Suite:
    return Suite("t_suite", "test", "select * from t", build, row_id="_source_row")


BUILDS = {
    "passing": lambda x: [x.ExpectColumnValuesToBeBetween(column="_source_row", min_value=1),
                          x.ExpectColumnValuesToNotBeNull(column="_source_row"),
                          x.ExpectTableRowCountToBeBetween(min_value=1, max_value=10)],
    "failing": lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="area_code"),
        x.ExpectColumnValuesToNotBeNull(column="band"),
        x.ExpectColumnValuesToBeInSet(column="band", value_set=["a", "b"]),
        x.ExpectColumnValuesToBeBetween(column="persons", min_value=0, max_value=2000),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^E\d{8}$"),
        x.ExpectColumnValuesToBeUnique(column="key"),
        x.ExpectCompoundColumnsToBeUnique(column_list=["area_code", "key"]),
        x.ExpectColumnValuesToBeInSet(column="persons", value_set=[5, 7], mostly=0.3),
        x.ExpectTableRowCountToBeBetween(min_value=10),
    ],
    "not_in_set_and_not_match_regex": lambda x: [
        x.ExpectColumnValuesToNotBeInSet(column="band", value_set=["z", "q"]),
        x.ExpectColumnValuesToNotBeInSet(column="persons", value_set=[-1, 3000]),
        x.ExpectColumnValuesToNotBeInSet(column="org", value_set=["nobody"]),
        x.ExpectColumnValuesToNotMatchRegex(column="area_code", regex=r"^W"),
        x.ExpectColumnValuesToNotMatchRegex(column="area_code", regex=r"^X"),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^E", mostly=0.5),
    ],
    "row_count_to_equal": lambda x: [
        x.ExpectTableRowCountToEqual(value=6),
        x.ExpectTableRowCountToEqual(value=5),
        x.ExpectTableRowCountToBeBetween(min_value=6, max_value=6),
        x.ExpectTableRowCountToBeBetween(max_value=5),
    ],
    "strict_bounds": lambda x: [
        # 2 is the smallest value and 3000 the largest: strict bounds exclude them.
        x.ExpectColumnValuesToBeBetween(column="persons", min_value=-1, strict_min=True),
        x.ExpectColumnValuesToBeBetween(column="persons", max_value=3000, strict_max=True),
        x.ExpectColumnValuesToBeBetween(column="persons", min_value=-1, max_value=3000),
        x.ExpectColumnValuesToBeBetween(column="persons", min_value=-2, max_value=3001,
                                        strict_min=True, strict_max=True),
    ],
    "uniqueness": lambda x: [
        x.ExpectColumnValuesToBeUnique(column="org"),
        x.ExpectColumnValuesToBeUnique(column="_source_row"),
        x.ExpectCompoundColumnsToBeUnique(column_list=["org", "band"]),
        x.ExpectCompoundColumnsToBeUnique(column_list=["_source_row", "org"]),
    ],
}

# Every expectation type the SQL engine compiles: each appears in BUILDS, passing and failing.
COMPILED = SIMPLE | GROUPED | TABLE


def _summary(result) -> tuple:
    return (result.rows, result.evaluated, result.success,
            sorted((f.expectation, f.column, f.unexpected_count, f.element_count, f.error)
                   for f in result.failures))


def _outcomes(result) -> list[tuple]:
    """Every expectation's verdict, counts and sample values, in declared order."""
    return [(o.type, o.column, o.success, o.element_count, o.unexpected_count,
             _normalised(o.samples), o.observed_value, o.error) for o in result.outcomes]


def _normalised(samples: list) -> list:
    """Samples as engine-neutral values: dicts compared by their items, numbers as floats
    (pandas turns an integer column with nulls into floats)."""
    def one(v):
        if isinstance(v, dict):
            return tuple(sorted((k, one(x)) for k, x in v.items()))
        if isinstance(v, list):
            return tuple(one(x) for x in v)
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        return float(v)
    return [one(s) for s in samples]


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_sql_engine_matches_gx(con, name):
    suite = _suite(BUILDS[name])
    sql = run_suite(con, suite, engine_name="sql")
    gx = run_suite(con, suite, engine_name="gx")
    assert (sql.engine, gx.engine) == ("sql", "gx")
    assert _summary(sql) == _summary(gx)
    assert _outcomes(sql) == _outcomes(gx)
    if name == "failing":
        assert not sql.success and len(sql.failures) == 8  # all but the passing `mostly`
        by = {(f.expectation, f.column): f for f in sql.failures}
        assert by[("expect_column_values_to_be_between", "persons")].unexpected_count == 2
        assert by[("expect_compound_columns_to_be_unique", "area_code, key")].unexpected_count == 2
        assert by[("expect_column_values_to_not_be_null", "band")].samples == [
            {"_source_row": 3, "band": None}]


def test_contract_suite_on_staged_rows_matches_gx(con):
    spec = RETURNS["carer_assessments"]
    con.execute("create schema staging")
    con.execute("""
        create table staging.carer_assessments as select * from (values
          ('org', 'A1', date '2024-05-01', null, 'support_plan', 2, 1, '25-49', 2),
          ('org', 'A1', date '2024-05-01', null, 'pending', null, null, null, 3),
          ('org', null, date '2024-06-01', null, 'wrong', -1, 1, '25-49', 4)
        ) as v(source_org, case_ref, request_date, completed_date, outcome, needs_identified,
               needs_met, carer_age_band, _source_row)
    """)
    suite = contract_suite(spec)
    assert _summary(run_suite(con, suite, engine_name="sql")) == \
        _summary(run_suite(con, suite, engine_name="gx"))
    assert not run_suite(con, suite, engine_name="sql").success


def test_unknown_expectation_falls_back_to_gx(con):
    suite = _suite(lambda x: [x.ExpectColumnMeanToBeBetween(column="persons", min_value=0)])
    assert declared(suite)[0].type == "expect_column_mean_to_be_between"
    with pytest.raises(UnsupportedExpectation):
        run_suite_sql(con, suite)
    result = run_suite(con, suite, engine_name="sql")  # evaluated by GX instead
    assert result.evaluated == 1 and result.success


def test_engine_setting_is_checked(con):
    with pytest.raises(ValueError, match="CARERS_EXPECTATIONS_ENGINE='spark'"):
        run_suite(con, _suite(BUILDS["passing"]), engine_name="spark")


def test_engine_variable_reaches_the_resource(monkeypatch):
    """CARERS_EXPECTATIONS_ENGINE is given to the resource through Dagster's EnvVar."""
    from pipelines.settings import carers_resource

    monkeypatch.setenv("CARERS_EXPECTATIONS_ENGINE", "gx")
    monkeypatch.delenv("CARERS_DUCKDB_MEMORY", raising=False)
    resource = carers_resource()
    assert resource.expectations_engine == dg.EnvVar("CARERS_EXPECTATIONS_ENGINE")
    assert "duckdb_memory" not in resource.model_dump(exclude_unset=True)


def test_parity_covers_every_compiled_type_passing_and_failing(con):
    verdicts: dict[str, set[bool]] = {}
    for build in BUILDS.values():
        for o in run_suite(con, _suite(build), engine_name="sql").outcomes:
            verdicts.setdefault(o.type, set()).add(o.success)
    assert set(verdicts) == COMPILED
    assert {t for t, seen in verdicts.items() if seen != {True, False}} == set()


def test_every_shipped_suite_uses_only_compiled_types():
    """The suites the pipeline runs use no type the parity tests above do not cover."""
    import expectations
    from expectations.suite import Suite as SuiteType

    used: dict[str, set[str]] = {}
    for module in pkgutil.iter_modules(expectations.__path__):
        loaded = importlib.import_module(f"expectations.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, SuiteType):
                for e in declared(value):
                    used.setdefault(e.type, set()).add(value.name)
    for spec in RETURNS.values():
        for e in declared(contract_suite(spec)):
            used.setdefault(e.type, set()).add(spec.kind)
    assert set(used) == {
        "expect_column_values_to_not_be_null", "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between", "expect_column_values_to_match_regex",
        "expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique",
        "expect_table_row_count_to_be_between"}
    assert set(used) <= COMPILED, set(used) - COMPILED


def test_samples_are_the_same_rows_in_the_same_order(con):
    suite = _suite(BUILDS["strict_bounds"])
    sql, gx = (run_suite(con, suite, engine_name=e) for e in ("sql", "gx"))
    assert sql.outcomes[1].samples == [{"_source_row": 5, "persons": 3000}]
    assert [o.samples for o in sql.outcomes] == [
        [{"_source_row": 2, "persons": -1}], [{"_source_row": 5, "persons": 3000}], [], []]
    assert _outcomes(sql) == _outcomes(gx)


@pytest.fixture()
def dated() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("""
        create table t as select * from (values
            (1, date '2024-04-01', timestamp '2024-04-01 09:30:00'),
            (2, date '2025-03-31', timestamp '2025-03-31 23:59:59'),
            (3, date '2025-04-01', timestamp '2025-04-01 00:00:00'),
            (4, null, null)
        ) as v(_source_row, day, seen_at)
    """)
    return c


def test_dates_between_match_gx(dated):
    """Bounds of the column's own type (date for DATE, datetime for TIMESTAMP: STACK-NOTES)."""
    suite = _suite(lambda x: [
        x.ExpectColumnValuesToBeBetween(column="day", min_value=date(2024, 4, 1),
                                        max_value=date(2025, 3, 31)),
        x.ExpectColumnValuesToBeBetween(column="day", min_value=date(2024, 4, 1),
                                        strict_min=True),
        x.ExpectColumnValuesToBeBetween(column="seen_at",
                                        max_value=datetime(2025, 3, 31, 23, 59, 59)),
        x.ExpectColumnValuesToBeBetween(column="seen_at", min_value=datetime(2024, 1, 1)),
        x.ExpectColumnValuesToNotBeNull(column="day"),
    ])
    sql, gx = (run_suite(dated, suite, engine_name=e) for e in ("sql", "gx"))
    assert [(o.success, o.unexpected_count) for o in sql.outcomes] == [
        (False, 1), (False, 1), (False, 1), (True, 0), (False, 1)]
    assert _summary(sql) == _summary(gx)
    assert [(o.type, o.success, o.element_count, o.unexpected_count, o.error)
            for o in sql.outcomes] == [(o.type, o.success, o.element_count, o.unexpected_count,
                                        o.error) for o in gx.outcomes]
    assert sql.outcomes[0].samples == [{"_source_row": 3, "day": "2025-04-01"}]


def test_empty_table_matches_gx():
    c = duckdb.connect()
    c.execute("create table t (_source_row integer, area_code varchar, persons integer)")
    suite = _suite(lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="area_code"),
        x.ExpectColumnValuesToBeBetween(column="persons", min_value=0),
        x.ExpectColumnValuesToBeInSet(column="area_code", value_set=["E08000018"]),
        x.ExpectColumnValuesToBeUnique(column="area_code"),
        x.ExpectCompoundColumnsToBeUnique(column_list=["area_code", "persons"]),
        x.ExpectTableRowCountToBeBetween(min_value=1),
        x.ExpectTableRowCountToEqual(value=0),
    ])
    sql, gx = (run_suite(c, suite, engine_name=e) for e in ("sql", "gx"))
    assert sql.rows == 0
    assert [o.success for o in sql.outcomes] == [True, True, True, True, True, False, True]
    assert _summary(sql) == _summary(gx)
    assert [(o.type, o.success, o.unexpected_count) for o in sql.outcomes] == \
        [(o.type, o.success, o.unexpected_count) for o in gx.outcomes]


def test_personal_columns_are_masked_by_both_engines(con):
    suite = Suite("t_suite", "test", "select * from t", BUILDS["failing"],
                  row_id="_source_row", personal_columns=("area_code",))
    for engine_name in ("sql", "gx"):
        result = run_suite(con, suite, engine_name=engine_name)
        text = repr([o.samples for o in result.outcomes]) + repr(
            [f.samples for f in result.failures])
        assert "bad" not in text and "E08000018" not in text, engine_name
        regex = next(o for o in result.outcomes
                     if o.type == "expect_column_values_to_match_regex")
        assert regex.samples[:2] == [{"_source_row": 3, "area_code": MASK},
                                     {"_source_row": 4, "area_code": MASK}], engine_name
