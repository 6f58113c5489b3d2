"""The reader (sources/returns/read.py) on small files made here: which rows it keeps, skips
and flags, the exact problems it attaches (row, column, value, rule), who sent the file, the
refusals naming the closest return, and large CSVs read in blocks (with LARGE_CSV_BYTES and
BLOCK made small so a few lines take the large-file path and cross block boundaries).
Expected values are worked by hand from the files; none is computed with the code under test.
These are the fast tests the mutation check of read.py runs (scripts/mutation.py
returns-read)."""

from __future__ import annotations

import codecs
import dataclasses
import json
from pathlib import Path

import pytest
import xlsxwriter

from sources.errors import SourceError
from sources.files import SourceFile, sha256_of
from sources.returns import read as read_module
from sources.returns.contract import RETURNS
from sources.returns.read import (
    BAD_TEXT,
    HIDDEN_ROW,
    HIDDEN_SHEET,
    OVERFLOW,
    CsvScan,
    Skipped,
    closest_return,
    identify,
    normalise_header,
    org_from_path,
    ranges,
    read_return,
)

MEMBERSHIP = "group,as_at,members\n"
EVENTS = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,coproduced,"
          "carers_attending\n")
EVENT = "E{},2025-06-09,carers_week,Picnic,CC,Central,Park,yes,{}\n"
ALL_RETURNS = ("events, membership, newsletter, web, information_requests, grant_awards, "
               "grant_outcomes, young_carers_support, carer_assessments")


def _read(path: Path, kind: str, landing: Path | None = None):
    return read_return(SourceFile(path, kind, "landing", sha256_of(path)), kind, landing)


def _rows(read) -> list[dict]:
    return read.table.to_pylist()


def _problems(read) -> dict[int, list[dict]]:
    return {r["_source_row"]: json.loads(r["_read_problems"]) for r in _rows(read)
            if r["_read_problems"]}


def _refusal(call) -> tuple:
    with pytest.raises(SourceError) as caught:
        call()
    [problem] = caught.value.problems
    return problem.row, problem.column, problem.rule


def _xlsx(path: Path, sheets: dict[str, list[list[object]]], hidden_rows=(),
          hidden_sheets=()) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        for r in hidden_rows:
            sheet.set_row(r - 1, None, None, {"hidden": True})
        if name in hidden_sheets:
            sheet.hide()
    book.close()
    return path


def test_title_blank_and_total_rows_are_skipped_with_rows_after_a_total_kept(tmp_path):
    path = tmp_path / "cc_membership.csv"
    path.write_text("Carers Centre: membership\n\n" + MEMBERSHIP + "network,2025-06-01,12\n"
                    ",,\nTotal,,12\nother,2025-06-01,3\nGrand totals:,,15\n")
    read = _read(path, "membership")
    assert read.header_row == 3
    assert read.skipped == [Skipped(1, "title row above the header"), Skipped(5, "blank row"),
                            Skipped(6, "total row"), Skipped(8, "total row")]
    assert [(r["_source_row"], r["group"], r["members"], r["source_org"]) for r in _rows(read)
            ] == [(4, "network", "12", "cc"), (7, "other", "3", "cc")]
    assert read.rows_in == 2
    assert read.describe_format() == "UTF-8, comma delimited"


def test_a_row_spilling_past_the_header_is_flagged_with_its_extra_values(tmp_path):
    path = tmp_path / "cc_membership.csv"
    path.write_text(MEMBERSHIP + "network,2025-06-01,12,\nnetwork,2025-06-02,1,2\n"
                    "other,2025-06-03,3,,x,y\n")
    problems = _problems(_read(path, "membership"))
    assert problems == {
        3: [{"column": None, "value": "2",
             "rule": OVERFLOW[0].format(3, 4), "fix": OVERFLOW[1]}],
        4: [{"column": None, "value": "x, y",
             "rule": OVERFLOW[0].format(3, 6), "fix": OVERFLOW[1]}]}
    assert OVERFLOW[0].format(3, 6).startswith(
        "the row has values beyond the header's 3 columns (to column 6)")


def test_the_table_ends_at_the_last_named_header_column(tmp_path):
    # A blank header cell between named ones is part of the table; beyond the last is not.
    path = tmp_path / "cc_membership.csv"
    path.write_text("group,,as_at,members\nnetwork,note,2025-06-01,12\nnetwork,,2025-06-02,1,9\n")
    read = _read(path, "membership")
    assert [r["members"] for r in _rows(read)] == ["12", "1"]
    assert list(_problems(read)) == [3]
    assert read.columns == ("group", "", "as_at", "members")


def test_a_byte_that_is_not_utf8_is_flagged_in_its_column_or_by_position(tmp_path):
    path = tmp_path / "cc_membership.csv"
    path.write_bytes(("group,as_at,members\nnetwork,2025-06-01,12\n"
                      "Caf\u00e9,2025-06-01,\n").encode() + b"network,2025-06-02,3\n"
                     b"other,,1,x\xe9\n")
    read = _read(path, "membership")
    problems = _problems(read)
    assert sorted(problems) == [5]
    assert problems[5] == [
        {"column": None, "value": "x\ufffd", "rule": OVERFLOW[0].format(3, 4),
         "fix": OVERFLOW[1]},
        {"column": "column 4", "value": "x\ufffd", "rule": BAD_TEXT[0], "fix": BAD_TEXT[1]}]
    path.write_bytes("group,as_at,members\nCaf\u00e9,,1\n".encode() + b"n\xe9twork,,1\n")
    assert _problems(_read(path, "membership")) == {3: [
        {"column": "group", "value": "n\ufffdtwork", "rule": BAD_TEXT[0],
         "fix": BAD_TEXT[1]}]}


def test_hidden_rows_and_hidden_sheets_are_flagged(tmp_path):
    header = ["group", "as_at", "members"]
    path = _xlsx(tmp_path / "cc_membership.xlsx", {
        "Now": [header, ["network", "2025-06-01", 12], ["network", "2025-06-02", 99],
                ["Total", None, 12]],
        "Old": [["old list"], header, ["other", "2024-06-01", 3]]},
        hidden_rows=(3, 4), hidden_sheets=("Old",))
    read = _read(path, "membership")
    assert read.sheets == ["Now", "Old"]
    assert (read.header_row, read.columns) == (1, ("group", "as_at", "members"))  # the first
    assert read.describe_format() == "sheets 'Now', 'Old'"
    rows = [(r["_source_row"], r["_source_sheet"], r["members"]) for r in _rows(read)]
    # A hidden "Total" row is not taken for a total: it is a hidden row like any other.
    assert rows == [(2, "cc_membership.xlsx [Now]", "12"), (3, "cc_membership.xlsx [Now]", "99"),
                    (4, "cc_membership.xlsx [Now]", "12"),
                    (3, "cc_membership.xlsx [Old]", "3")]
    hidden_row = {"column": None, "value": None, "rule": HIDDEN_ROW[0], "fix": HIDDEN_ROW[1]}
    assert [json.loads(r["_read_problems"]) if r["_read_problems"] else None
            for r in _rows(read)] == [
        None, [hidden_row], [hidden_row],
        [{"column": None, "value": None, "rule": HIDDEN_SHEET[0].format("Old"),
          "fix": HIDDEN_SHEET[1]}]]
    assert HIDDEN_ROW[0].startswith("the row is hidden in the workbook")
    assert read.skipped == [Skipped(1, "title row above the header", "Old")]


def test_one_sheet_is_named_by_the_file_alone(tmp_path):
    path = _xlsx(tmp_path / "cc_membership.xlsx", {
        "Members": [["group", "as_at", "members"], ["network", "2025-06-01", 12]],
        "Notes": [["anything"]]})
    read = _read(path, "membership")
    assert read.describe_format() == "sheet 'Members'"
    assert [r["_source_sheet"] for r in _rows(read)] == [None]
    assert read.skipped == [Skipped(0, "sheet 'Notes' has no row with the membership return's "
                                       "header: not read", "Notes")]


def test_a_column_named_twice_is_refused_naming_the_sheet_when_there_are_several(tmp_path):
    path = tmp_path / "cc_membership.csv"
    path.write_text("Members\ngroup,As at,members,notes,notes,as-at\n")
    assert _refusal(lambda: _read(path, "membership")) == (
        2, "as_at", "column 'as_at' appears twice in the header")
    path.write_text("group,as_at,members,notes,notes\nnetwork,2025-06-01,1,a,b\n")
    assert _read(path, "membership").ignored_columns == ["notes"]
    book = _xlsx(tmp_path / "cc_membership.xlsx", {
        "A": [["group", "as_at", "members"]],
        "B": [["x"], ["group", "as_at", "members", "members"]]})
    assert _refusal(lambda: _read(book, "membership")) == (
        2, "members", "column 'members' appears twice in the header (sheet 'B')")


def test_a_file_of_another_return_is_refused_saying_which_it_is(tmp_path):
    path = tmp_path / "cc_events.csv"
    path.write_text("Our events\n" + MEMBERSHIP + "network,2025-06-01,12\n")
    row, column, rule = _refusal(lambda: _read(path, "events"))
    assert (row, column) == (1, "event_id")
    assert rule == (
        "this is not a complete events return: no header row in the first 50 rows has every "
        "required column; the closest (row 1) lacks 'event_id', 'event_date', 'event_type', "
        "'title', 'organiser', 'locality', 'meeting_place', 'coproduced', 'carers_attending'"
        "; the header is that of a membership return")
    path.write_text("x\ngroup,as_at\n")
    assert _refusal(lambda: _read(path, "membership")) == (
        2, "members", "this is not a complete membership return: no header row in the first "
                      "50 rows has every required column; the closest (row 2) lacks 'members'")


def test_a_workbook_without_the_header_names_the_closest_row_of_its_first_sheet(tmp_path):
    path = _xlsx(tmp_path / "cc_membership.xlsx", {
        "First": [["Members"], ["group", "as_at"]], "Second": [["nothing here"]]})
    assert _refusal(lambda: _read(path, "membership")) == (
        2, "members", "this is not a complete membership return on any sheet: no header row in "
                      "the first 50 rows has every required column; the closest (row 2) lacks "
                      "'members'")
    assert _refusal(lambda: identify(path)) == (
        2, "members", "no header row of any return was found in the first 50 rows of any "
                      "sheet; the closest is the membership return (row 2), which lacks "
                      "'members'")


def test_identify_names_the_return_or_the_closest_and_what_it_lacks(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("A title\nmore title\ngroup,as_at,notes\n")
    assert _refusal(lambda: identify(path)) == (
        3, "members", "no header row of any return was found in the first 50 rows; the "
                      "closest is the membership return (row 3), which lacks 'members'")
    path.write_text("name,address\nJane,1 Road\n")
    assert _refusal(lambda: identify(path)) == (
        None, None, "no header row of any return was found in the first 50 rows: no row names "
                    f"a required column of any return ({ALL_RETURNS})")
    path.write_text("group,as_at,members")  # a header alone, without a final newline
    assert identify(path).kind == "membership"
    path.write_text("month;channel;pack_requests\n2025-06;web;3\n")
    assert identify(path).kind == "information_requests"
    book = _xlsx(tmp_path / "mystery.xlsx", {"Notes": [["hello"]],
                                             "Web": [["month", "page_views", "users"]]})
    assert identify(book).kind == "web"


@pytest.mark.parametrize(("where", "org"), [
    ("crossroads/events_2025.csv", "crossroads"),
    ("crossroads/2025/june_events.csv", "crossroads"),
    ("carersfed_events_2025.csv", "carersfed"),
    ("Carers Fed - events.csv", "carers fed"),
    ("events.csv", "unknown"),
])
def test_who_sent_a_file(tmp_path, where, org):
    path = tmp_path / "landing" / where
    assert org_from_path(path, tmp_path / "landing", "events") == org


def test_a_file_outside_the_landing_folder_is_named_by_its_file_name(tmp_path):
    assert org_from_path(tmp_path / "elsewhere" / "cc_events.csv", tmp_path / "landing",
                         "events") == "cc"
    assert org_from_path(tmp_path / "sub" / "events.csv", None, "events") == "unknown"


def test_a_source_org_column_wins_over_the_folder(tmp_path):
    (tmp_path / "council").mkdir()
    path = tmp_path / "council" / "membership.csv"
    path.write_text("Source Org,group,as_at,members\ncc,network,2025-06-01,1\n,other,"
                    "2025-06-01,2\n")
    assert [r["source_org"] for r in _rows(_read(path, "membership", tmp_path))] == [
        "cc", "council"]


def test_headers_are_matched_to_the_return_being_read():
    membership = RETURNS["membership"]
    assert normalise_header("Co-produced", RETURNS["events"]) == "coproduced"
    assert normalise_header("Co-produced", membership) == "co_produced"
    assert normalise_header("Co-produced") == "coproduced"
    assert normalise_header(" Members ", None) == "members"
    assert normalise_header(None, membership) == ""


# Large CSVs ----------------------------------------------------------------------------------

@pytest.fixture
def large(monkeypatch):
    """Every CSV takes the large-file path, read in blocks of 5 bytes."""
    monkeypatch.setattr(read_module, "LARGE_CSV_BYTES", 0)
    monkeypatch.setattr(read_module, "BLOCK", 5)


def test_a_large_csv_is_scanned_in_place_with_its_delimiter(tmp_path, large):
    path = tmp_path / "cc_membership.csv"
    path.write_text("Title\n" + MEMBERSHIP.replace(",", ";") + "network;2025-06-01;12\n")
    before = sha256_of(path)
    read = _read(path, "membership")
    assert read.table is None and read.rows_in is None
    scan = read.scan
    assert (scan.path, scan.header_row, scan.columns, scan.skip, scan.delimiter,
            scan.temporary, scan.encoding) == (path, 2, ("group", "as_at", "members"), 2, ";",
                                               False, "UTF-8")
    assert (read.delimiter, read.encoding, read.describe_format()) == (
        ";", "UTF-8", "UTF-8, semicolon delimited")
    assert sha256_of(path) == before


def test_a_large_csv_with_a_title_of_quoted_newlines_finds_its_header(tmp_path, large):
    # 49 title records of two lines each: the header is record 50, on line 99.
    path = tmp_path / "cc_membership.csv"
    path.write_text('"title\nmore"\n' * 49 + MEMBERSHIP + "network,2025-06-01,12\n")
    read = _read(path, "membership")
    assert (read.scan.header_row, read.scan.skip) == (50, 99)
    assert identify(path).kind == "membership"


@pytest.mark.parametrize(("members", "blank"), [
    ("12345", "\n\n"),     # "\n" ends a 5-byte block, the next "\n" starts the next one
    ("12345", "\n\r\n"),   # "\n" | "\r\n"
    ("1234", "\n\r\n"),    # "\n\r" | "\n"
])
def test_a_large_csv_with_an_empty_line_is_read_in_python_and_left_alone(tmp_path, large,
                                                                         members, blank):
    path = tmp_path / "cc_membership.csv"
    row = f"network,2025-06-01,{members}"
    path.write_bytes((MEMBERSHIP + row + blank + "other,2025-06-01,1\n").encode())
    # Blocks are counted from the line after the header.
    assert (len(row) // 5, len(row) % 5) in ((4, 4), (4, 3))
    read = _read(path, "membership")
    assert read.scan is None
    assert [r["_source_row"] for r in _rows(read)] == [2, 4]
    assert path.exists()


def test_a_large_windows_1252_csv_is_copied_to_utf8_and_the_copy_removed(tmp_path, large,
                                                                         monkeypatch):
    copies = tmp_path / "copies"
    copies.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(copies))
    path = tmp_path / "cc_membership.csv"
    path.write_bytes(("Caf\u00e9 members\n" + MEMBERSHIP + "network,2025-06-01,12\n"
                      ).encode("cp1252"))
    read = _read(path, "membership")
    assert (read.scan.encoding, read.scan.temporary) == ("Windows-1252", True)
    assert read.scan.path.parent == copies
    assert read.scan.path.read_text(encoding="utf-8").startswith("Caf\u00e9 members\n")
    read.scan.path.unlink()
    # With an empty line the copy is not used, and removed at once.
    path.write_bytes(("Caf\u00e9\n" + MEMBERSHIP + "network,2025-06-01,12\n\n"
                      "other,2025-06-01,1\n").encode("cp1252"))
    read = _read(path, "membership")
    assert read.scan is None and read.encoding == "Windows-1252"
    assert list(copies.iterdir()) == []
    assert path.exists()


@pytest.mark.parametrize(("data", "encoding"), [
    ("\u00e9\u00e9 members\n" + MEMBERSHIP + "network,2025-06-01,1\n", "UTF-8"),
    (codecs.BOM_UTF8.decode("utf-8") + "\u00e9 members\n" + MEMBERSHIP + "other,,1\n",
     "UTF-8 with BOM"),
])
def test_a_large_utf8_csv_keeps_its_encoding(tmp_path, large, data, encoding):
    path = tmp_path / "cc_membership.csv"
    path.write_bytes(data.encode())
    assert _read(path, "membership").scan.encoding == encoding


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_a_large_utf8_csv_with_a_byte_from_another_encoding_names_its_line(tmp_path, large,
                                                                          bom):
    path = tmp_path / "cc_membership.csv"
    path.write_bytes(bom + "Caf\u00e9\n".encode() + MEMBERSHIP.encode()
                     + b"network,2025-06-01,12\nother,2025-06-01,1\nn\xe9twork,2025-06-01,2\n")
    assert _refusal(lambda: _read(path, "membership")) == (
        5, None, "the file is UTF-8 but line 5 has a byte (0xE9) that is not: it mixes "
                 "encodings")


def test_the_closest_return_is_the_one_whose_required_columns_a_row_covers_most():
    # 3 of events' 9 required columns (a third) against 2 of membership's 3 (two thirds).
    spec, row, missing = closest_return([["event_id", "event_date", "title"],
                                         ["group", "as_at"]])
    assert (spec.kind, row, missing) == ("membership", 1, ["members"])


def test_runs_of_rows_after_the_first():
    assert ranges([1, 3, 4, 8, 9, 10]) == [(1, 1), (3, 4), (8, 10)]


def test_a_long_spill_is_shown_cut_to_200_characters(tmp_path):
    path = tmp_path / "cc_membership.csv"
    path.write_text(MEMBERSHIP + "network,2025-06-01,12," + "y" * 300 + "\n")
    [[problem]] = _problems(_read(path, "membership")).values()
    assert problem["value"] == "y" * 200


def test_a_csv_just_over_one_mebibyte_is_scanned_and_one_of_exactly_that_size_parsed(tmp_path):
    path = tmp_path / "cc_membership.csv"
    row = "network,2025-06-01,12\n"
    text = MEMBERSHIP + row * ((1024 * 1024 - len(MEMBERSHIP)) // len(row))
    text += "x" * (1024 * 1024 - len(text) - 1) + "\n"
    path.write_text(text)
    assert path.stat().st_size == 1024 * 1024
    assert _read(path, "membership").scan is None
    path.write_text(text + "\n")
    assert _read(path, "membership").scan is None  # an empty line: the exact Python path
    path.write_text(text + row)
    assert _read(path, "membership").scan is not None


def test_a_large_csv_whose_header_breaks_comma_parsing_is_read_with_its_own_delimiter(
        tmp_path, large):
    # More commas than semicolons in the first lines, but the quoted header only parses with
    # semicolons (a comma parse stops at the quote followed by ';').
    path = tmp_path / "cc_membership.csv"
    path.write_text("Members, carers, groups, and more, more, more, more\n"
                    '"group";"as_at";"members"\nnetwork;2025-06-01;12\n')
    assert identify(path).kind == "membership"
    assert _read(path, "membership").scan.delimiter == ";"


def test_a_large_file_ending_half_way_through_a_utf8_character_is_windows_1252(tmp_path, large):
    path = tmp_path / "cc_membership.csv"
    path.write_bytes(MEMBERSHIP.encode() + b"network,2025-06-01,12\nother,2025-06-01,\xc3")
    read = _read(path, "membership")
    assert read.scan.encoding == "Windows-1252"
    read.scan.path.unlink()


def test_what_the_reader_returns_cannot_be_changed(tmp_path):
    scan = CsvScan(tmp_path / "x.csv", 1, ("group",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        scan.skip = 3
    assert (scan.skip, scan.delimiter, scan.temporary, scan.encoding) == (0, ",", False,
                                                                          "UTF-8")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Skipped(1, "blank row").row = 2


def test_a_csv_that_is_not_valid_text_or_csv_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "cc_membership.csv"
    path.write_bytes(b"")
    assert _refusal(lambda: _read(path, "membership")) == (
        None, None, "the file is empty (0 bytes)")
    path.write_text(MEMBERSHIP + 'network,2025-06-01,12\nother,"2025-06-01,1\n')
    row, column, rule = _refusal(lambda: _read(path, "membership"))
    assert (row, column) == (3, None)
    assert rule.startswith("the file is not valid CSV at line 3 (")
