"""The SQL expectation engine gives GX's verdicts and counts on the same data."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from expectations.core import Suite, run_suite
from expectations.returns import contract_suite
from expectations.sql_engine import UnsupportedExpectation, declared, run_suite_sql
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
}


def _summary(result) -> tuple:
    return (result.rows, result.evaluated, result.success,
            sorted((f.expectation, f.column, f.unexpected_count, f.element_count, f.error)
                   for f in result.failures))


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_sql_engine_matches_gx(con, name):
    suite = _suite(BUILDS[name])
    sql = run_suite(con, suite, engine_name="sql")
    gx = run_suite(con, suite, engine_name="gx")
    assert _summary(sql) == _summary(gx)
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
