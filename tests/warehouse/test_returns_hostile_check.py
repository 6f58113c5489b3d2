"""`carers check` logic on the hostile corpus (tests/fixtures/returns_hostile, made by its
generate.py): every file is read correctly, or its bad rows are quarantined, or it is refused
naming the file, row, column and rule; never a crash, never a silent misread. Rows in = rows
loaded + rows quarantined, always."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sources.files import SourceFile, sha256_of
from sources.returns.read import read_return
from warehouse.returns import check_return, validation_sql
from warehouse.returns_check import OK, QUARANTINE, REJECTED, check_file

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "returns_hostile"
TODAY = dt.date(2026, 11, 23)

# file -> (status, rows in, loaded, {(row, column) quarantined})
READ = {
    "utf8_events.csv": (OK, 2, 2, set()),
    "utf8_bom_events.csv": (OK, 2, 2, set()),
    "cp1252_events.csv": (OK, 2, 2, set()),
    "utf16_events.txt": (OK, 2, 2, set()),
    "semicolon_events.csv": (OK, 2, 2, set()),
    "header_row_36_events.csv": (OK, 2, 2, set()),
    "header_as_people_write_events.csv": (OK, 1, 1, set()),
    "title_rows_header_36_events.xlsx": (OK, 2, 2, set()),
    "quoted_newline_events.csv": (QUARANTINE, 2, 1, {(3, "carers_attending")}),
    "blank_comma_row_events.csv": (QUARANTINE, 2, 1, {(4, "carers_attending")}),
    "mixed_encoding_events.csv": (QUARANTINE, 3, 2, {(3, "title")}),
    "numbers_events.csv": (QUARANTINE, 14, 2, {(r, "carers_attending") for r in range(2, 14)}),
    "newsletter_subscribers.csv": (QUARANTINE, 3, 1, {(2, "subscribers"), (3, "subscribers")}),
    "grant_awards_money.csv": (QUARANTINE, 8, 1, {
        (2, "amount_awarded_gbp"), (2, "amount_requested_gbp"), (3, "amount_awarded_gbp"),
        (5, "applicant"), (6, "applicant"), (7, "applicant"), (8, "amount_awarded_gbp"),
        (9, "amount_awarded_gbp")}),
    "young_carers_support_refs.csv": (QUARANTINE, 6, 1, {(r, "case_ref") for r in range(2, 7)}),
    "carer_assessments_refs.csv": (QUARANTINE, 4, 1, {(r, "case_ref") for r in (2, 3, 4)}),
    "two_sheets_events.xlsx": (QUARANTINE, 4, 3, {(3, "carers_attending")}),
    "comma_split_events.csv": (QUARANTINE, 2, 1, {(2, None),
                                                  (2, "coproduced"), (2, "carers_attending")}),
    "hidden_rows_events.xlsx": (QUARANTINE, 3, 2, {(3, None)}),
    "hidden_sheet_events.xlsx": (QUARANTINE, 3, 1, {(2, None), (3, None)}),
    "stray_far_down_events.xlsx": (QUARANTINE, 2, 1, {
        (200_000, c) for c in ("event_date", "event_type", "title", "organiser", "locality",
                               "meeting_place", "coproduced", "carers_attending")}),
}

# file -> (row, column, start of the rule)
REFUSED = {
    "empty.csv": (None, None, "the file is empty (0 bytes)"),
    "empty.xlsx": (None, None, "the file is empty (0 bytes)"),
    "junk.csv": (1, None, "the file holds NUL bytes: it is not text"),
    "junk_events.xlsx": (None, None, "the file is not an Excel workbook (.xlsx)"),
    "not_a_return.csv": (None, None, "no header row of any return was found in the first 50 "
                                     "rows: no row names a required column of any return"),
    "unbalanced_quote_events.csv": (3, None, "the file is not valid CSV at line 3"),
    "corrupt_events.xlsx": (None, None, "the workbook is damaged: its part "
                                        "xl/worksheets/sheet1.xml fails its checksum"),
    "truncated_events.xlsx": (None, None, "the workbook is damaged or cut short"),
    "old_format_events.xls": (None, None, "the file is an old-format Excel 97-2003 workbook"),
    "old_format_renamed_events.xlsx": (None, None,
                                       "the file is an old-format Excel 97-2003 workbook"),
    "encrypted_events.xlsx": (None, None, "the workbook is password-protected (encrypted)"),
    "opendocument_events.ods": (None, None, "the file is an OpenDocument spreadsheet (.ods)"),
    "opendocument_renamed_events.xlsx": (None, None,
                                         "the file is an OpenDocument spreadsheet (.ods)"),
    "stray_cell_xfd1048576_events.xlsx": (1048576, "XFD", "sheet 'Events' has a value in cell "
                                                          "XFD1048576, far outside the table"),
    "formulas_without_values_events.xlsx": (3, "I", "sheet 'Events' has formulas saved "
                                                    "without their values (cells I3)"),
}


def test_the_corpus_is_covered():
    files = {p.name for p in CORPUS.iterdir() if p.name not in ("generate.py", "README.md")}
    assert files == set(READ) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(READ))
def test_read_or_quarantined_with_rows_in_equal_to_loaded_plus_quarantined(name):
    status, rows_in, loaded, quarantined = READ[name]
    before = (CORPUS / name).read_bytes()
    report = check_file(CORPUS / name, today=TODAY)
    assert report.rejected is None, report.lines()
    assert report.status == status
    assert (report.rows_in, report.rows_loaded) == (rows_in, loaded)
    assert report.rows_in == report.rows_loaded + report.rows_quarantined
    assert {(p.row, p.column) for p in report.problems} == quarantined
    assert all(p.rule and p.fix for p in report.problems)
    assert (CORPUS / name).read_bytes() == before  # input never modified


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_naming_file_row_column_and_rule(name):
    row, column, rule = REFUSED[name]
    report = check_file(CORPUS / name, today=TODAY)
    assert report.status == REJECTED
    problem = report.rejected.problems[0]
    assert Path(problem.file).name == name
    assert (problem.row, problem.column) == (row, column)
    assert problem.rule.startswith(rule), problem.rule
    assert problem.fix
    assert "REJECTED" in report.lines()[1]


def test_values_are_read_as_written_not_misread():
    # 1,250 is 1250 and 12 is 12; Café survives every encoding.
    for name in ("utf8_events.csv", "utf8_bom_events.csv", "cp1252_events.csv",
                 "utf16_events.txt", "semicolon_events.csv"):
        path = CORPUS / name
        read = read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
        assert read.table.column("title").to_pylist() == ["Café morning", "Coffee morning"]
    path = CORPUS / "numbers_events.csv"
    read = read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
    problems, counts = check_return(read, TODAY)
    assert counts.rows_loaded == 2
    assert {p.value for p in problems} >= {"1,5", "1_000", "1e3", "1e30", "NaN", "1,2,3"}


def test_one_parser_serves_check_and_refresh_sql():
    # The SQL of staging calls the parser by name (no second reading of numbers in SQL).
    from sources.returns.contract import EVENTS, GRANT_AWARDS

    for spec in (EVENTS, GRANT_AWARDS):
        sql = validation_sql(spec, "raw.x", TODAY).sql
        assert "carers_parse(" in sql
        assert "try_cast" not in sql


def test_check_output_names_sheets_encoding_and_runs_of_blank_rows():
    lines = check_file(CORPUS / "two_sheets_events.xlsx", today=TODAY).lines()
    assert "read as sheets 'Q1', 'Q2'" in lines[1]
    assert "  sheet 'Notes' has no row with the events return's header: not read" in lines
    assert any(line.startswith("  sheet 'Q2', row 3, column 'carers_attending', value 'x'")
               for line in lines)
    lines = check_file(CORPUS / "stray_far_down_events.xlsx", today=TODAY).lines()
    assert "  rows 3-199,999: not data (blank row), not loaded" in lines
    assert len(lines) < 20
    assert "read as UTF-16, tab delimited" in check_file(CORPUS / "utf16_events.txt",
                                                         today=TODAY).lines()[1]
