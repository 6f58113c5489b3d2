"""An .xlsx return read whole and safely.

Before any cell is loaded, the workbook's own XML is scanned (streamed, never held whole):
what kind of file it really is (old .xls, .ods, encrypted, damaged or cut short), every sheet
and whether it is hidden, hidden rows, formulas saved without their values, and the cells
actually used, so that a stray value in cell XFD1048576 is refused by name instead of making
the reader allocate a sheet of 17 billion cells. Then python-calamine reads the cell values of
the sheets wanted.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import ParseError, iterparse

from sources.errors import fail
from sources.returns.text import OLE_MAGIC, ZIP_MAGIC

# A sheet's used range is read as a dense grid (rows x columns). Above MAX_SHEET_CELLS it is
# read only when the values fill it (a big table, not a stray far cell); above
# MAX_DENSE_CELLS (about 2 GB as Python objects) it is refused whatever fills it.
MAX_SHEET_CELLS = 4_000_000
MAX_DENSE_CELLS = 40_000_000
FORMULAS_NAMED = 5  # formula cells without values named in the refusal
RESAVE = "Open the file in Excel, check it, and save it again as .xlsx (Excel Workbook)."
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_NS = re.compile(r"^\{[^}]*\}")


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, XFD -> 16383."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


@dataclass
class SheetScan:
    """What one sheet's XML holds, before its values are read."""

    name: str
    hidden: bool
    rows: int = 0  # last used row (1-based)
    columns: int = 0  # last used column (1-based)
    far_cell: str = ""  # the cell that sets the used range's far corner
    values: int = 0  # cells holding something
    hidden_rows: set[int] = field(default_factory=set)
    formulas_without_values: list[str] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def _local(tag: str) -> str:
    return _NS.sub("", tag)


def refuse_kind(path: Path, data_head: bytes) -> None:
    """Refuse, by name, a file that is not an .xlsx workbook at all."""
    if not data_head:
        raise fail(path, "the file is empty (0 bytes)", RESAVE)
    if data_head.startswith(OLE_MAGIC):
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in head or \
                "EncryptionInfo".encode("utf-16-le") in head:
            raise fail(path, "the workbook is password-protected (encrypted), so it cannot be "
                             "read", "Remove the password (File > Info > Protect Workbook > "
                                     "Encrypt with Password, clear it), save and send again.")
        raise fail(path, "the file is an old-format Excel 97-2003 workbook (.xls), which is "
                         "not read", "Open it in Excel and save it as .xlsx (Excel Workbook).")
    if not data_head.startswith(ZIP_MAGIC):
        raise fail(path, "the file is not an Excel workbook (.xlsx): it does not start as one "
                         "(it may be another kind of file renamed)", RESAVE)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise fail(path, f"the workbook is damaged or cut short (its zip structure cannot be "
                         f"read: {exc})", "Send the file again (it may not have finished "
                                          "copying), or " + RESAVE[0].lower() + RESAVE[1:]
                   ) from exc
    names = set(book.namelist())
    if "mimetype" in names:
        mimetype = book.read("mimetype").decode("ascii", "replace").strip()
        if "opendocument" in mimetype:
            book.close()
            raise fail(path, "the file is an OpenDocument spreadsheet (.ods), which is not "
                             "read", "Open it and save it as .xlsx (Excel Workbook).")
    if "xl/workbook.xml" not in names:
        book.close()
        raise fail(path, "the file is a zip archive but not an Excel workbook (no "
                         "xl/workbook.xml inside)", RESAVE)
    try:
        bad = book.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        book.close()
        raise fail(path, f"the workbook is damaged ({exc})",
                   "Send the file again, or " + RESAVE[0].lower() + RESAVE[1:]) from exc
    if bad is not None:
        book.close()
        raise fail(path, f"the workbook is damaged: its part {bad} fails its checksum",
                   "Send the file again, or " + RESAVE[0].lower() + RESAVE[1:])
    return book


def _sheets(path: Path, book: zipfile.ZipFile) -> list[tuple[str, bool, str]]:
    """(name, hidden, part path) of every sheet, in workbook order."""
    targets = {}
    if "xl/_rels/workbook.xml.rels" in book.namelist():
        for _, element in iterparse(book.open("xl/_rels/workbook.xml.rels")):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                part = (target.lstrip("/") if target.startswith("/")
                        else str(PurePosixPath("xl") / target))
                targets[element.get("Id")] = part
    sheets = []
    for _, element in iterparse(book.open("xl/workbook.xml")):
        if _local(element.tag) == "sheet":
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            state = element.get("state", "visible")
            sheets.append((element.get("name", ""), state != "visible",
                           targets.get(rid, "")))
    return sheets


def _scan_sheet(book: zipfile.ZipFile, name: str, hidden: bool, part: str) -> SheetScan:
    scan = SheetScan(name, hidden)
    if part not in book.namelist():
        return scan  # a chart sheet or a missing part: calamine decides
    row_number, far = 0, 0
    for _, element in iterparse(book.open(part)):
        tag = _local(element.tag)
        if tag == "c":
            ref = _CELL_REF.fullmatch(element.get("r", ""))
            children = {_local(child.tag): child for child in element}
            has_value = any(k in children for k in ("v", "is")) or "f" in children
            if ref is not None and has_value:
                scan.values += 1
                row, column = int(ref.group(2)), column_index(ref.group(1)) + 1
                if row * column > far:
                    far, scan.far_cell = row * column, ref.group(0)
                scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, column)
            no_value = children.get("v") is None or not (children["v"].text or "").strip()
            if "f" in children and no_value and \
                    len(scan.formulas_without_values) <= FORMULAS_NAMED:
                scan.formulas_without_values.append(element.get("r", "?"))
            element.clear()
        elif tag == "row":
            row_number = int(element.get("r", row_number + 1))
            if element.get("hidden") in ("1", "true"):
                scan.hidden_rows.add(row_number)
            element.clear()
    return scan


def scan_workbook(path: Path) -> list[SheetScan]:
    """Every sheet of an .xlsx, scanned; SourceError naming the format, damage or far cell."""
    with path.open("rb") as handle:
        head = handle.read(8)
    refuse_kind(path, head)
    book = _open_zip(path)
    try:
        scans = [_scan_sheet(book, name, hidden, part)
                 for name, hidden, part in _sheets(path, book)]
    except (ParseError, KeyError, ValueError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise fail(path, f"the workbook is damaged: its XML cannot be read ({exc})",
                   RESAVE) from exc
    finally:
        book.close()
    if not scans:
        raise fail(path, "the workbook has no sheets", RESAVE)
    return scans


def refuse_unsafe(path: Path, scan: SheetScan) -> None:
    """Refuse a sheet too large to read, or holding formulas without saved values."""
    sparse = scan.cells > MAX_SHEET_CELLS and scan.cells > 4 * scan.values
    if sparse or scan.cells > MAX_DENSE_CELLS:
        far = _CELL_REF.fullmatch(scan.far_cell)
        raise fail(path, f"sheet '{scan.name}' has a value in cell {scan.far_cell}, far "
                         f"outside the table: its used range would be {scan.rows:,} rows by "
                         f"{scan.columns:,} columns, more than the "
                         f"{MAX_DENSE_CELLS if not sparse else MAX_SHEET_CELLS:,} cells a "
                         "return may hold" + ("" if sparse else " (split it into several files)"),
                   f"Delete what is in cell {scan.far_cell} (and anything else outside the "
                   "table), save and send again." if sparse else
                   "Send the rows in several files (by financial year, say), or as CSV.",
                   row=int(far.group(2)) if far else None, column=far.group(1) if far else None)
    if scan.formulas_without_values:
        cells = scan.formulas_without_values[:FORMULAS_NAMED]
        more = " and more" if len(scan.formulas_without_values) > FORMULAS_NAMED else ""
        first = _CELL_REF.fullmatch(cells[0])
        raise fail(path, f"sheet '{scan.name}' has formulas saved without their values (cells "
                         f"{', '.join(cells)}{more}): the program that wrote the file did not "
                         "calculate them", "Open and save the file in Excel, so the values "
                                           "are saved with the formulas, then send it again.",
                   row=int(first.group(2)) if first else None,
                   column=first.group(1) if first else None)


def read_values(path: Path, sheet: str) -> list[list[object]]:
    """The cell values of one sheet (already scanned and bounded), from A1."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError, RuntimeError) as exc:
        raise fail(path, f"sheet '{sheet}' cannot be read ({exc})", RESAVE) from exc
