"""Read the tables of a workbook written by reporting/spreadsheet.py (gptables puts a title
and notes above each table, so a sheet's first row is not its header): {sheet: frame}."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd


def read_tables(source: Path | bytes) -> dict[str, pd.DataFrame]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    out = {}
    for ws in book.worksheets:
        for table in ws.tables.values():
            rows = [[c.value for c in row] for row in ws[table.ref]]
            out[ws.title] = pd.DataFrame(rows[1:], columns=rows[0])
    return out


def cover_text(source: Path | bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    return " ".join(str(c.value) for c in book["Cover"]["A"] if c.value is not None)
