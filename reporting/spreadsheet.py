"""One writer for every spreadsheet the project publishes (the annual workbook, data requests),
through gptables, the Government Analysis Function's package for statistical workbooks.

What it guarantees (the Analysis Function's spreadsheet checklist, tested in
tests/reporting/test_workbook.py): a Cover sheet (title, what it is, period, publication and
next-update dates as real dates, sources, contact, symbols), a Contents sheet linking every
sheet, a Notes sheet, then one table per sheet, each a named Excel table starting in column A
under its title and a line saying how to read it; no merged cells, no blank rows or columns in
a table, no blank cells (a symbol in square brackets instead), numbers stored as numbers and
displayed at each row's declared precision; units in the column headers; tab names that say
what they hold; column widths and wrapping that fit the content; print set-up (landscape, A4,
fit to one page wide, the header row repeated on every page).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from sources.safe_text import XLSX_OPTIONS, neutralise, neutralise_frame

# Column widths in characters: a long text column wraps at WIDE, any other at NARROW; an
# identifier column (never wrapped mid-word) is as wide as its longest value, up to KEY.
WIDE, NARROW, KEY, MINIMUM = 36, 20, 44, 11
KEY_COLUMNS = {"Indicator ID", "Period ID", "Area code", "Breakdown", "Applies to"}
A4, A3 = 9, 8  # xlsxwriter's paper codes
WIDE_TABLE = 150  # tables wider than this (in characters) print on A3 landscape


class SpreadsheetError(ValueError):
    """A table cannot be written as the standard requires: the message says which and why."""


@dataclass
class Table:
    """One table, one sheet. `frame` holds the final column headers (units in them) and
    values: numbers as numbers, symbols such as "[x]" as text, never a blank cell.
    `places` gives, per numeric column, the decimal places of each row (one int for the
    whole column, or one per row)."""
    sheet: str
    title: str
    frame: pd.DataFrame
    description: str = ""
    source: str | None = None
    places: dict[str, int | list[int]] = field(default_factory=dict)
    wide: set[str] = field(default_factory=set)
    table_name: str | None = None
    images: list[Path] = field(default_factory=list)  # one per row, placed beside it


@dataclass
class Cover:
    title: str
    intro: list[str]
    about: list[tuple[str, str]]  # (heading, text) pairs, in order
    contact: list[str]
    published: date | None = None
    next_update: date | None = None


# gptables' own theme (gptheme.yaml), with every cell aligned to the top so a wrapped
# neighbour does not leave a gap above a short value.
THEME: dict[str, Any] = {
    "global": {"font_size": 12, "font_name": "Arial", "font_color": "automatic"},
    "cover_title": {"bold": True, "font_size": 16, "text_wrap": True},
    "cover_subtitle": {"bold": True, "font_size": 14, "text_wrap": True},
    "cover_text": {"text_wrap": True, "valign": "top"},
    "title": {"bold": True, "font_size": 16},
    "subtitle": {"font_size": 14},
    "instructions": None, "scope": None,
    "column_heading": {"bold": True, "bottom": 1, "text_wrap": 1, "valign": "top"},
    "index_1": {"bold": True, "text_wrap": 1, "valign": "top"},
    "index_2": {"text_wrap": 1, "valign": "top"},
    "index_3": {"text_wrap": 1, "valign": "top"},
    "data": {"text_wrap": 1, "valign": "top"},
    "source": {"font_size": 12}, "legend": {"font_size": 12},
    "description_order": ["instructions", "legend", "source", "scope"],
}


def number_format(places: int) -> str:
    return "#,##0" if places <= 0 else "#,##0." + "0" * places


def sheet_name(text: str) -> str:
    """A valid, readable tab name: letters, digits and underscores, at most 31 characters."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")
    return name[:31] or "Sheet"


def _display(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}"
    return str(value)


def _widths(table: Table) -> list[int]:
    widths = []
    for column in table.frame.columns:
        cells = [_display(v) for v in table.frame[column].tolist()]
        longest_cell = max((len(c) for c in cells), default=0)
        # headers wrap: size to the longest word, or a third of the header
        header_need = max(max((len(w) for w in str(column).split()), default=0),
                          math.ceil(len(str(column)) / 3))
        cap = KEY if column in KEY_COLUMNS else (2 * WIDE if column == "Note text" else WIDE) \
            if column in table.wide else NARROW
        widths.append(max(MINIMUM, min(cap, max(longest_cell, header_need)) + 2))
    return widths


def _check(table: Table) -> None:
    frame = table.frame
    if frame.empty:
        raise SpreadsheetError(f"sheet {table.sheet}: a table needs at least one row")
    blank = frame.isna() | frame.astype(str).map(lambda s: not s.strip())
    if blank.values.any():
        row, col = [int(i) for i in zip(*blank.values.nonzero(), strict=True).__next__()]
        raise SpreadsheetError(
            f"sheet {table.sheet}: blank cell in row {row + 1}, column "
            f"{frame.columns[col]!r}; put the symbol for why it is empty ([x], [z], [c])")


def write(path: Path, cover: Cover, tables: list[Table], notes: pd.DataFrame,
          properties: dict[str, str] | None = None) -> Path:
    """Write the workbook: Cover, Contents, Notes (columns `Note number`, `Note text`, and
    any more), then each table on its own sheet."""
    import gptables as gpt

    theme = gpt.Theme(THEME)
    # The notes are a table like any other, so the contents sheet lists and links them.
    tables = [Table(sheet="Notes", title="Notes and symbols", frame=notes.reset_index(drop=True),
                    description="Every note the tables cite, by number, and the symbols.",
                    wide={"Note text"}, table_name="notes_table"), *tables]
    names = [t.sheet for t in tables]
    if len(set(names)) != len(names):
        raise SpreadsheetError(f"two tables share a sheet name: {names}")
    for table in tables:
        _check(table)
        # text a spreadsheet would run as a formula gets a leading apostrophe (OWASP)
        table.frame = neutralise_frame(table.frame)
        table.title = neutralise(table.title)
    sheets: dict[str, Any] = {}
    for index, table in enumerate(tables):
        columns = list(table.frame.columns)
        formatting: list[dict[str, Any]] = [
            {"column": {"columns": [columns.index(c) for c in table.places],
                        "format": {"align": "right"}, "include_names": True}}
        ] if table.places else []
        for column, places in table.places.items():
            col = columns.index(column)
            per_row = places if isinstance(places, list) else [places] * len(table.frame)
            for row, p in enumerate(per_row):
                if isinstance(table.frame.iat[row, col], int | float):
                    formatting.append({"cell": {"cells": (row + 1, col),
                                                "format": {"num_format": number_format(p)}}})
        instructions = ("This worksheet contains one table. Cells with no value hold a symbol "
                        "in square brackets; the symbols and notes are on the Notes sheet.")
        sheets[table.sheet] = gpt.GPTable(
            table=table.frame.reset_index(drop=True), table_name=table.table_name
            or f"table_{index + 1}_{sheet_name(table.sheet).lower()}",
            title=table.title, subtitles=[table.description] if table.description else [],
            instructions=instructions, source=table.source, index_columns={},
            additional_formatting=formatting)
    cover_text = _cover_lines(cover)
    with warnings.catch_warnings():
        # gptables warns when notes are not referenced through its $$ref$$ mechanism; our
        # tables cite notes as "[note N]" text, so every note is listed, in order.
        warnings.simplefilter("ignore", UserWarning)
        book = gpt.produce_workbook(
            filename=str(path), sheets=sheets,
            cover=gpt.Cover(title=cover.title, intro=cover_text["intro"],
                            about=cover_text["about"], contact=cover.contact, width=100),
            contentsheet_label="Contents",
            contentsheet_options={"title": "Contents",
                                  "column_names": ["Sheet name", "What the table holds"]},
            auto_width=False, gridlines="hide_all", theme=theme,
            workbook_options=dict(XLSX_OPTIONS))
    book.set_properties({"title": cover.title, **(properties or {})})
    _layout(book, tables, sheets, cover_text)
    _dates(book, cover, cover_text)
    book.close()
    return path


def _cover_lines(cover: Cover) -> dict[str, list[str]]:
    about: list[str] = []
    for heading, text in cover.about:
        if heading:  # an empty heading continues the section above
            about.append([{"bold": True}, heading])  # type: ignore[list-item]
        about.append(text)
    if cover.published:
        about += [[{"bold": True}, "Publication date"],  # type: ignore[list-item]
                  cover.published.strftime("%d %B %Y").lstrip("0")]
    if cover.next_update:
        about += [[{"bold": True}, "Next update"],  # type: ignore[list-item]
                  cover.next_update.strftime("%d %B %Y").lstrip("0")]
    all_rows = [cover.title, "Introductory information", *cover.intro, "About these data",
                *about, "Contact", *cover.contact]
    return {"intro": list(cover.intro), "about": about, "all": all_rows}


def _dates(book: Any, cover: Cover, text: dict[str, list]) -> None:
    """Publication and next-update dates as real dates (date cells, not text), in the rows
    gptables wrote them: title, 'Introductory information', the intro lines, 'About these
    data', then the about lines."""
    ws = {w.get_name(): w for w in book.worksheets()}["Cover"]
    fmt = book.add_format({"num_format": "d mmmm yyyy", "align": "left", "font_size": 12,
                           "font_name": "Arial"})
    first_about = 1 + 1 + len(text["intro"]) + 1
    for offset, line in enumerate(text["about"]):
        when = {"Publication date": cover.published, "Next update": cover.next_update}
        label = line[1] if isinstance(line, list) else None
        if label in when and when[label] is not None:
            row = first_about + offset + 1
            ws.write_datetime(row, 0, datetime.combine(when[label], time()), fmt)


COVER_WIDTH = 80  # fits A4 portrait at 100%
LIST_HEADER_ROW = 2  # contents and notes: title, instructions, then the table
POINTS_PER_LINE = {12: 15.75, 14: 18.0, 16: 21.0}
CHARS_PER_UNIT = 1.1  # Arial 12 fits about 1.1-1.2 characters per unit (measured in the PDF)


def _lines(text: str, width: float, size: int = 12, bold: bool = False) -> int:
    """Lines a wrapped cell needs: words wrapped greedily into the column's width."""
    capacity = max(1, int(width * CHARS_PER_UNIT * 12 / size / (1.1 if bold else 1.0)))
    total = 0
    for paragraph in str(text).split("\n"):
        line, count = 0, 1
        for word in paragraph.split():
            need = len(word) + (1 if line else 0)
            if line and line + need > capacity:
                count += 1
                line = 0
                need = len(word)
            while need > capacity:  # a word longer than the column breaks across lines
                count += 1
                need -= capacity
            line += need
        total += count
    return total


def _fit_row(ws: Any, row: int, texts: list[str], widths: list[float], size: int = 12,
             bold: bool = False) -> None:
    """Set a row's height to what its wrapped text needs: spreadsheet programs do not all
    grow a row for wrapped text (LibreOffice keeps the stored height)."""
    lines = max((_lines(t, w, size, bold) for t, w in zip(texts, widths, strict=False)),
                default=1)
    ws.set_row(row, POINTS_PER_LINE.get(size, 15.75) * lines + 2)


def _cover_rows(text: dict[str, list]) -> list[str]:
    """The cover's rows as gptables writes them (title, headings, lines), as plain text."""
    def plain(line: Any) -> str:
        return "".join(p for p in line if isinstance(p, str)) if isinstance(line, list) \
            else str(line)
    return [plain(x) for x in text["all"]]


def _layout(book: Any, tables: list[Table], sheets: dict[str, Any],
            cover_lines: dict[str, list]) -> None:
    """Widths, wrapping and print set-up, sheet by sheet."""
    by_name = {ws.get_name(): ws for ws in book.worksheets()}
    wrap = book.add_format({"text_wrap": True, "valign": "top", "font_size": 12,
                            "font_name": "Arial"})
    for ws in by_name.values():
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.set_footer("&L&A&RPage &P of &N")
    cover = by_name["Cover"]
    cover.set_column(0, 0, COVER_WIDTH, wrap)
    cover.fit_to_pages(1, 0)
    cover.set_portrait()
    lines = _cover_rows(cover_lines)
    for row, text in enumerate(lines):
        _fit_row(cover, row, [text], [COVER_WIDTH], 16 if row == 0 else 12)
    contents = by_name["Contents"]
    contents_widths = [28, 90]
    for i, w in enumerate(contents_widths):
        contents.set_column(i, i, w)
    contents.repeat_rows(LIST_HEADER_ROW)
    for row, entry in enumerate(zip([t.sheet for t in tables],
                                    [t.title for t in tables], strict=True)):
        _fit_row(contents, LIST_HEADER_ROW + 1 + row, list(entry), contents_widths)
    for table in tables:
        ws = by_name[table.sheet]
        widths = _widths(table)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        if sum(widths) > WIDE_TABLE:
            ws.set_paper(A3)
        header = sheets[table.sheet].data_range[0]
        _fit_row(ws, header, [str(c) for c in table.frame.columns], widths, bold=True)
        for row, values in enumerate(table.frame.values.tolist()):
            _fit_row(ws, header + 1 + row, [_display(v) for v in values], widths)

        ws.repeat_rows(header)
        ws.freeze_panes(header + 1, 0)
        _images(ws, table, header, widths)


def _images(ws: Any, table: Table, header: int, widths: list[int]) -> None:
    from PIL import Image

    column = len(table.frame.columns) + 1
    for row, path in enumerate(table.images, start=header + 1):
        with Image.open(path) as image:
            width, height = image.size
        scale = min(1.0, 600 / width, 400 / height)
        texts = [_display(v) for v in table.frame.iloc[row - header - 1].tolist()]
        text_height = POINTS_PER_LINE[12] * max(_lines(t, w) for t, w in
                                                zip(texts, widths, strict=False)) + 2
        ws.set_row(row, max(height * scale * 0.75 + 4, text_height))  # 1 px = 3/4 point
        ws.insert_image(row, column, str(path), {
            "x_scale": scale, "y_scale": scale, "object_position": 1,
            "description": str(table.frame.iat[row - header - 1, 1]), "decorative": False})


