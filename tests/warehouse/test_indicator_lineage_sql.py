"""Indicator `refs` regrouped into per-file row ranges inside DuckDB (warehouse/indicators.py):
the same sources the Python regrouping gives, without a Python object per staged row."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.indicators import compress_rows, indicator_records, sources_from_refs

SQL = """
select * from (values
    ('a', 'E1', [{'f': 'b.csv', 's': 'bb', 'r': 5}, {'f': 'a.csv', 's': 'aa', 'r': 3},
                 {'f': 'a.csv', 's': 'aa', 'r': 2}, {'f': 'a.csv', 's': 'aa', 'r': 4},
                 {'f': 'a.csv', 's': 'aa', 'r': 9}, {'f': 'a.csv', 's': 'aa', 'r': 3}]),
    ('b', 'E2', []),
    ('c', 'E3', [{'f': 'a.csv', 's': 'zz', 'r': 7}, {'f': 'a.csv', 's': 'aa', 'r': 7}])
) as t(indicator_id, area_code, refs)
"""


def test_refs_become_sorted_distinct_row_ranges_per_file():
    records = indicator_records(duckdb.connect(), SQL)
    assert records == [
        {"indicator_id": "a", "area_code": "E1", "sources": [
            {"file": "a.csv", "sha256": "aa", "rows": "2-4, 9"},
            {"file": "b.csv", "sha256": "bb", "rows": "5"}]},
        {"indicator_id": "b", "area_code": "E2", "sources": []},
        {"indicator_id": "c", "area_code": "E3", "sources": [
            {"file": "a.csv", "sha256": "aa", "rows": "7"},
            {"file": "a.csv", "sha256": "zz", "rows": "7"}]},
    ]


def test_same_sources_as_the_python_regrouping():
    con = duckdb.connect()
    refs = [{"f": f"f{r % 3}.csv", "s": f"s{r % 3}", "r": (r * 7919) % 500 + 2}
            for r in range(2000)]
    con.execute("create table t as select 'x' as indicator_id, ? as refs",
                [refs])
    (record,) = indicator_records(con, "select * from t")
    python = [{**s, "rows": compress_rows(s["rows"])} for s in sources_from_refs(refs)]
    assert record["sources"] == python


def test_queries_without_refs_are_returned_as_they_are():
    records = indicator_records(duckdb.connect(), "select 'a' as indicator_id, 1 as value")
    assert records == [{"indicator_id": "a", "value": 1}]


LONG_FORM = """
with lineage (row_set, _source_file, _source_sha256, _source_row) as (values
    ('x', 'a.csv', 'aa', 4), ('x', 'a.csv', 'aa', 2), ('x', 'a.csv', 'aa', 3),
    ('x', 'a.csv', 'aa', 9), ('x', 'b.csv', 'bb', 5), ('x', 'a.csv', 'zz', 10),
    ('x', 'a.csv', 'zz', 11), ('y', 'a.csv', 'aa', 7), ('y', 'a.csv', 'aa', 8),
    ('y', 'a.csv', 'aa', 12)),
figures (indicator_id, row_set) as (values ('a', 'x'), ('b', 'y'), ('c', 'none'))
select f.indicator_id, coalesce(s.sources, []) as sources
from figures as f left join carers_sources(lineage) as s on s.row_set = f.row_set
"""


def test_carers_sources_turns_a_long_form_lineage_into_row_ranges_per_file():
    records = indicator_records(duckdb.connect(), LONG_FORM)
    assert sorted(records, key=lambda r: r["indicator_id"]) == [
        {"indicator_id": "a", "sources": [
            {"file": "a.csv", "sha256": "aa", "rows": "2-4, 9"},
            {"file": "a.csv", "sha256": "zz", "rows": "10-11"},
            {"file": "b.csv", "sha256": "bb", "rows": "5"}]},
        {"indicator_id": "b", "sources": [{"file": "a.csv", "sha256": "aa", "rows": "7-8, 12"}]},
        {"indicator_id": "c", "sources": []},
    ]


def test_carers_sources_refuses_a_row_listed_twice_in_one_set():
    sql = LONG_FORM.replace("('x', 'a.csv', 'aa', 9)", "('x', 'a.csv', 'aa', 3)")
    with pytest.raises(duckdb.Error, match=r"row 3 of a\.csv is listed twice in the lineage set x"):
        indicator_records(duckdb.connect(), sql)


def test_carers_sources_gives_what_the_python_regrouping_gives():
    con = duckdb.connect()
    refs = [{"f": f"f{r % 3}.csv", "s": f"s{r % 3}", "r": r} for r in
            sorted({(r * 7919) % 500 + 2 for r in range(2000)})]
    con.execute("create table t as select unnest(?) as ref", [refs])
    (record,) = indicator_records(con, """
        with lineage as (select 'one' as row_set, ref.f as _source_file, ref.s as _source_sha256,
                                ref.r as _source_row from t)
        select 'x' as indicator_id, sources from carers_sources(lineage)""")
    python = [{**s, "rows": compress_rows(s["rows"])} for s in sources_from_refs(refs)]
    assert record["sources"] == python
