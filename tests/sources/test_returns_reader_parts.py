"""The reader's small parts, each on its own: header matching, the closest return, runs of
rows, cell text, workbook column letters and the refusals by file kind."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from sources.errors import SourceError
from sources.returns.contract import RETURNS
from sources.returns.read import (
    cell_text,
    closest_return,
    find_header,
    header_key,
    normalise_header,
    ranges,
    refuse_suffix,
)
from sources.returns.workbook import column_index, column_letters, refuse_kind

EVENTS = RETURNS["events"]


@pytest.mark.parametrize(("cell", "key"), [
    ("Co-produced", "coproduced"), ("Event ID ", "eventid"), ("event-type", "eventtype"),
    ("CARERS_ATTENDING?", "carersattending"), (" Meeting place (venue) ", "meetingplacevenue"),
    (None, ""), (12, "12"),
])
def test_header_key_ignores_case_space_hyphen_underscore_punctuation(cell, key):
    assert header_key(cell) == key


def test_normalise_header_gives_the_contract_name_or_a_plain_one():
    assert normalise_header("Co-produced", EVENTS) == "coproduced"
    assert normalise_header("Event ID ", EVENTS) == "event_id"
    assert normalise_header("Source org", EVENTS) == "source_org"
    assert normalise_header("Notes for us!", EVENTS) == "notes_for_us"


def test_find_header_anywhere_in_the_first_50_rows():
    header = ["Event ID", "Event date", "Event type", "Title", "Organiser", "Locality",
              "Meeting place", "Co-produced", "Carers attending"]
    grid = [["title"]] * 49 + [header]
    assert find_header(grid, EVENTS) == (49, EVENTS)
    assert find_header(grid, None) == (49, EVENTS)
    assert find_header([["title"]] * 50 + [header], EVENTS) == (None, None)


def test_find_header_prefers_the_fuller_match():
    # month + channel + pack_requests is information_requests; web needs page_views, users.
    row = ["month", "channel", "pack_requests", "other_requests"]
    assert find_header([row], None)[1].kind == "information_requests"


def test_closest_return_names_the_missing_columns():
    spec, row, missing = closest_return([["x"], ["event_id", "event_date", "title"]])
    assert (spec.kind, row) == ("events", 1)
    assert missing == ["event_type", "organiser", "locality", "meeting_place", "coproduced",
                       "carers_attending"]
    spec, row, missing = closest_return([["group", "as_at"]])
    assert (spec.kind, row, missing) == ("membership", 0, ["members"])


def test_ranges_of_rows():
    assert ranges([9, 3, 4, 5]) == [(3, 5), (9, 9)]
    assert ranges([]) == []
    assert ranges([7]) == [(7, 7)]


@pytest.mark.parametrize(("value", "text"), [
    (None, None), ("  ", None), (" a ", "a"), (12.0, "12"), (12.5, "12.5"), (True, "yes"),
    (False, "no"), (date(2025, 6, 9), "2025-06-09"), (datetime(2025, 6, 9), "2025-06-09"),
    (datetime(2025, 6, 9, 10, 30), "2025-06-09 10:30:00"), (1e30, str(int(1e30))),
    (float("nan"), "nan"), (float("inf"), "inf"), (7, "7"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"),
                                                (702, "AAA"), (16383, "XFD")])
def test_column_letters_both_ways(index, letters):
    assert column_letters(index) == letters
    assert column_index(letters) == index


@pytest.mark.parametrize(("name", "rule_starts"), [
    ("x.xls", "the file is an old-format Excel 97-2003 workbook (.xls)"),
    ("x.ods", "the file is an OpenDocument spreadsheet (.ods)"),
    ("x.xlsb", "the file is an Excel binary workbook (.xlsb)"),
    ("x.pdf", "'.pdf' files are not read"),
    ("x", "'no extension' files are not read"),
])
def test_refused_by_suffix(name, rule_starts):
    with pytest.raises(SourceError) as caught:
        refuse_suffix(Path(name))
    assert caught.value.problems[0].rule.startswith(rule_starts)


@pytest.mark.parametrize("name", ["x.csv", "x.CSV", "x.txt", "x.tsv", "x.xlsx", "x.xlsm"])
def test_accepted_suffixes(name):
    refuse_suffix(Path(name))


@pytest.mark.parametrize(("head", "rule_starts"), [
    (b"", "the file is empty (0 bytes)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "the file is an old-format Excel 97-2003"),
    (b"%PDF-1.7", "the file is not an Excel workbook (.xlsx)"),
])
def test_workbook_refused_by_its_first_bytes(tmp_path, head, rule_starts):
    path = tmp_path / "x.xlsx"
    path.write_bytes(head + b"\x00" * 600)
    with pytest.raises(SourceError) as caught:
        refuse_kind(path, head)
    assert caught.value.problems[0].rule.startswith(rule_starts)


def test_workbook_accepted_by_its_first_bytes(tmp_path):
    refuse_kind(tmp_path / "x.xlsx", b"PK\x03\x04")
