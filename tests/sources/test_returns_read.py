"""Rung 1-2: the shared returns mechanism on a messy XLSX events return built here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from sources.errors import SourceError
from sources.files import SourceFile, sha256_of
from sources.registry import inventory
from sources.returns.read import read_return
from warehouse.returns import check_return

TODAY = dt.date(2026, 11, 23)
HEADER = ["Event_ID ", "event_date", "event_type", "title", "organiser", "locality",
          "meeting_place", "coproduced", "carers_attending", "young_carers_attending"]
# (row values, the defect each row carries)
ROWS = [
    (["E1", dt.datetime(2024, 6, 10), "carers_week", "Coffee", "Crossroads", "Rawmarsh",
      "Library", "Y", 12, "n/a"], None),  # a real Excel date; n/a = not recorded
    (["E2", "11/06/2024", "Carers Week", "Walk", "Crossroads", "Maltby", "Park", "yes", 8, ""],
     None),  # UK text date; "Carers Week" normalises to carers_week
    (["E3", "12/06/2024", "carers_week", "Lunch", "Crossroads", "Centre", "Cafe", "No", -3, None],
     "carers_attending"),  # negative count
    (["E4", "13/06/2024", "barbecue", "BBQ", "Crossroads", "Centre", "Cafe", "no", 4, None],
     "event_type"),  # unknown event type
    (["E1", "14/06/2024", "carers_week", "Dup", "Crossroads", "Centre", "Cafe", "no", 4, None],
     "event_id"),  # duplicated event id within the organiser
    (["E6", "01/12/2099", "carers_rights_day", "Future", "Crossroads", "online", "online", "no",
      4, None], "event_date"),  # future date
    (["E7", "06/13/2024", "carers_week", "US", "Crossroads", "online", "online", "no", 4, None],
     "event_date"),  # US month/day order
]


def messy_events(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Events")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, "Crossroads Care - events return 2024/25")  # title row
    sheet.write(1, 0, "Please do not change the header row")  # title row
    sheet.write_row(3, 0, HEADER)  # header on Excel row 4, after a blank row 3
    for offset, (values, _) in enumerate(ROWS):
        for col, value in enumerate(values):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(4 + offset, col, value, date_format)
            elif value is not None:
                sheet.write(4 + offset, col, value)
    sheet.write_row(4 + len(ROWS) + 1, 0, ["Total", "", "", "", "", "", "", "", 29])
    book.close()
    return path


def test_messy_xlsx_rows_are_loaded_or_quarantined_with_excel_rows(tmp_path):
    path = messy_events(tmp_path / "crossroads_events_2024-25.xlsx")
    read = read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
    assert read.org == "crossroads"
    assert read.header_row == 4
    assert {(s.row, s.reason) for s in read.skipped} == {
        (1, "title row above the header"), (2, "title row above the header"),
        (12, "blank row"), (13, "total row")}
    problems, counts = check_return(read, TODAY)
    assert counts.rows_in == len(ROWS)
    assert counts.rows_in == counts.rows_loaded + counts.rows_quarantined
    expected = {(5 + i, col) for i, (_, col) in enumerate(ROWS) if col}
    assert {(p.row, p.column) for p in problems} == expected
    for p in problems:
        assert p.file.endswith("crossroads_events_2024-25.xlsx") and p.rule and p.fix
    duplicate = next(p for p in problems if p.column == "event_id")
    assert "duplicates row 5" in duplicate.rule and duplicate.value == "E1"
    us_date = next(p for p in problems if p.row == 11)
    assert us_date.value == "06/13/2024" and "day/month/year" in us_date.rule


def test_missing_required_column_fails_the_file(tmp_path):
    path = tmp_path / "crossroads_events.csv"
    path.write_text("event_id,event_date,title\nE1,2025-06-09,Coffee\n")
    with pytest.raises(SourceError) as caught:
        read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
    problem = caught.value.problems[0]
    assert problem.row == 1 and problem.column == "event_type"
    assert "carers template events" in problem.fix


def test_inventory_classifies_by_header_then_name(tmp_path):
    messy_events(tmp_path / "from_crossroads.xlsx")
    (tmp_path / "newsletter_broken.csv").write_text("edition,when\n1,2025-01-01\n")
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    (tmp_path / "README.md").write_text("ignored")
    kinds = {f.path.name: f.kind for f in inventory(tmp_path)}
    assert kinds == {"from_crossroads.xlsx": "events", "newsletter_broken.csv": "newsletter",
                     "notes.csv": None}


def test_windows_1252_csv(tmp_path):
    path = tmp_path / "forum_membership.csv"
    path.write_bytes("group,as_at,members,note\nnetwork,01/04/2025,30,caf\xe9 group\n"
                     .encode("cp1252"))
    read = read_return(SourceFile(path, "membership", "landing", sha256_of(path)), "membership")
    problems, counts = check_return(read, TODAY)
    assert (counts.rows_loaded, problems) == (1, [])
    assert read.ignored_columns == ["note"]
