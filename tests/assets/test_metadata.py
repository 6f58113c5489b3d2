"""Dagster metadata helpers: the quarantine preview's column order, column schemas with
meanings, annual release dates, and the check adapter's list of expectations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from assets.checks import expectations_table, to_check_result
from assets.common import column_schema, quarantine_markdown
from assets.freshness import RELEASES
from expectations.suite import Outcome, result_of


def test_quarantine_preview_leads_with_what_a_person_fixes():
    con = duckdb.connect()
    con.execute("create schema audit")
    con.execute("""
        create table audit.quarantine as select * from (values
          ('events', 'a.csv', 'f' || repeat('0', 63), 7, 'event_date', '2031-01-01',
           'the event date is in the future', 'Only send events that have taken place.',
           timestamp '2026-12-01 10:00:00'),
          ('web', 'b.csv', repeat('1', 64), 2, 'page', 'x|y', 'bad', 'fix', null)
        ) as v(return_kind, source_file, source_sha256, source_row, column_name, value, rule,
               fix, loaded_at)
    """)
    lines = quarantine_markdown(con, "events").splitlines()
    assert lines[0] == "| file | row | column | value | rule | fix | sha256 (first 12) |"
    assert lines[2] == ("| a.csv | 7 | event_date | 2031-01-01 | the event date is in the "
                        "future | Only send events that have taken place. | f00000000000 |")
    assert len(lines) == 3  # only this return's rows
    assert "x\\|y" in quarantine_markdown(con, "web")


def test_column_schema_has_types_and_meanings():
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute("create table staging.t (area_code varchar, organiser varchar, n bigint, "
                "_source_row integer)")
    schema = column_schema(con, "staging.t", {"organiser": "organisation running it"})
    assert [(c.name, c.type, c.description) for c in schema.columns] == [
        ("area_code", "varchar", "ONS area code (GSS)"),
        ("organiser", "varchar", "organisation running it"),
        ("n", "bigint", None),
        ("_source_row", "integer", "the row number in that file (as a person sees it in Excel)")]


def test_next_annual_release_dates():
    by_asset = {r.asset: r for r in RELEASES}
    # DfE: the 2024/25 census is published June 2025; 2025/26 is due by 30 June 2026.
    assert by_asset["stg_dfe_young_carers"].next_expected(2024) == date(2026, 6, 30)
    # ASCOF 2023-24 was released in winter 2024; 2024-25 is due by the end of 2025.
    assert by_asset["stg_nhsd_ascof_carers"].next_expected(2023) == date(2025, 12, 31)


def test_check_lists_every_expectation_and_links_its_page(tmp_path):
    outcomes = [
        Outcome("expect_column_values_to_not_be_null", {"column": "a"}, True, 3, 0),
        Outcome("expect_column_values_to_be_between", {"column": "n", "min_value": 0}, False,
                3, 1, 0, [{"_source_row": 2, "n": -1}]),
        Outcome("expect_table_row_count_to_be_between", {"min_value": 1}, True,
                observed_value=3)]
    result = result_of("s", 3, outcomes, "sql")
    assert expectations_table(result).splitlines()[2:] == [
        "| 1 | expect_column_values_to_not_be_null | a |  | passed | 0 of 3 unexpected |",
        "| 2 | expect_column_values_to_be_between | n | min_value=0 | FAILED | 1 of 3 "
        "unexpected |",
        "| 3 | expect_table_row_count_to_be_between | (table) | min_value=1 | passed | "
        "observed 3 |"]
    page = tmp_path / "v.html"
    check = to_check_result(result, data_docs=page, data_docs_index=Path("/x/index.html"))
    assert not check.passed
    assert check.metadata["data_docs"].value == page.as_uri()
    assert check.metadata["data_docs_path"].value == str(page)
    assert (check.metadata["expectations_passed"].value,
            check.metadata["expectations_failed"].value) == (2, 1)
