"""Every expectation type the SQL engine compiles (expectations/sql_engine.py: SIMPLE, GROUPED,
TABLE) gives GX's verdict, counts and sample rows, on a passing and a failing case each, with
strict bounds, dates, nulls and an empty table. GX is the reference; each side runs on its own
engine only (tests/builders/engines.py)."""

from __future__ import annotations

import duckdb
import pytest

from expectations import sql_engine
from expectations.core import Suite
from tests.builders.engines import on_engine

ROWS = """
    create table t as select * from (values
        (1, 'E08000018', 'a', 5, date '2024-04-01', 'k1'),
        (2, 'E08000018', 'b', -1, date '2024-06-30', 'k1'),
        (3, 'W06000001', null, 7, date '2025-04-01', 'k2'),
        (4, 'bad', 'a', null, null, null),
        (5, 'E09000001', 'z', 2000, date '2023-12-31', null),
        (6, null, 'a', 0, date '2024-01-01', 'k3')
    ) as v(_source_row, area_code, band, persons, day, key)
"""

# name -> (build, the failing rows (by _source_row), None for a table-level failure, or ()
# for a pass): worked out by reading ROWS, not by running either engine
CASES = {
    "not_null/fails": (lambda x: x.ExpectColumnValuesToNotBeNull(column="band"), (3,)),
    "not_null/passes": (lambda x: x.ExpectColumnValuesToNotBeNull(column="_source_row"), ()),
    "in_set/fails": (lambda x: x.ExpectColumnValuesToBeInSet(column="band",
                                                              value_set=["a", "b"]), (5,)),
    "in_set/passes": (lambda x: x.ExpectColumnValuesToBeInSet(column="band",
                                                               value_set=["a", "b", "z"]), ()),
    "in_set/mostly": (lambda x: x.ExpectColumnValuesToBeInSet(column="persons",
                                                               value_set=[5, 7], mostly=0.3),
                      ()),
    "in_set/mostly_fails": (lambda x: x.ExpectColumnValuesToBeInSet(
        column="persons", value_set=[5, 7], mostly=0.5), (2, 5, 6)),
    "not_in_set/fails": (lambda x: x.ExpectColumnValuesToNotBeInSet(column="band",
                                                                     value_set=["z", "q"]), (5,)),
    "not_in_set/passes": (lambda x: x.ExpectColumnValuesToNotBeInSet(column="band",
                                                                      value_set=["q"]), ()),
    "between/fails": (lambda x: x.ExpectColumnValuesToBeBetween(column="persons", min_value=0,
                                                                 max_value=1999), (2, 5)),
    "between/inclusive_bounds_pass": (lambda x: x.ExpectColumnValuesToBeBetween(
        column="persons", min_value=-1, max_value=2000), ()),
    "between/strict_min": (lambda x: x.ExpectColumnValuesToBeBetween(
        column="persons", min_value=0, max_value=2000, strict_min=True), (2, 6)),
    "between/strict_max": (lambda x: x.ExpectColumnValuesToBeBetween(
        column="persons", min_value=-1, max_value=2000, strict_max=True), (5,)),
    "between/min_only": (lambda x: x.ExpectColumnValuesToBeBetween(column="persons",
                                                                    min_value=1), (2, 6)),
    "between/max_only": (lambda x: x.ExpectColumnValuesToBeBetween(column="persons",
                                                                    max_value=6), (3, 5)),
    "between/dates": (lambda x: x.ExpectColumnValuesToBeBetween(
        column="day", min_value="2024-01-01", max_value="2025-03-31"), (3, 5)),
    "regex/fails": (lambda x: x.ExpectColumnValuesToMatchRegex(column="area_code",
                                                                regex=r"^E\d{8}$"), (3, 4)),
    "regex/passes": (lambda x: x.ExpectColumnValuesToMatchRegex(column="area_code",
                                                                 regex=r"^[EWb]"), ()),
    "not_regex/fails": (lambda x: x.ExpectColumnValuesToNotMatchRegex(column="area_code",
                                                                       regex=r"^W"), (3,)),
    "not_regex/passes": (lambda x: x.ExpectColumnValuesToNotMatchRegex(column="area_code",
                                                                        regex=r"^S"), ()),
    "unique/fails": (lambda x: x.ExpectColumnValuesToBeUnique(column="key"), (1, 2)),
    "unique/passes": (lambda x: x.ExpectColumnValuesToBeUnique(column="_source_row"), ()),
    "compound_unique/fails": (lambda x: x.ExpectCompoundColumnsToBeUnique(
        column_list=["area_code", "key"]), (1, 2)),
    "compound_unique/passes": (lambda x: x.ExpectCompoundColumnsToBeUnique(
        column_list=["_source_row", "key"]), ()),
    "row_count_between/fails": (lambda x: x.ExpectTableRowCountToBeBetween(min_value=7), None),
    "row_count_between/passes": (lambda x: x.ExpectTableRowCountToBeBetween(min_value=6,
                                                                            max_value=6), ()),
    "row_count_equal/fails": (lambda x: x.ExpectTableRowCountToEqual(value=5), None),
    "row_count_equal/passes": (lambda x: x.ExpectTableRowCountToEqual(value=6), ()),
}


def test_every_type_the_sql_engine_compiles_is_covered():
    compiled = sql_engine.SIMPLE | sql_engine.GROUPED | sql_engine.TABLE
    covered = {sql_engine.declared(_suite(build, "select 1"))[0].type
               for build, _ in CASES.values()}
    assert covered == compiled


def _suite(build, query: str = "select * from t") -> Suite:
    return Suite("parity", "test", query, lambda x: [build(x)], row_id="_source_row")


def _rows(failure) -> tuple:
    return tuple(sorted((s.get("_source_row", s) if isinstance(s, dict) else s
                         for s in failure.samples), key=str))


def _outcome(engine_name: str, query: str, build) -> tuple:
    con = duckdb.connect()
    con.execute(ROWS)
    with pytest.MonkeyPatch.context() as mp:  # this engine only, for this call only
        result = on_engine(engine_name, mp)(con, _suite(build, query))
    return result.rows, result.evaluated, [
        (f.expectation, f.column, f.unexpected_count, f.element_count, f.error, _rows(f))
        for f in result.failures]


@pytest.mark.parametrize("name", sorted(CASES))
def test_sql_engine_gives_gx_verdict_counts_and_samples(name):
    build, failing = CASES[name]
    gx = _outcome("gx", "select * from t", build)
    sql = _outcome("sql", "select * from t", build)
    assert sql == gx
    rows, _, failures = gx
    assert rows == 6
    if failing == ():
        assert failures == []
    elif failing is None:  # a table-level expectation shows the count it observed
        assert len(failures) == 1 and failures[0][5] == ({"observed_value": 6},)
    else:
        assert len(failures) == 1 and failures[0][5] == failing


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_empty_table_gives_the_same_verdict(name):
    build, _ = CASES[name]
    empty = "select * from t where false"
    assert _outcome("sql", empty, build) == _outcome("gx", empty, build)
