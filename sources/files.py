"""Finding input files: shipped public files, then the landing folder, each with its hash."""

from __future__ import annotations

import fnmatch
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

PUBLIC_DIR = Path(__file__).parent / "data" / "public"
EXAMPLES_DIR = Path(__file__).parent / "data" / "examples"

# Which file kinds a name pattern announces. A reader then confirms the kind by the header and
# fails clearly when the content is not what the name promises. National files in the landing
# folder supersede the shipped public file of the same kind (a newer edition); local returns add.
KIND_PATTERNS: dict[str, tuple[str, ...]] = {
    "census_ts039_ltla": ("*ts039*ltla*.csv",),
    "census_qs301_la": ("*qs301*.csv",),
    "census_ts007_ltla": ("*ts007*ltla*.csv",),
    "lookup_lad11_lad21": ("*lad2011*lad2021*.csv",),
    "lookup_lad_region": ("*lad*rgn*.csv",),
    "dfe_young_carers": ("*dfe*young*carer*.csv", "*spc*young*carer*.csv",
                         "*schools*pupils*young*carer*.csv"),
    "oflog_asc": ("*oflog*asc*.csv",),
    "census_ts039_lsoa": ("*ts039*lsoa*.csv",),
    "nhsd_ascof": ("*meas-from-asc-of*.xlsx", "*ascof*open*data*.xlsx"),
}

# National tables a CSV's header row also announces, whatever the file is called (a DfE
# download keeps its own name): kind -> columns that must all be in the first row.
HEADER_KINDS: dict[str, tuple[str, ...]] = {
    "dfe_young_carers": ("time_period", "geographic_level", "young_carer", "number_of_pupils"),
}


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


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    for kind, patterns in KIND_PATTERNS.items():
        if any(fnmatch.fnmatch(name, p) for p in patterns):
            return kind
    return kind_from_header(path)


def kind_from_header(path: Path) -> str | None:
    """The national table a CSV's first row announces (HEADER_KINDS), or None."""
    if path.suffix.lower() != ".csv":
        return None
    try:
        with path.open("rb") as handle:
            first = handle.read(65536).split(b"\n", 1)[0]
    except OSError:
        return None
    text = first.decode("utf-8-sig", errors="replace")
    names = {c.strip().strip('"').strip().lower() for c in text.split(",")}
    for kind, columns in HEADER_KINDS.items():
        if set(columns) <= names:
            return kind
    return None


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


IGNORED_SUFFIXES = (".md", ".txt", ".pdf", ".docx")


def walk(folder: Path) -> list[Path]:
    """Every file and link under `folder`, sorted; links to folders are listed, not entered."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        found += [base / d for d in dirs if (base / d).is_symlink()]
        found += [base / f for f in files]
    return sorted(found)


def link_problem(path: Path, landing: Path) -> str | None:
    """Why a symbolic link in the landing folder is not followed, or None if it is not one
    (or points to a file inside the folder)."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if not target.is_relative_to(landing.resolve()):
        return ("a link to a file or folder outside the landing folder: not followed "
                f"(it points to {'a folder' if target.is_dir() else 'a file'} elsewhere)")
    if target.is_dir():
        return "a link to a folder: not followed"
    return None


def inventory(landing: Path) -> list[LandingFile]:
    """Classify every file in the landing folder: national tables by name, local returns by
    their header (or, failing that, by a return's name in the file name, so a return with a
    broken header is read and rejected loudly rather than ignored). A file nothing can read
    is listed with its reason (kind None), never followed outside the folder."""
    from sources.errors import SourceError
    from sources.returns.contract import RETURNS
    from sources.returns.read import identify

    if not landing.is_dir():
        return []
    by_length = sorted(RETURNS, key=len, reverse=True)
    found = []
    for path in walk(landing):
        if path.name.startswith((".", "~$")) or path.suffix.lower() in IGNORED_SUFFIXES:
            continue
        link = link_problem(path, landing)
        if link is not None:
            found.append(LandingFile(path, None, False, "", link))
            continue
        if not path.is_file():
            continue
        sha = sha256_of(path)
        kind = kind_of(path)
        if kind is not None:
            found.append(LandingFile(path, kind, False, sha))
            continue
        try:
            kind, problem = identify(path).kind, None
        except SourceError as exc:
            kind = next((k for k in by_length if k in path.stem.lower()), None)
            problem = "; ".join(p.describe() for p in exc.problems[:3])
        found.append(LandingFile(path, kind, kind is not None, sha,
                                 None if kind is not None else problem))
    return found


def national_files(kind: str, landing: Path, public: Path = PUBLIC_DIR) -> list[SourceFile]:
    """The files for a national table: landing files of that kind if any, else the shipped ones."""
    from_landing = [f for f in _scan(landing, "landing") if f.kind == kind]
    return from_landing or [f for f in _scan(public, "public") if f.kind == kind]
