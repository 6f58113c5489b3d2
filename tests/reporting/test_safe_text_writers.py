"""Published CSV and XLSX writers use the one neutraliser (sources/safe_text.py): a file named
like a formula stays text."""

from __future__ import annotations

import csv
import zipfile

import pandas as pd
from python_calamine import CalamineWorkbook

from reporting.editions import write_table
from sources.safe_text import XLSX_OPTIONS, neutralise_frame


def test_published_csv_holds_no_formula(tmp_path):
    write_table(tmp_path, "lineage", pd.DataFrame({
        "source_file": ["=cmd|' -c calc'!A0_events_2024.csv"], "rows": [3]}))
    rows = list(csv.reader((tmp_path / "lineage.csv").open(newline="")))
    assert rows == [["source_file", "rows"], ["'=cmd|' -c calc'!A0_events_2024.csv", "3"]]


def test_xlsx_options_write_text_as_text(tmp_path):
    path = tmp_path / "x.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as w:
        neutralise_frame(pd.DataFrame({"a": ["=1+1", "http://x"]})).to_excel(w, index=False)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1").to_python()
    assert sheet == [["a"], ["'=1+1"], ["http://x"]]
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
