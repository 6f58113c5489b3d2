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
from sources.errors import SourceError
from sources.files import PUBLIC_DIR, SourceFile, SourceKind, link_problem, sha256_of, walk
from sources.returns.contract import RETURNS
from sources.returns.read import identify

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
    for path in walk(folder):
        if link_problem(path, folder) is None and path.is_file() \
                and not path.name.startswith((".", "~$")):
            kind = kind_of(path)
            if kind is not None:
                found.append(SourceFile(path, kind, origin, sha256_of(path)))
    return found


@dataclass(frozen=True)
class LandingFile:
    """A file in the landing folder and what it is: a national table, a local return, or
    nothing we recognise (kind None, with the reason in `problem`)."""

    path: Path
    kind: str | None
    is_return: bool
    sha256: str
    problem: str | None = None  # why it cannot be read (refused, not followed), if so

    def as_source(self) -> SourceFile:
        return SourceFile(self.path, self.kind or "", "landing", self.sha256)


def inventory(landing: Path) -> list[LandingFile]:
    """Classify every file in the landing folder: national tables by name, local returns by
    their header (or, failing that, by a return's name in the file name, so a return with a
    broken header is read and rejected loudly rather than ignored). A file nothing can read
    is listed with its reason (kind None); links out of the folder are never followed."""
    if not landing.is_dir():
        return []
    by_length = sorted(RETURNS, key=len, reverse=True)
    found = []
    for path in walk(landing):
        if path.name.startswith((".", "~$")):
            continue
        link = link_problem(path, landing)
        if link is not None:
            found.append(LandingFile(path, None, False, "", link))
            continue
        if not path.is_file():
            continue
        kind = kind_of(path)
        if kind is not None:
            found.append(LandingFile(path, kind, False, sha256_of(path)))
            continue
        try:
            kind, problem = identify(path).kind, None
        except SourceError as exc:
            if path.suffix.lower() in IGNORED_SUFFIXES:
                continue  # notes beside the returns (a .txt is read only if it is a return)
            kind = next((k for k in by_length if k in path.stem.lower()), None)
            problem = "; ".join(p.describe(file=False) for p in exc.problems[:3])
        found.append(LandingFile(path, kind, kind is not None, sha256_of(path),
                                 None if kind is not None else problem))
    return found


def national_files(kind: str, landing: Path, public: Path = PUBLIC_DIR) -> list[SourceFile]:
    """The files for a national table: landing files of that kind if any, else the shipped ones."""
    from_landing = [f for f in _scan(landing, "landing") if f.kind == kind]
    return from_landing or [f for f in _scan(public, "public") if f.kind == kind]
