"""Input files: where the shipped ones are, a file with its hash, and what a kind of national
file declares about itself. Which file is which kind is `sources.registry`'s job."""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PUBLIC_DIR = Path(__file__).parent / "data" / "public"
EXAMPLES_DIR = Path(__file__).parent / "data" / "examples"

@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str
    origin: str  # "public" or "landing"
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceKind:
    """A kind of national file, declared by the reader module that reads it (`KINDS` at the foot
    of the module; `sources.registry` discovers them). A file is of this kind when its name
    matches one of `patterns`, or, for a CSV, when its first row holds every column of `header`
    (a download keeps its own name). The reader then confirms the kind by the full header and
    fails clearly when the content is not what the name promises."""

    kind: str
    reader: Callable[[SourceFile], pd.DataFrame]
    patterns: tuple[str, ...] = ()
    header: tuple[str, ...] = ()

    def matches_name(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name.lower(), p) for p in self.patterns)

    def matches_header(self, columns: set[str]) -> bool:
        return bool(self.header) and set(self.header) <= columns


def walk(folder: Path) -> list[Path]:
    """Every file and link under `folder`, sorted; links to folders are listed, not entered."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        found += [base / d for d in dirs if (base / d).is_symlink()]
        found += [base / f for f in files]
    return sorted(found)


def link_problem(path: Path, folder: Path) -> str | None:
    """Why a symbolic link in `folder` is not followed, or None if it is not a link (or is a
    link to a file inside the folder)."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if not target.is_relative_to(folder.resolve()):
        return ("a link to a file or folder outside the landing folder: not followed "
                f"(it points to {'a folder' if target.is_dir() else 'a file'} elsewhere). Copy "
                "the file itself into the landing folder.")
    if target.is_dir():
        return "a link to a folder: not followed. Copy the files themselves into the folder."
    return None
