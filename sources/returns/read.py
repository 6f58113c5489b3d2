"""Read a partner's return (CSV or XLSX) as sent: find the header under any title rows, skip
and report blank and total rows, keep the row number the partner sees in Excel.

The result is text, one column per contract column; typing and row rules run as SQL
(warehouse/returns.py), so the same rules serve a refresh, a single file and 10 million rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa

from sources.errors import Problem, SourceError, fail
from sources.files import SourceFile
from sources.returns.contract import RETURNS, Return

HEADER_SEARCH_ROWS = 30
# Above this size a CSV is scanned by DuckDB rather than parsed in Python (see csv_scan).
# 1 MiB is about 10,000 rows: parsing them in Python already costs more than the scan
# (tests/sources/test_csv_scan.py checks both paths stage and quarantine the same rows).
LARGE_CSV_BYTES = 1024 * 1024
TOTAL_ROW = re.compile(r"^(grand\s+)?totals?:?$", re.IGNORECASE)


@dataclass(frozen=True)
class Skipped:
    row: int
    reason: str


@dataclass(frozen=True)
class CsvScan:
    """A large, clean CSV for DuckDB to read itself: no Python row objects at scale.

    Every line after the header is one data row (checked: no empty lines), so the spreadsheet
    row is header_row + the line's ordinal.
    """

    path: Path
    header_row: int
    columns: tuple[str, ...]  # the file's header names, normalised, in file order


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

    @property
    def rows_in(self) -> int | None:
        """Data rows read (excluding title, blank and total rows); None for a CsvScan."""
        return None if self.table is None else self.table.num_rows


def normalise_header(cell: object) -> str:
    """A header cell as the contract names it: 'Event ID ' and 'event-id' both read event_id."""
    text = str(cell if cell is not None else "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _cell_text(value: object) -> str | None:
    """A cell as text, the way the partner meant it (Excel numbers and dates included)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip()
    return text or None


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise fail(path, "the file is neither UTF-8 nor Windows-1252 text",
               "Save it again from Excel as 'CSV UTF-8 (comma delimited)'.")


def _csv_grid(path: Path, limit: int | None = None) -> list[list[object]]:
    if limit is not None:
        with path.open("rb") as handle:
            data = b"".join(handle.readline() for _ in range(limit))
    else:
        data = path.read_bytes()
    text = _decode(path, data)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise fail(path, f"the file is not readable as CSV ({exc})",
                   "Save it again from Excel as CSV.") from exc


def _xlsx_grid(path: Path, spec: Return | None, limit: int | None = None
               ) -> list[list[object]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise fail(path, f"the workbook cannot be opened ({exc})",
                   "Check it opens in Excel, then save it again as .xlsx.") from exc
    kwargs = {"skip_empty_area": False}
    if limit is not None:
        kwargs["nrows"] = limit
    grids = [(name, book.get_sheet_by_name(name).to_python(**kwargs))
             for name in book.sheet_names]
    # The sheet holding the return's header; else the first sheet.
    for _, grid in grids:
        if _find_header(grid, spec)[0] is not None:
            return grid
    return grids[0][1] if grids else []


def grid_of(path: Path, spec: Return | None = None, limit: int | None = None
            ) -> list[list[object]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_grid(path, limit)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grid(path, spec, limit)
    raise fail(path, f"'{suffix}' files are not read", "Send the return as .xlsx or .csv.")


def _find_header(grid: list[list[object]], spec: Return | None
                 ) -> tuple[int | None, Return | None]:
    candidates = [spec] if spec else list(RETURNS.values())
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        names = {normalise_header(c) for c in row}
        for candidate in candidates:
            if set(candidate.required) <= names:
                return index, candidate
    return None, None


def sniff(path: Path) -> str | None:
    """The return a file's header announces, or None."""
    try:
        grid = grid_of(path, None, HEADER_SEARCH_ROWS)
    except SourceError:
        return None
    return (_find_header(grid, None)[1] or Return("", "", (), "")).kind or None


def _missing_header_error(path: Path, grid: list[list[object]], spec: Return) -> SourceError:
    best_row, best = 0, -1
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = len({normalise_header(c) for c in row} & set(spec.names))
        if hits > best:
            best_row, best = index, hits
    found = {normalise_header(c) for c in (grid[best_row] if grid else [])}
    missing = [c for c in spec.required if c not in found]
    other = _find_header(grid, None)[1]
    rule = (f"this is not a complete {spec.kind} return: the header (row {best_row + 1}) has "
            f"no column {', '.join(map(repr, missing))}")
    if other is not None and other.kind != spec.kind:
        rule += f"; the header is that of a {other.kind} return"
    return SourceError([Problem(str(path), best_row + 1, missing[0] if missing else None, None,
                                rule, f"Use the {spec.kind} template (`carers template "
                                      f"{spec.kind}`): one header row with these names.")])


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


def read_return(source: SourceFile, kind: str, landing: Path | None = None) -> ReadReturn:
    """Read one return file; raise SourceError if it cannot be read as that return at all."""
    spec = RETURNS[kind]
    path = source.path
    org = org_from_path(path, landing, kind)
    if path.suffix.lower() == ".csv" and path.stat().st_size > LARGE_CSV_BYTES:
        scan = _large_csv(path, spec)
        if scan is not None:
            return ReadReturn(source, spec, org, scan.header_row, None, scan,
                              columns=scan.columns)
    grid = grid_of(path, spec)
    header_index, _ = _find_header(grid, spec)
    if header_index is None:
        raise _missing_header_error(path, grid, spec)
    header = [normalise_header(c) for c in grid[header_index]]
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        if name and name in seen and name in spec.names:
            raise fail(path, f"column '{name}' appears twice in the header",
                       "Keep one column of each name.", row=header_index + 1, column=name)
        seen.setdefault(name, position)
    ignored = [h for h in header if h and h not in spec.names and h != "source_org"]

    skipped = [Skipped(i + 1, "title row above the header") for i in range(header_index)
               if any(_cell_text(c) for c in grid[i])]
    rows: list[list[str | None]] = []
    row_numbers: list[int] = []
    for index in range(header_index + 1, len(grid)):
        cells = [_cell_text(c) for c in grid[index]]
        if not any(cells):
            skipped.append(Skipped(index + 1, "blank row"))
            continue
        first = next(c for c in cells if c)
        if TOTAL_ROW.match(first):
            skipped.append(Skipped(index + 1, "total row"))
            continue
        rows.append(cells)
        row_numbers.append(index + 1)

    columns: dict[str, list[str | None]] = {}
    for name in [*spec.names, "source_org"]:
        position = seen.get(name)
        columns[name] = [r[position] if position is not None and position < len(r) else None
                         for r in rows]
    if "source_org" not in seen:
        columns["source_org"] = [org] * len(rows)
    else:
        columns["source_org"] = [v or org for v in columns["source_org"]]
    columns["_source_row"] = row_numbers
    schema = pa.schema([(n, pa.string()) for n in [*spec.names, "source_org"]]
                       + [("_source_row", pa.int32())])
    table = pa.table(columns, schema=schema)
    return ReadReturn(source, spec, org, header_index + 1, table, None, skipped, ignored,
                      tuple(header))


def _large_csv(path: Path, spec: Return) -> CsvScan | None:
    """A CsvScan when the file is UTF-8 with its header near the top and no empty lines."""
    grid = _csv_grid(path, HEADER_SEARCH_ROWS)
    header_index, _ = _find_header(grid, spec)
    if header_index is None:
        raise _missing_header_error(path, grid, spec)
    with path.open("rb") as handle:
        for _ in range(header_index + 1):
            handle.readline()
        previous = b"\n"
        while block := handle.read(1 << 24):
            joined = previous[-2:] + block
            if b"\n\n" in joined or b"\n\r\n" in joined:
                return None  # empty lines would shift row numbers: take the exact Python path
            previous = block
    header = tuple(normalise_header(c) for c in grid[header_index])
    return CsvScan(path, header_index + 1, header)
