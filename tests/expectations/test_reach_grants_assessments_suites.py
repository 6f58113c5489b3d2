"""The reach, grants and assessments suites pass on consistent staged rows and fail, naming
the row, on inconsistent ones, with the SQL engine and with GX (same results)."""

from __future__ import annotations

import duckdb
import pytest

from expectations import assessments, grants, reach
from expectations.sql_engine import UnsupportedExpectation, run_suite_sql
from tests.builders.engines import ENGINES, on_engine


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute("""create table staging.newsletter as select * from (values
        (2, 100, 99, 50, 10), (3, 110, 120, 50, 10), (4, 120, 119, 60, 70))
        t(_source_row, subscribers, delivered, unique_opens, unique_clicks)""")
    con.execute("""create table staging.web as select * from (values (2, 900, 400), (3, 300, 400))
        t(_source_row, page_views, users)""")
    con.execute("""create table staging.grant_awards as select * from (values
        ('G1', 'awarded'), ('G2', 'declined')) t(grant_id, decision)""")
    con.execute("""create table staging.grant_outcomes as select * from (values
        (2, 'G1', 10, 6, 7, 8, 9), (3, 'G2', 10, 1, 1, 1, 1), (4, 'G1', 5, 6, 1, 1, 1))
        t(_source_row, grant_id, respondents, improved_physical, improved_social,
          improved_mental, improved_emotional)""")
    con.execute("""create table staging.carer_assessments as select * from (values
        (2, date '2024-05-01', date '2024-05-20', 3, 2, 2024),
        (3, date '2024-05-01', date '2024-04-20', 3, 4, 2024))
        t(_source_row, request_date, completed_date, needs_identified, needs_met,
          financial_year)""")
    return con


CASES = [
    (reach.newsletter_consistency, {("undelivered", (3,)), ("not_clicked", (4,))}),
    (reach.web_consistency, {("views_less_users", (3,))}),
    (grants.grant_outcomes_awarded, {("awarded", (3,)), ("respondents_less_improved", (4,))}),
    (assessments.carer_assessments_consistency, {("wait_days", (3,)), ("needs_unmet", (3,))}),
]


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize(("suite", "expected"), CASES, ids=lambda c: getattr(c, "name", ""))
def test_suite_names_the_inconsistent_rows(suite, expected, engine_name, monkeypatch):
    con = _con()
    result = on_engine(engine_name, monkeypatch)(con, suite)  # no fallback to the other
    assert not result.success
    got = {(f.column, tuple(sorted(s if isinstance(s, int) else s.get("_source_row", s)
                                   for s in f.samples))) for f in result.failures}
    assert {c for c, _ in got} == {c for c, _ in expected}
    assert all(f.unexpected_count == len(rows) for f, (_, rows) in
               zip(sorted(result.failures, key=lambda f: f.column),
                   sorted(expected), strict=True))


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize(("suite", "expected"), CASES, ids=lambda c: getattr(c, "name", ""))
def test_suite_passes_once_the_bad_rows_are_gone(suite, expected, engine_name, monkeypatch):
    con = _con()
    for table in ("newsletter", "web", "grant_outcomes", "carer_assessments"):
        con.execute(f"delete from staging.{table} where _source_row > 2")
    assert on_engine(engine_name, monkeypatch)(con, suite).success


def test_every_new_suite_is_supported_by_the_sql_engine():
    con = _con()
    for suite, _ in CASES:
        try:
            run_suite_sql(con, suite)
        except UnsupportedExpectation as e:  # pragma: no cover - the failure message
            pytest.fail(f"{suite.name} would fall back to GX: {e}")
