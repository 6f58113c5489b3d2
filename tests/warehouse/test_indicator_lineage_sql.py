"""Indicator `refs` regrouped into per-file row ranges inside DuckDB (warehouse/indicators.py):
the same sources the Python regrouping gives, without a Python object per staged row."""

from __future__ import annotations

import duckdb

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
