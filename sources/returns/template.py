"""Blank templates for the returns in RETURNS.md, made from the contract (never by hand).

A CSV template is the header row. An XLSX template has the return's sheet (the header row,
frozen, with drop-down lists for allowed values and yes/no, and date cells) and a "Columns"
sheet explaining each column: whether it is required, its type and its allowed values.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sources.returns.contract import NOT_RECORDED, Return

DATA_ROWS = 1000  # rows of the return sheet given validation and formats


def columns_guide(spec: Return) -> list[dict[str, str]]:
    """One row per column: what a partner needs to fill it."""
    guide = []
    for c in spec.columns:
        notes = c.meaning
        if c.maximum is not None:
            notes = "; ".join(n for n in (notes, f"at most {c.maximum:,} in one row") if n)
        guide.append({
            "column": c.name,
            "required": "yes" if c.required else "no",
            "type": c.type,
            "how to write it": c.describe_type,
            "allowed values": ", ".join(c.allowed) if c.allowed else
                              ("yes, no" if c.type == "yesno" else ""),
            "notes": notes,
        })
    return guide


def csv_template(spec: Return) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(spec.names)
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly


def xlsx_template(spec: Return) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": f"{spec.title} return ({spec.kind})",
                         "subject": "The Borough That Cares: local return template",
                         "comments": "Made by `carers template` from the data contract."})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})

    sheet = book.add_worksheet(spec.kind[:31])
    for col, column in enumerate(spec.columns):
        sheet.write(0, col, column.name, bold)
        sheet.set_column(col, col, max(14, len(column.name) + 4),
                         date if column.type == "date" else None)
        sheet.write_comment(0, col, f"{'Required' if column.required else 'Optional'}: "
                                    f"{column.describe_type}"
                                    + (f". {column.meaning}" if column.meaning else ""))
        choices = list(column.allowed) if column.type == "enum" else \
            ["yes", "no"] if column.type == "yesno" else None
        if choices and len(", ".join(choices)) < 250:  # Excel's limit for an inline list
            sheet.data_validation(1, col, DATA_ROWS, col, {
                "validate": "list", "source": choices, "ignore_blank": True,
                "error_title": column.name,
                "error_message": f"{column.name} must be one of: {', '.join(choices)}"})
    sheet.freeze_panes(1, 0)

    guide = columns_guide(spec)
    notes = book.add_worksheet("Columns")
    headers = list(guide[0])
    notes.write(0, 0, f"{spec.title} ({spec.kind}): {spec.about} Fill the '{spec.kind}' "
                      "sheet, one row per record, under its header row; do not rename or "
                      "reorder the columns. Leave a cell blank if the value was not recorded "
                      f"(blank is never read as zero; {', '.join(NOT_RECORDED[:3])} also mean "
                      "not recorded). Check the file with `carers check FILE` before sending.")
    for col, name in enumerate(headers):
        notes.write(2, col, name, bold)
    for row, entry in enumerate(guide, start=3):
        for col, name in enumerate(headers):
            notes.write(row, col, entry[name], wrap)
    notes.set_column(0, 0, 26)
    notes.set_column(1, 2, 10)
    notes.set_column(3, 5, 45)
    book.close()
    return buffer.getvalue()


def write_template(spec: Return, path: Path, xlsx: bool, overwrite: bool = False) -> Path:
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists already; give another --out or use --force.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx_template(spec) if xlsx else csv_template(spec))
    return path
