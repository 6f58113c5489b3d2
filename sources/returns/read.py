"""Read a partner's return (CSV or XLSX) as sent: find the header under any title rows, skip
and report blank and total rows, keep the row number the partner sees in Excel.

The result is text, one column per contract column; typing and row rules run as SQL
(warehouse/returns.py, with the one parser of sources/returns/values.py), so the same rules
serve a refresh, a single file and 10 million rows. What the reader itself finds wrong with a
row (a hidden row, a byte that is not text) travels with the row in `_read_problems`, to be
quarantined beside the row rules' findings.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa

from sources.errors import Problem, SourceError, fail
from sources.files import SourceFile
from sources.returns import text as textmod
from sources.returns import workbook
from sources.returns.contract import RETURNS, Return

HEADER_SEARCH_ROWS = 50
# Above this size a CSV is scanned by DuckDB rather than parsed in Python (see CsvScan).
# 1 MiB is about 10,000 rows: parsing them in Python already costs more than the scan
# (tests/sources/test_csv_scan.py checks both paths stage and quarantine the same rows).
LARGE_CSV_BYTES = 1024 * 1024
TOTAL_ROW = re.compile(r"^(grand\s+)?totals?:?$", re.IGNORECASE)
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
REFUSED_SUFFIXES = {
    ".xls": "an old-format Excel 97-2003 workbook (.xls)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".numbers": "an Apple Numbers spreadsheet",
    ".xlsb": "an Excel binary workbook (.xlsb)",
}
SAVE_AS = "Save it from Excel as .xlsx (Excel Workbook) or 'CSV UTF-8 (comma delimited)'."


@dataclass(frozen=True)
class Skipped:
    row: int
    reason: str
    sheet: str | None = None


@dataclass(frozen=True)
class CsvScan:
    """A large, clean CSV for DuckDB to read itself: no Python row objects at scale.

    Every record after the header is one data row (checked: no empty lines), so the
    spreadsheet row is header_row + the record's ordinal. `path` is UTF-8 text (a temporary
    copy when the file was in another encoding, removed once loaded)."""

    path: Path
    header_row: int
    columns: tuple[str, ...]  # the file's header names, normalised, in file order
    skip: int = 0  # physical lines up to and including the header
    delimiter: str = ","
    temporary: bool = False
    encoding: str = "UTF-8"


@dataclass
class ReadReturn:
    source: SourceFile
    spec: Return
    org: str
    header_row: int
    table: pa.Table | None  # text columns per contract column + _source_row
    scan: CsvScan | None = None
    skipped: list[Skipped] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: tuple[str, ...] = ()  # the header's column names, normalised, in file order
    encoding: str | None = None  # CSV: as detected
    delimiter: str | None = None  # CSV: as detected
    sheets: list[str] = field(default_factory=list)  # XLSX: the sheets read

    @property
    def rows_in(self) -> int | None:
        """Data rows read (excluding title, blank and total rows); None for a CsvScan."""
        return None if self.table is None else self.table.num_rows

    def describe_format(self) -> str:
        if self.sheets:
            return "sheet" + ("s " if len(self.sheets) > 1 else " ") + \
                ", ".join(repr(s) for s in self.sheets)
        if self.encoding:
            return (f"{self.encoding}, {textmod.DELIMITER_NAMES.get(self.delimiter or ',')} "
                    "delimited")
        return ""


# Headers as people write them ---------------------------------------------------------------

def header_key(cell: object) -> str:
    """A header cell compared as people write it: case, spaces, hyphens, underscores and
    punctuation ignored ('Co-produced', 'Event ID ', 'event-type' match the contract)."""
    return re.sub(r"[^0-9a-z]", "", str(cell if cell is not None else "").lower())


def normalise_header(cell: object, spec: Return | None = None) -> str:
    """A header cell as the contract names it; a cell naming no contract column is returned
    lower-case with underscores ('Notes for us' -> notes_for_us)."""
    names = spec.names if spec is not None else sorted({n for r in RETURNS.values()
                                                        for n in r.names})
    key = header_key(cell)
    for name in [*names, "source_org"]:
        if key and header_key(name) == key:
            return name
    text = str(cell if cell is not None else "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def _keys(row: list[object]) -> set[str]:
    return {header_key(c) for c in row} - {""}


def find_header(grid: list[list[object]], spec: Return | None
                ) -> tuple[int | None, Return | None]:
    """The first row (0-based) within HEADER_SEARCH_ROWS holding every required column of
    `spec` (or of any return), and that return."""
    candidates = [spec] if spec else list(RETURNS.values())
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        keys = _keys(row)
        matches = [c for c in candidates if {header_key(n) for n in c.required} <= keys]
        if matches:
            # The return whose columns the row covers best (membership's three are in none
            # other's; a fuller match wins).
            best = max(matches, key=lambda c: len({header_key(n) for n in c.names} & keys))
            return index, best
    return None, None


def closest_return(grid: list[list[object]], spec: Return | None = None
                   ) -> tuple[Return, int, list[str]]:
    """The return (or `spec`) the first rows come closest to: its best row (0-based) and the
    required columns that row lacks."""
    candidates = [spec] if spec else list(RETURNS.values())
    best: tuple[float, Return, int, list[str]] | None = None
    for candidate in candidates:
        wanted = {header_key(n): n for n in candidate.required}
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS] or [[]]):
            keys = _keys(row)
            hits = len(set(wanted) & keys)
            score = hits / len(wanted)
            if best is None or score > best[0]:
                missing = [n for k, n in wanted.items() if k not in keys]
                best = (score, candidate, index, missing)
    assert best is not None
    return best[1], best[2], best[3]


def _missing_header_error(path: Path, grid: list[list[object]], spec: Return | None,
                          where: str = "") -> SourceError:
    closest, row, missing = closest_return(grid, spec)
    if spec is not None:
        rule = (f"this is not a complete {spec.kind} return{where}: no header row in the first "
                f"{HEADER_SEARCH_ROWS} rows has every required column; the closest (row "
                f"{row + 1}) lacks {', '.join(map(repr, missing))}")
        other = find_header(grid, None)[1]
        if other is not None and other.kind != spec.kind:
            rule += f"; the header is that of a {other.kind} return"
    elif len(missing) == len(closest.required):
        rule = (f"no header row of any return was found in the first {HEADER_SEARCH_ROWS} "
                f"rows{where}: no row names a required column of any return "
                f"({', '.join(RETURNS)})")
    else:
        rule = (f"no header row of any return was found in the first {HEADER_SEARCH_ROWS} "
                f"rows{where}; the closest is the {closest.kind} return (row {row + 1}), which "
                f"lacks {', '.join(map(repr, missing))}")
    if spec is None and len(missing) == len(closest.required):
        return SourceError([Problem(str(path), None, None, None, rule,
                                    "Start from a return's template (`carers template NAME`) "
                                    "and keep its header row, or name the return with "
                                    "--return.")])
    return SourceError([Problem(str(path), row + 1, missing[0] if missing else None, None,
                                rule, f"Use the {closest.kind} template (`carers template "
                                      f"{closest.kind}`): one header row with these names.")])


# Cells --------------------------------------------------------------------------------------

def cell_text(value: object) -> str | None:
    """A cell as text, the way the partner meant it (Excel numbers and dates included)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)  # refused by the parser, with the value shown
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def ranges(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


# Files to grids -----------------------------------------------------------------------------

@dataclass
class Grid:
    """The rows of one CSV or one sheet, as cells, with what the reader knows about them."""

    rows: list[list[object]]
    sheet: str | None = None
    hidden: bool = False  # the whole sheet is hidden
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    encoding: str | None = None
    delimiter: str | None = None
    mixed: bool = False  # UTF-8 with bytes that are not: rows holding them are refused


def _text_problem(path: Path, problem: textmod.TextProblem) -> SourceError:
    return SourceError([Problem(str(path), problem.line, None, None, problem.rule,
                                problem.fix)])


def csv_grid(path: Path, spec: Return | None) -> Grid:
    """The records of a CSV in its own encoding and delimiter (the one its header is found
    under; else the commonest)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(path, f"the file cannot be opened ({exc.strerror})", "Check the file.") \
            from exc
    try:
        decoded = textmod.decode(data)
        text = decoded.text
        chosen = None
        for delimiter in textmod.DELIMITERS:
            try:
                head = textmod.rows_of(text, delimiter, HEADER_SEARCH_ROWS)
            except textmod.TextProblem:
                continue
            if find_header(head, spec)[0] is not None:
                chosen = delimiter
                break
        if chosen is None:
            chosen = textmod.likely_delimiter(text)
        rows = textmod.rows_of(text, chosen)
    except textmod.TextProblem as problem:
        raise _text_problem(path, problem) from problem
    return Grid(rows, encoding=decoded.encoding, delimiter=chosen, mixed=decoded.mixed)


def xlsx_grids(path: Path, spec: Return | None) -> tuple[list[Grid], list[Skipped]]:
    """Every sheet whose header is the return's (or any return's), read whole; sheets that are
    not read, and why."""
    scans = workbook.scan_workbook(path)
    grids, notes = [], []
    for scan in scans:
        workbook.refuse_unsafe(path, scan)
        rows = workbook.read_values(path, scan.name) if scan.cells else []
        grid = Grid(rows, scan.name, scan.hidden, scan.hidden_rows)
        if find_header(rows, spec)[0] is not None:
            grids.append(grid)
        elif scan.cells:
            state = "hidden sheet" if scan.hidden else "sheet"
            what = f"the {spec.kind} return's header" if spec else "a return's header"
            notes.append(Skipped(0, f"{state} '{scan.name}' has no row with {what}: not read",
                                 scan.name))
    return grids, notes


def refuse_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        raise fail(path, f"the file is {REFUSED_SUFFIXES[suffix]}, which is not read", SAVE_AS)
    if suffix not in (*CSV_SUFFIXES, *XLSX_SUFFIXES):
        raise fail(path, f"'{suffix or 'no extension'}' files are not read: a return is .xlsx "
                         "or .csv", SAVE_AS)


def identify(path: Path) -> Return:
    """The return a file's header announces; SourceError naming why when there is none (the
    file cannot be read, or the closest return and the columns it lacks)."""
    refuse_suffix(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        grids, _ = xlsx_grids(path, None)
        if grids:
            found = find_header(grids[0].rows, None)[1]
            assert found is not None
            return found
        first = workbook.read_values(path, workbook.scan_workbook(path)[0].name)
        raise _missing_header_error(path, first, None, " of any sheet")
    grid = _large_head(path) if path.stat().st_size > LARGE_CSV_BYTES else csv_grid(path, None)
    found = find_header(grid.rows, None)[1]
    if found is None:
        raise _missing_header_error(path, grid.rows, None)
    return found


def org_from_path(path: Path, landing: Path | None, kind: str) -> str:
    """Who sent the file: the landing sub-folder it sits in, else the file-name part before
    the return's name (crossroads_events_2025.xlsx -> crossroads), else 'unknown'."""
    if landing is not None:
        try:
            parts = path.resolve().relative_to(landing.resolve()).parts
        except ValueError:
            parts = ()
        if len(parts) > 1:
            return parts[0]
    stem = path.stem.lower()
    match = re.match(rf"^(.+?)[_\- ]+{re.escape(kind)}", stem)
    return match.group(1) if match else "unknown"


# Grids to the return's table ----------------------------------------------------------------

HIDDEN_ROW = ("the row is hidden in the workbook (hidden rows are often deleted or "
              "'do not count' rows), so it is not loaded",
              "Delete the row if it should not be counted; otherwise unhide it (select the rows "
              "around it, right-click, Unhide) and send the file again.")
HIDDEN_SHEET = ("the sheet '{}' is hidden in the workbook, so its rows are not loaded",
                "Delete the sheet if it should not be counted; otherwise unhide it (right-click "
                "a sheet tab, Unhide) and send the file again.")
OVERFLOW = ("the row has values beyond the header's {} columns (to column {}): a comma or "
            "delimiter inside a value may have split it, so its cells cannot be trusted",
            "Put quotation marks around values holding commas (Excel does this when it saves a "
            "CSV), or remove the values to the right of the table, and send the file again.")
BAD_TEXT = ("holds a byte that is not UTF-8 text (the file is UTF-8 but this row has a "
            "character from another encoding, shown as \ufffd)",
            "Retype the character, or save the whole file again from Excel as 'CSV UTF-8', and "
            "send it again.")


@dataclass
class _Part:
    """One grid's rows as the return's columns."""

    columns: dict[str, list[str | None]]
    rows: list[int]
    problems: list[str | None]
    skipped: list[Skipped]
    header: list[str]
    ignored: list[str]
    header_row: int


def _read_grid(path: Path, grid: Grid, spec: Return, where: str) -> _Part:
    header_index, _ = find_header(grid.rows, spec)
    if header_index is None:
        raise _missing_header_error(path, grid.rows, spec, where)
    header = [normalise_header(c, spec) for c in grid.rows[header_index]]
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        if name and name in seen and name in spec.names:
            raise fail(path, f"column '{name}' appears twice in the header{where}",
                       "Keep one column of each name.", row=header_index + 1, column=name)
        seen.setdefault(name, position)
    ignored = [h for h in header if h and h not in spec.names and h != "source_org"]
    width = max((i + 1 for i, h in enumerate(header) if h), default=0)
    sheet = grid.sheet
    skipped = [Skipped(i + 1, "title row above the header", sheet) for i in range(header_index)
               if any(cell_text(c) for c in grid.rows[i])]
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    problems: list[str | None] = []
    for index in range(header_index + 1, len(grid.rows)):
        cells = [cell_text(c) for c in grid.rows[index]]
        number = index + 1
        if not any(cells):
            skipped.append(Skipped(number, "blank row", sheet))
            continue
        first = next(c for c in cells if c)
        if TOTAL_ROW.match(first) and number not in grid.hidden_rows:
            skipped.append(Skipped(number, "total row", sheet))
            continue
        found = []
        if grid.hidden:
            found.append({"column": None, "value": None,
                          "rule": HIDDEN_SHEET[0].format(sheet), "fix": HIDDEN_SHEET[1]})
        elif number in grid.hidden_rows:
            found.append({"column": None, "value": None, "rule": HIDDEN_ROW[0],
                          "fix": HIDDEN_ROW[1]})
        # CSV only: a workbook's cells cannot spill, a CSV's unquoted comma can.
        spill = [c for c in cells[width:] if c] if grid.sheet is None else []
        if spill:
            found.append({"column": None, "value": ", ".join(spill)[:200],
                          "rule": OVERFLOW[0].format(width, len(cells)),
                          "fix": OVERFLOW[1]})
        if grid.mixed:
            for position, cell in enumerate(cells):
                if cell and textmod.BAD_BYTE in cell:
                    column = header[position] if position < len(header) else None
                    found.append({"column": column or f"column {position + 1}", "value": cell,
                                  "rule": BAD_TEXT[0], "fix": BAD_TEXT[1]})
        rows.append(cells)
        numbers.append(number)
        problems.append(json.dumps(found) if found else None)
    columns: dict[str, list[str | None]] = {}
    for name in [*spec.names, "source_org"]:
        position = seen.get(name)
        columns[name] = [r[position] if position is not None and position < len(r) else None
                         for r in rows]
    return _Part(columns, numbers, problems, skipped, header, ignored, header_index + 1)


def read_return(source: SourceFile, kind: str, landing: Path | None = None) -> ReadReturn:
    """Read one return file; raise SourceError if it cannot be read as that return at all."""
    spec = RETURNS[kind]
    path = source.path
    refuse_suffix(path)
    org = org_from_path(path, landing, kind)
    suffix = path.suffix.lower()
    sheet_notes: list[Skipped] = []
    if suffix in XLSX_SUFFIXES:
        grids, sheet_notes = xlsx_grids(path, spec)
        if not grids:
            scans = workbook.scan_workbook(path)
            first = workbook.read_values(path, scans[0].name) if scans[0].cells else []
            raise _missing_header_error(path, first, spec, " on any sheet")
    else:
        if path.stat().st_size > LARGE_CSV_BYTES:
            scan = large_csv(path, spec)
            if scan is not None:
                return ReadReturn(source, spec, org, scan.header_row, None, scan,
                                  columns=scan.columns, delimiter=scan.delimiter,
                                  encoding=scan.encoding)
        grids = [csv_grid(path, spec)]
    named = len(grids) > 1  # several sheets: each row's file is named with its sheet
    parts = []
    for grid in grids:
        where = f" (sheet '{grid.sheet}')" if grid.sheet and named else ""
        parts.append((grid, _read_grid(path, grid, spec, where)))
    columns: dict[str, list[str | None]] = {n: [] for n in [*spec.names, "source_org"]}
    numbers: list[int] = []
    problems: list[str | None] = []
    sheets: list[str | None] = []
    skipped: list[Skipped] = []
    ignored: list[str] = []
    for grid, part in parts:
        for name in columns:
            columns[name].extend(part.columns[name])
        numbers.extend(part.rows)
        problems.extend(part.problems)
        label = f"{source.name} [{grid.sheet}]" if named else None
        sheets.extend([label] * len(part.rows))
        skipped.extend(part.skipped)
        ignored.extend(i for i in part.ignored if i not in ignored)
    skipped.extend(sheet_notes)
    columns["source_org"] = [v or org for v in columns["source_org"]]
    first = parts[0][1]
    table = pa.table({**columns, "_source_row": numbers, "_source_sheet": sheets,
                      "_read_problems": problems},
                     schema=pa.schema([(n, pa.string()) for n in columns]
                                      + [("_source_row", pa.int32()),
                                         ("_source_sheet", pa.string()),
                                         ("_read_problems", pa.string())]))
    grid0 = parts[0][0]
    return ReadReturn(source, spec, org, first.header_row, table, None, skipped, ignored,
                      tuple(first.header), encoding=grid0.encoding, delimiter=grid0.delimiter,
                      sheets=[g.sheet for g, _ in parts if g.sheet])


# Large CSVs ---------------------------------------------------------------------------------

HEAD_BYTES = 1 << 20
# Large files are read in blocks of this many bytes (characters when copying to UTF-8). Any
# size gives the same result; tests set a few bytes to put lines across block boundaries.
BLOCK = 1 << 24  # pragma: no mutate (a size only: every value gives the same answer)


def _head_bytes(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def _encoding_of_large(path: Path) -> str:
    """The encoding of a large CSV, read in blocks: UTF-8 (with or without BOM), UTF-16 or
    Windows-1252; SourceError naming the line of the first bad byte otherwise."""
    head = _head_bytes(path)
    problem = textmod.not_text(head)
    if problem is not None:
        raise _text_problem(path, problem)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    bom = head.startswith(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, multibyte = 0, False
    with path.open("rb") as handle:
        if bom:
            handle.read(3)
            offset = 3
        while block := handle.read(BLOCK):
            # An ASCII block (bytes.isascii runs at memory speed) holds no multi-byte
            # character: the pattern search, about 80 ns a byte, only runs on the others.
            multibyte = multibyte or (not block.isascii()
                                      and bool(textmod._UTF8_MULTIBYTE.search(block)))
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                if bom or multibyte:
                    line = _line_at(path, offset + exc.start)
                    raise SourceError([Problem(
                        str(path), line, None, None,
                        f"the file is UTF-8 but line {line:,} has a byte (0x"
                        f"{block[exc.start]:02X}) that is not: it mixes encodings",
                        "Save the whole file again from Excel as 'CSV UTF-8', then send it "
                        "again.")]) from exc
                return "Windows-1252"
            offset += len(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "Windows-1252"
    return "UTF-8 with BOM" if bom else "UTF-8"


def _line_at(path: Path, offset: int) -> int:
    lines = 1
    with path.open("rb") as handle:
        remaining = offset
        while remaining > 0 and (block := handle.read(min(BLOCK, remaining))):
            lines += block.count(b"\n")
            remaining -= len(block)
    return lines


def _large_head(path: Path, encoding: str | None = None) -> Grid:
    """The first rows of a large CSV, decoded as the whole file is (`encoding`: the file's,
    when the caller has found it already; each finding reads the whole file)."""
    encoding = encoding or _encoding_of_large(path)
    codec = {"UTF-16": "utf-16", "Windows-1252": "cp1252", "UTF-8 with BOM": "utf-8-sig"
             }.get(encoding, "utf-8")
    text = _head_bytes(path).decode(codec, errors="ignore")
    text = "\n".join(text.splitlines()[:-1][: HEADER_SEARCH_ROWS * 4])
    for delimiter in textmod.DELIMITERS:
        try:
            rows = textmod.rows_of(text, delimiter, HEADER_SEARCH_ROWS)
        except textmod.TextProblem:
            continue
        if find_header(rows, None)[0] is not None:
            return Grid(rows, encoding=encoding, delimiter=delimiter)
    delimiter = textmod.likely_delimiter(text)
    return Grid(textmod.rows_of(text, delimiter, HEADER_SEARCH_ROWS), encoding=encoding,
                delimiter=delimiter)


def large_csv(path: Path, spec: Return) -> CsvScan | None:
    """A CsvScan when the file's header is near the top and it has no empty lines (which
    DuckDB would skip, shifting row numbers); None to take the exact Python path. A file not
    in UTF-8 is copied to UTF-8 first (DuckDB reads UTF-8)."""
    encoding = _encoding_of_large(path)
    head = _large_head(path, encoding)
    header_index, _ = find_header(head.rows, spec)
    if header_index is None:
        raise _missing_header_error(path, head.rows, spec)
    codec = {"UTF-16": "utf-16", "Windows-1252": "cp1252", "UTF-8 with BOM": "utf-8-sig"
             }.get(encoding, "utf-8")
    text_path, temporary = path, False
    if codec not in ("utf-8", "utf-8-sig"):
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", suffix=".csv",
                                         delete=False) as handle, \
                path.open("r", encoding=codec, newline="") as source:
            while block := source.read(BLOCK):
                handle.write(block)
        text_path, temporary = Path(handle.name), True
    # Physical lines up to the header (a title row may hold a quoted newline).
    skip = _lines_through_header(text_path, head.delimiter or ",", header_index)
    with text_path.open("rb") as handle:
        for _ in range(skip):
            handle.readline()
        previous = b"\n"
        while block := handle.read(BLOCK):
            joined = previous[-2:] + block
            if b"\n\n" in joined or b"\n\r\n" in joined:
                if temporary:
                    text_path.unlink()
                return None  # empty lines would shift row numbers: take the exact Python path
            previous = block
    header = tuple(normalise_header(c, spec) for c in head.rows[header_index])
    return CsvScan(text_path, header_index + 1, header, skip, head.delimiter or ",", temporary,
                   encoding)


def _lines_through_header(path: Path, delimiter: str, header_index: int) -> int:
    """Physical lines holding the records up to and including the header."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        for _ in range(header_index + 1):
            next(reader)
        return reader.line_num
