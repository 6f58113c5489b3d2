"""A messy events return as partners really send it: loaded, quarantined and checked."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, datetime

import openpyxl
import pytest

from sources.returns.contract import RETURNS
from sources.returns.template import columns_guide, csv_template, write_template
from tests.builders.returns import FUTURE, messy_events
from warehouse.returns_check import OK, QUARANTINE, REJECTED, check_file

TODAY = date(2025, 11, 30)


def test_messy_xlsx_check_reports_each_bad_row_with_excel_row_and_reason(tmp_path):
    report = check_file(messy_events(tmp_path / "crossroads_events_2025.xlsx"), today=TODAY)
    assert report.kind == "events" and report.read.header_row == 4
    assert report.status == QUARANTINE
    assert (report.rows_in, report.rows_loaded, report.rows_quarantined) == (6, 2, 4)
    by_row = {p.row: p for p in report.problems}
    assert sorted(by_row) == [7, 8, 9, 11]
    assert by_row[7].column == "carers_attending" and by_row[7].value == "-3" \
        and "0 or more" in by_row[7].rule
    assert by_row[8].column == "event_type" and by_row[8].value == "garden party" \
        and "must be one of" in by_row[8].rule
    assert by_row[9].column == "event_id" and "duplicates row 5" in by_row[9].rule
    assert by_row[11].column == "event_date" and "future" in by_row[11].rule
    assert by_row[11].value == FUTURE.strftime("%d/%m/%Y")  # as the partner typed it
    assert all(p.fix for p in report.problems)
    skipped = {s.row: s.reason for s in report.read.skipped}
    assert skipped == {1: "title row above the header", 2: "title row above the header",
                       10: "blank row", 12: "total row"}


def test_carers_check_prints_the_same_and_exits_non_zero(tmp_path):
    path = messy_events(tmp_path / "crossroads_events_2025.xlsx")
    run = subprocess.run([sys.executable, "-m", "pipelines.cli", "check", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == QUARANTINE, run.stderr
    out = run.stdout
    assert "row 7, column 'carers_attending', value '-3'" in out
    assert "row 8, column 'event_type', value 'garden party'" in out
    assert "row 9, column 'event_id'" in out and "duplicates row 5" in out
    assert "row 11, column 'event_date'" in out and "in the future" in out
    assert "row 12: not data (total row)" in out
    assert "NOT READY" in out


def test_good_rows_load_through_the_typed_staging(tmp_path):
    import duckdb

    from sources.files import SourceFile, sha256_of
    from sources.returns.read import read_return
    from warehouse import db
    from warehouse.returns import build_staging, load_raw

    path = messy_events(tmp_path / "crossroads_events_2025.xlsx")
    con = duckdb.connect()
    db.ensure_schemas(con)
    read = read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
    load_raw(con, read, datetime(2025, 11, 30))
    counts = build_staging(con, read.spec, [{"file": path.name, "sha256": read.source.sha256,
                                             "first_seen": datetime(2025, 11, 30)}], TODAY)
    assert counts.rows_in == counts.rows_loaded + counts.rows_quarantined == 6
    rows = con.execute("select event_id, event_date, event_type, meeting_place, coproduced, "
                       "carers_attending, young_carers_attending, source_org, _source_row "
                       "from staging.events order by _source_row").fetchall()
    assert rows == [
        ("CW-01", date(2025, 6, 9), "carers_week", "Rotherham Minster", True, 42, None,
         "crossroads", 5),
        ("CW-02", date(2025, 6, 10), "carers_week", "Wath Park", False, 17, None,
         "crossroads", 6),
    ]


def test_unreadable_file_is_rejected_with_exit_2(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("event_id,event_date,title\nA,01/05/2025,x\n")
    report = check_file(path, "events", today=TODAY)
    assert report.status == REJECTED
    problem = report.rejected.problems[0]
    assert problem.row == 1 and problem.column == "event_type"
    assert "carers template events" in problem.fix
    assert check_file(tmp_path / "absent.csv").status == REJECTED


def test_clean_csv_passes(tmp_path):
    path = tmp_path / "council_membership_2025.csv"
    path.write_text("group,as_at,members\nnetwork,31/03/2025,41\nstrategic group,2025-03-31,23\n",
                    encoding="cp1252")
    report = check_file(path, today=TODAY)
    assert report.kind == "membership" and report.status == OK
    assert report.rows_loaded == 2


def test_two_digit_year_is_refused(tmp_path):
    path = tmp_path / "council_membership_2025.csv"
    path.write_text("group,as_at,members\nnetwork,31/03/25,41\n")
    report = check_file(path, today=TODAY)
    assert report.status == QUARANTINE
    assert "four-digit year" in report.problems[0].rule


@pytest.mark.parametrize("kind", sorted(RETURNS))
def test_templates_round_trip_through_the_reader(tmp_path, kind):
    spec = RETURNS[kind]
    xlsx = write_template(spec, tmp_path / f"{kind}.xlsx", xlsx=True)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == [kind[:31], "Columns"]
    assert [c.value for c in book[kind[:31]][1]] == spec.names
    guide = list(book["Columns"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in guide[1:]] == spec.names
    assert guide[0][:4] == ("column", "required", "type", "how to write it")
    enum = [c for c in spec.columns if c.type == "enum"]
    for c in enum:
        row = next(r for r in guide if r[0] == c.name)
        assert row[4] == ", ".join(c.allowed)
    # An empty template is a readable return with no rows (not a rejected file).
    report = check_file(xlsx, today=TODAY)
    assert report.kind == kind and report.status == OK and report.rows_in == 0
    header = next(csv.reader([csv_template(spec).decode("utf-8-sig")]))
    assert header == spec.names
    assert len(columns_guide(spec)) == len(spec.columns)


def test_template_refuses_to_overwrite(tmp_path):
    path = tmp_path / "events.csv"
    write_template(RETURNS["events"], path, xlsx=False)
    with pytest.raises(FileExistsError):
        write_template(RETURNS["events"], path, xlsx=False)
