"""Returns over 64 MB go through DuckDB's own CSV reader, under the same rules and the same row
numbers as small ones: Windows-1252 text, a comma-only blank row, a semicolon file, a stray
byte in a UTF-8 file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sources.errors import SourceError
from sources.files import SourceFile, sha256_of
from sources.returns.read import LARGE_CSV_BYTES, read_return
from warehouse.returns import check_return

pytestmark = pytest.mark.slow
TODAY = dt.date(2026, 11, 23)
HEADER = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,coproduced,"
          "carers_attending")


def _big(path: Path, *, encoding: str = "cp1252", delimiter: str = ",",
         blank: str = ",,,,,,,,", stray: bytes | None = None) -> int:
    """Write a return just over 64 MB: row 1 header, row 3 a blank row, row 20 a count of
    1e3, every other row good; returns the number of data rows (blank excluded)."""
    line = "E{n},2025-06-09,peer_support,Café morning {n},Carers Centre,Central,Library,yes,12\n"
    rows = 0
    with path.open("wb") as handle:
        handle.write((HEADER.replace(",", delimiter) + "\n").encode(encoding))
        n = 0
        while handle.tell() <= LARGE_CSV_BYTES + 1024:
            n += 1
            row = n + 1
            if row == 3:
                handle.write((blank.replace(",", delimiter) + "\n").encode(encoding))
                continue
            text = line.format(n=n).replace(",", delimiter)
            if row == 20:
                text = text.replace(f"{delimiter}12\n", f"{delimiter}1e3\n")
            if stray is not None and row == 30:
                handle.write(text.encode(encoding).replace(b"Caf\xc3\xa9", b"Caf" + stray))
            else:
                handle.write(text.encode(encoding))
            rows += 1
    return rows


def _check(path: Path):
    read = read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
    return read, *check_return(read, TODAY)


def test_large_windows_1252_csv_keeps_row_numbers_past_a_blank_row(tmp_path):
    path = tmp_path / "big_events.csv"
    rows = _big(path)
    assert path.stat().st_size > LARGE_CSV_BYTES
    read, problems, counts = _check(path)
    assert read.scan is not None and read.encoding == "Windows-1252"
    assert not read.scan.path.exists()  # the UTF-8 copy is removed once loaded
    assert [(p.row, p.column, p.value) for p in problems] == [(20, "carers_attending", "1e3")]
    assert problems[0].rule.startswith("is written with an exponent")
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (rows, rows - 1, 1)
    assert counts.rows_in == counts.rows_loaded + counts.rows_quarantined


def test_large_semicolon_csv_with_an_empty_line_takes_the_exact_path(tmp_path):
    path = tmp_path / "big_events.csv"
    rows = _big(path, encoding="utf-8", delimiter=";", blank="")
    read, problems, counts = _check(path)
    assert read.scan is None and read.delimiter == ";"  # empty line: the Python path
    assert [(p.row, p.column) for p in problems] == [(20, "carers_attending")]
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (rows, rows - 1, 1)


def test_large_utf8_csv_with_a_stray_windows_1252_byte_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "big_events.csv"
    _big(path, encoding="utf-8", stray=b"\xe9")
    with pytest.raises(SourceError) as caught:
        read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
    problem = caught.value.problems[0]
    assert problem.row == 30
    assert problem.rule == ("the file is UTF-8 but line 30 has a byte (0xE9) that is not: it "
                            "mixes encodings")
