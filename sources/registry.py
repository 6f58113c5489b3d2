"""Which file is which: the kinds of national file every reader module declares (`KINDS`),
discovered here, and the landing folder's inventory (national tables by name or header, local
returns by their header). Adding a national source adds a reader module with `KINDS`; nothing
here changes."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sources
from sources.files import PUBLIC_DIR, SourceFile, SourceKind, sha256_of
from sources.returns.contract import RETURNS
from sources.returns.read import sniff

IGNORED_SUFFIXES = (".md", ".txt", ".pdf", ".docx")


@cache
def source_kinds() -> tuple[SourceKind, ...]:
    """Every kind declared by a module of the `sources` package, in module order. A kind
    declared twice is a programming error and says where."""
    found: dict[str, tuple[SourceKind, str]] = {}
    for info in sorted(pkgutil.iter_modules(sources.__path__), key=lambda m: m.name):
        if info.ispkg or info.name == "registry":
            continue
        module = importlib.import_module(f"sources.{info.name}")
        for kind in getattr(module, "KINDS", ()):
            if kind.kind in found:
                raise RuntimeError(f"source kind {kind.kind!r} is declared by both "
                                   f"{found[kind.kind][1]} and {module.__name__}")
            found[kind.kind] = (kind, module.__name__)
    return tuple(k for k, _ in found.values())


def source_kind(name: str) -> SourceKind:
    for kind in source_kinds():
        if kind.kind == name:
            return kind
    raise KeyError(f"no reader declares the source kind {name!r}")


def _first_row_columns(path: Path) -> set[str]:
    try:
        with path.open("rb") as handle:
            first = handle.read(65536).split(b"\n", 1)[0]
    except OSError:
        return set()
    text = first.decode("utf-8-sig", errors="replace")
    return {c.strip().strip('"').strip().lower() for c in text.split(",")}


def kind_of(path: Path) -> str | None:
    """The national table a file is: by its name, else (a CSV) by its first row; else None."""
    for kind in source_kinds():
        if kind.matches_name(path.name):
            return kind.kind
    if path.suffix.lower() != ".csv":
        return None
    columns = _first_row_columns(path)
    return next((k.kind for k in source_kinds() if k.matches_header(columns)), None)


def _scan(folder: Path, origin: str) -> list[SourceFile]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith((".", "~$")):
            kind = kind_of(path)
            if kind is not None:
                found.append(SourceFile(path, kind, origin, sha256_of(path)))
    return found


@dataclass(frozen=True)
class LandingFile:
    """A file in the landing folder and what it is: a national table, a local return, or
    nothing we recognise (kind None)."""

    path: Path
    kind: str | None
    is_return: bool
    sha256: str

    def as_source(self) -> SourceFile:
        return SourceFile(self.path, self.kind or "", "landing", self.sha256)


def inventory(landing: Path) -> list[LandingFile]:
    """Classify every file in the landing folder: national tables by name, local returns by
    their header (or, failing that, by a return's name in the file name, so a return with a
    broken header is read and rejected loudly rather than ignored)."""
    if not landing.is_dir():
        return []
    by_length = sorted(RETURNS, key=len, reverse=True)
    found = []
    for path in sorted(landing.rglob("*")):
        if not path.is_file() or path.name.startswith((".", "~$")) \
                or path.suffix.lower() in IGNORED_SUFFIXES:
            continue
        kind = kind_of(path)
        if kind is not None:
            found.append(LandingFile(path, kind, False, sha256_of(path)))
            continue
        kind = sniff(path) if path.suffix.lower() in (".csv", ".xlsx", ".xlsm") else None
        if kind is None:
            kind = next((k for k in by_length if k in path.stem.lower()), None)
        found.append(LandingFile(path, kind, kind is not None, sha256_of(path)))
    return found


def national_files(kind: str, landing: Path, public: Path = PUBLIC_DIR) -> list[SourceFile]:
    """The files for a national table: landing files of that kind if any, else the shipped ones."""
    from_landing = [f for f in _scan(landing, "landing") if f.kind == kind]
    return from_landing or [f for f in _scan(public, "public") if f.kind == kind]
