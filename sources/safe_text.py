"""Text made safe for spreadsheets: the one neutraliser every CSV and XLSX writer uses.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (OWASP "CSV Injection"): a file named
`=cmd|' -c calc'!A0_events_2024.csv` would become a live formula in a published table. Such text
gets a leading apostrophe, as OWASP advises, so it shows as the text it is. Plain numbers
written as text (`-3`, `+44`) are left alone: they cannot run anything.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
# xlsxwriter options for every workbook we write: text stays text (never a formula or URL).
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}


def neutralise(value: Any) -> Any:
    """`value` with a leading apostrophe if it is text a spreadsheet would run as a formula;
    anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) \
            and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [[neutralise(v) for v in row] for row in rows]


def neutralise_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame with every text cell (and column name) neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out
