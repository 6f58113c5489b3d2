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

import pandas as pd

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
        values = out[column]
        if values.dtype != object and not str(values.dtype).startswith("str"):
            continue
        # Only the cells that start like a formula are rewritten (few or none): the test is
        # one pass, the rewrite touches just those, and the column keeps its dtype (a column
        # mixing 63 with 15.5 must not come back as floats printing 63.0).
        if str(values.dtype).startswith("str"):  # text only: one vectorised test
            hits = values.str.startswith(FORMULA_TRIGGERS, na=False).to_numpy(dtype=bool)
            starts = hits.nonzero()[0].tolist()
        else:
            starts = [k for k, v in enumerate(values)
                      if isinstance(v, str) and v.startswith(FORMULA_TRIGGERS)]
        changed = {k: neutralise(values.iat[k]) for k in starts}
        changed = {k: v for k, v in changed.items() if v != values.iat[k]}
        if changed:
            column_values = values.astype(object).tolist()
            for k, v in changed.items():
                column_values[k] = v
            out[column] = pd.Series(column_values, index=out.index, dtype=object)
    out.columns = [neutralise(c) for c in out.columns]
    return out
