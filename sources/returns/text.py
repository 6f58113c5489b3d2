"""Bytes of a CSV return to text and rows: the encoding and delimiter of each file, never mixed.

Small pure functions (bytes or text in, a verdict out), so each rule can be tested directly:
- encodings: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's
  "Unicode text"), or Windows-1252 (Excel's "CSV" on Windows). A file that is mostly UTF-8
  with a stray Windows-1252 byte is read as UTF-8 and the rows holding such bytes are marked
  (never the whole file re-read as Windows-1252, which turns `Café` into `CafÃ©`).
- delimiters: comma, semicolon, tab or bar; the one under which a return's header is found.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

# Text the decoder could not read: one character per bad byte, found again in the rows.
BAD_BYTE = "\ufffd"
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
# A well-formed multi-byte UTF-8 character: its presence beside bad bytes means mixed text.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TextProblem(ValueError):
    """Why bytes are not the text of a return; `line` is the line of the first bad byte."""

    def __init__(self, rule: str, fix: str, line: int | None = None) -> None:
        super().__init__(rule)
        self.rule, self.fix, self.line = rule, fix, line


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as the summary names it
    mixed: bool = False  # UTF-8 with bytes that are not: rows holding BAD_BYTE are refused


def line_of(data: bytes, offset: int) -> int:
    """The 1-based line holding byte `offset`."""
    return data.count(b"\n", 0, offset) + 1


def not_text(data: bytes) -> TextProblem | None:
    """A refusal when the bytes are plainly not a CSV: empty, a workbook, or binary."""
    if not data:
        return TextProblem("the file is empty (0 bytes)",
                           "Save the return again from Excel and send the saved file.")
    if data.startswith(ZIP_MAGIC):
        return TextProblem("the file is a zip or Excel workbook (.xlsx), not CSV text, although "
                           "its name ends .csv", "Send it with its proper .xlsx name, or save "
                                                 "it from Excel as 'CSV UTF-8'.")
    if data.startswith(OLE_MAGIC):
        return TextProblem("the file is an old-format Excel workbook (.xls) or another Office "
                           "file, not CSV text", "Open it in Excel and save it as .xlsx or as "
                                                 "'CSV UTF-8'.")
    return None


def decode(data: bytes) -> Decoded:
    """The text of a CSV file, with the encoding it was written in; TextProblem if none fits."""
    problem = not_text(data)
    if problem is not None:
        raise problem
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError as exc:
            raise TextProblem("the file starts as UTF-16 text but has bytes that are not "
                              "UTF-16 (cut short or damaged)", "Save it again from Excel.",
                              line_of(data, exc.start)) from exc
    if b"\x00" in data:
        raise TextProblem("the file holds NUL bytes: it is not text (a binary file, or UTF-16 "
                          "without its byte-order mark)",
                          "Save it again from Excel as 'CSV UTF-8 (comma delimited)'.",
                          line_of(data, data.index(b"\x00")))
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        return Decoded(body.decode("utf-8"), "UTF-8 with BOM" if bom else "UTF-8")
    except UnicodeDecodeError:
        pass
    if bom or _UTF8_MULTIBYTE.search(body):
        # Mostly UTF-8: keep it UTF-8 and mark the bytes that are not.
        return Decoded(body.decode("utf-8", errors="replace"),
                       "UTF-8 with BOM" if bom else "UTF-8", mixed=True)
    undefined = _CP1252_UNDEFINED.search(data)
    if undefined is not None:
        raise TextProblem(f"the file is neither UTF-8 nor Windows-1252 text (byte "
                          f"0x{data[undefined.start()]:02X} is not a character in either)",
                          "Save it again from Excel as 'CSV UTF-8 (comma delimited)'.",
                          line_of(data, undefined.start()))
    return Decoded(data.decode("cp1252"), "Windows-1252")


def rows_of(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    """CSV records (a quoted newline stays inside its cell, as Excel shows it)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise TextProblem(f"the file is not valid CSV at line {reader.line_num} ({exc}); a "
                          "quotation mark may be unbalanced",
                          "Open it in Excel and save it again as 'CSV UTF-8', or correct the "
                          "quotation marks on that line.", reader.line_num) from exc
    return rows


def delimiter_counts(text: str, lines: int = 50) -> dict[str, int]:
    """How often each delimiter appears in the first lines (outside nothing: a rough count)."""
    head = "\n".join(text.splitlines()[:lines])
    return {d: head.count(d) for d in DELIMITERS}


def likely_delimiter(text: str) -> str:
    """The most frequent delimiter in the first lines; comma when none appears."""
    counts = delimiter_counts(text)
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","
