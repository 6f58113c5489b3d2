"""The one exception type every reader raises, and the row-level problem it carries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One broken rule: where it is (file, row as a person sees it, column), what, and the fix."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    fix: str

    def describe(self, file: bool = True) -> str:
        """'file, row 3, column 'x': value 'y': rule. Fix.' (without the file if asked)."""
        where = [Path(self.file).name] if file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f" value {self.value!r}:"
        prefix = f"{', '.join(where)}:" if where else ""
        return f"{prefix}{value} {self.rule}. {self.fix}".strip()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class SourceError(Exception):
    """A file that cannot be read at all; nothing from it is loaded."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = self.problems[:20]
        lines = [p.describe() for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"... and {len(self.problems) - len(shown)} more problems")
        return "\n".join(lines)


def fail(file: Path | str, rule: str, fix: str, *, row: int | None = None,
         column: str | None = None, value: object = None) -> SourceError:
    """Build a SourceError for a single problem (callers `raise fail(...)`)."""
    return SourceError([Problem(str(file), row, column, None if value is None else str(value),
                                rule, fix)])
