"""Check one return file on its own, before it is dropped into the landing folder.

The same reader, row rules and duplicate-key rule as a refresh (warehouse.returns.check_return
runs them in an in-memory DuckDB), reported row by row for the partner who filled the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sources.errors import Problem, SourceError, fail
from sources.files import SourceFile, sha256_of
from sources.returns.contract import RETURNS
from sources.returns.read import ReadReturn, identify, ranges, read_return
from warehouse.returns import check_return

OK, QUARANTINE, REJECTED = 0, 1, 2  # exit statuses of `carers check`


@dataclass
class CheckReport:
    file: Path
    kind: str | None
    read: ReadReturn | None = None
    problems: list[Problem] = field(default_factory=list)  # rows that would be quarantined
    rejected: SourceError | None = None  # the file cannot be read at all
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    skipped_rules: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        if self.rejected is not None:
            return REJECTED
        return QUARANTINE if self.rows_quarantined else OK

    def _where(self, p: Problem) -> str:
        """Row, column and value of a problem; the sheet too when a workbook had several."""
        sheet = p.file[len(str(self.file)):].strip(" []")
        where = [f"sheet '{sheet}'"] if sheet else []
        where.append(f"row {p.row}")
        if p.column:
            where.append(f"column '{p.column}'")
            where.append("value " + ("blank" if p.value is None else repr(p.value)))
        return ", ".join(where)

    def lines(self) -> list[str]:
        out = [f"Checking {self.file}"]
        if self.rejected is not None:
            out.append("REJECTED: the file cannot be read as a return; nothing in it would be "
                       "loaded.")
            out += [f"  {p.describe()}" for p in self.rejected.problems]
            return out
        read = self.read
        assert read is not None
        spec = read.spec
        out.append(f"Return: {spec.kind} ({spec.title}); organisation: {read.org}; "
                   f"header on row {read.header_row}; read as {read.describe_format()}")
        out += skipped_lines(read)
        if read.ignored_columns:
            out.append(f"  columns not in the {spec.kind} return, ignored: "
                       f"{', '.join(read.ignored_columns)}")
        missing = [c for c in spec.names if c not in read.columns]
        if missing:
            out.append(f"  optional columns absent (read as blank): {', '.join(missing)}")
        if self.problems:
            out.append(f"Rows that would be quarantined ({self.rows_quarantined}), each with "
                       "what to do:")
            for p in self.problems:
                out.append(f"  {self._where(p)}: {p.rule}. {p.fix}")
        for rule in self.skipped_rules:
            out.append(f"  rule not checked here: {rule}")
        out.append(f"Rows in: {self.rows_in}; would load: {self.rows_loaded}; would be "
                   f"quarantined: {self.rows_quarantined}.")
        out.append("OK: the file is ready to send." if self.status == OK else
                   "NOT READY: correct the rows above and check the file again (the other "
                   "rows would still load).")
        return out


def check_file(path: Path, kind: str | None = None, today: date | None = None,
               landing: Path | None = None) -> CheckReport:

    path = Path(path)
    today = today or date.today()
    report = CheckReport(path, kind)
    try:
        if not path.is_file():
            raise fail(path, "there is no such file", "Check the path and the file name.")
        if kind is None:
            kind = identify(path).kind
        elif kind not in RETURNS:
            raise fail(path, f"there is no return called {kind!r}",
                       f"Use one of: {', '.join(RETURNS)}.")
        report.kind = kind
        source = SourceFile(path, kind, "check", sha256_of(path))
        report.read = read_return(source, kind, landing)
    except SourceError as exc:
        report.rejected = exc
        return report
    problems, counts = check_return(report.read, today)
    report.problems = problems
    report.rows_in = counts.rows_in
    report.rows_loaded = counts.rows_loaded
    report.rows_quarantined = counts.rows_quarantined
    report.skipped_rules = counts.skipped_rules
    return report


def skipped_lines(read: ReadReturn) -> list[str]:
    """Rows that are not data, runs of the same reason in one line (a stray value far down a
    sheet makes one line of blank rows, not 200,000)."""
    out = []
    by_reason: dict[tuple[str | None, str], list[int]] = {}
    for skipped in read.skipped:
        if skipped.row == 0:  # a sheet not read, and why
            out.append(f"  {skipped.reason}")
            continue
        by_reason.setdefault((skipped.sheet, skipped.reason), []).append(skipped.row)
    runs = [(first, last, sheet, reason) for (sheet, reason), rows in by_reason.items()
            for first, last in ranges(rows)]
    for first, last, sheet, reason in sorted(runs, key=lambda r: (r[2] or "", r[0])):
        where = f"sheet '{sheet}', " if sheet and len(read.sheets) > 1 else ""
        rows = f"row {first:,}" if first == last else f"rows {first:,}-{last:,}"
        out.append(f"  {where}{rows}: not data ({reason}), not loaded")
    return out
