"""What a refresh read, as one comparable record: the landing folder's files by content, the
shipped public files, the indicator catalogue and the code.

The refresh writes this record into each edition's manifest (`read`). The landing sensor
compares the landing folder with the latest edition's record, whoever started that refresh,
and a refresh whose record equals the latest edition's publishes nothing new."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sources.files import PUBLIC_DIR, sha256_of

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CODE_FOLDERS = ("assets", "expectations", "pipelines", "reporting", "sources", "warehouse")
CODE_FILES = ("pyproject.toml", "uv.lock", "targets.yaml")
CODE_SUFFIXES = {".py", ".sql", ".yaml", ".yml", ".html", ".css", ".js", ".j2"}
# Data and what runs write under the project's folders (editions, validation results and
# Data Docs, caches, run folders): never code. Data Docs are HTML and rewritten after every run,
# so counting them as code made every refresh read as new code.
NOT_CODE = (PROJECT_ROOT / "sources" / "data", PROJECT_ROOT / "warehouse" / "publish",
            PROJECT_ROOT / "warehouse" / "gx", PROJECT_ROOT / "warehouse" / "cache",
            PROJECT_ROOT / "warehouse" / "run")
CATALOGUE = ("warehouse/catalogue.yaml", "warehouse/catalogue.d/*.yaml")


def fingerprint(files: dict[str, Any]) -> str:
    """One hash for a folder's content: names and sha256 (never sizes or times). Accepts the
    sensor's look ({name: [size, sha]}) or a plain {name: sha}."""
    def sha(value: Any) -> Any:
        return value[1] if isinstance(value, list | tuple) else value
    text = "\n".join(f"{name}\t{sha(value)}" for name, value in sorted(files.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _digest(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.relative_to(root)}\t{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def code_version(root: Path = PROJECT_ROOT, exclude: Iterable[Path] = ()) -> str:
    """sha256 over the project's code and configuration files (not data, not editions), so an
    uncommitted edit counts as a new version as much as a commit does."""
    skip = {p.resolve() for p in (*NOT_CODE, *exclude)}
    found = [root / name for name in CODE_FILES if (root / name).is_file()]
    for folder in CODE_FOLDERS:
        for here, dirs, files in os.walk(root / folder):
            # Prune data, editions and run folders instead of walking every file in them.
            dirs[:] = [d for d in dirs if d != "__pycache__"
                       and (Path(here) / d).resolve() not in skip]
            found.extend(Path(here) / f for f in files if Path(f).suffix in CODE_SUFFIXES)
    return _digest(found, root)


def catalogue_version(root: Path = PROJECT_ROOT) -> str:
    return _digest([p for pattern in CATALOGUE for p in root.glob(pattern)], root)


def public_files(public: Path = PUBLIC_DIR) -> dict[str, str]:
    return {str(p.relative_to(public)): sha256_of(p) for p in sorted(public.rglob("*"))
            if p.is_file() and not p.name.startswith(".")} if public.is_dir() else {}


def what_was_read(landing: Path, landing_files: dict[str, str], publish_root: Path) -> dict:
    """The manifest's `read` record. `landing_files`: the landing folder's files as the refresh
    inventoried them, path relative to `landing` -> sha256."""
    record = {
        "landing_folder": str(landing),
        "landing": dict(sorted(landing_files.items())),
        "landing_fingerprint": fingerprint(landing_files),
        "public": public_files(),
        "catalogue": catalogue_version(),
        "code": code_version(exclude=[publish_root]),
    }
    key = {k: v for k, v in record.items() if k != "landing"}
    record["key"] = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return record


def landing_files_read(con: Any, landing: Path) -> dict[str, str]:
    """The landing folder's files this refresh inventoried (audit.landing_files): path
    relative to `landing` -> sha256."""
    out = {}
    for path, sha in con.execute("select path, source_sha256 from audit.landing_files "
                                 "order by path").fetchall():
        p = Path(path)
        out[str(p.relative_to(landing)) if p.is_relative_to(landing) else str(p)] = sha
    return out
