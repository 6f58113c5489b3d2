"""Immutable editions: built aside, switched in with one rename, `latest` moved atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.db import quote_identifier

LATEST = "latest"
PUBLISHED_DB = "published.duckdb"
READ_ONLY = 0o444


def new_edition_id(run_id: str, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{run_id[:8]}"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """Write one table as CSV and Parquet; return its manifest entry."""
    csv_path = folder / f"{name}.csv"
    frame.to_csv(csv_path, index=False, lineterminator="\n", float_format="%.10g")
    parquet_path = folder / f"{name}.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), parquet_path)
    return {"name": name, "rows": len(frame),
            "files": {p.name: file_sha256(p) for p in (csv_path, parquet_path)}}


def publish_edition(root: Path, edition_id: str, tables: dict[str, pd.DataFrame],
                    manifest: dict[str, Any], extra_files: dict[str, bytes] | None = None
                    ) -> Path:
    """Write every table into a new edition folder and make it `latest`, all or nothing.

    The edition is built in `.building-<id>` beside the others: CSV and Parquet per table, a
    read-only DuckDB file (`published.duckdb`) holding every table, then the manifest. Every
    file is made read-only and flushed to disk, then the folder is renamed into place and
    `latest` is switched to it with one rename. A crash at any point leaves `latest` on the
    last complete edition; earlier editions are never touched."""
    root.mkdir(parents=True, exist_ok=True)
    clear_unfinished(root)
    building = root / f".building-{edition_id}"
    building.mkdir()
    try:
        entries = [write_table(building, name, frame) for name, frame in tables.items()]
        for name, content in (extra_files or {}).items():
            (building / name).write_bytes(content)
        database = write_published_db(building, list(tables))
        if extra_files:  # charts and other files: listed with their hashes like the tables
            manifest = {**manifest, "files": [
                {"file": name, "sha256": file_sha256(building / name)} for name in extra_files]}
        manifest = {**manifest, "edition": edition_id, "tables": entries,
                    "published_db": {"file": database.name, "sha256": file_sha256(database)}}
        (building / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        for path in building.iterdir():
            path.chmod(READ_ONLY)
            _fsync_file(path)
        _fsync_dir(building)
        final = root / edition_id
        os.rename(building, final)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    point_latest(root, edition_id)
    return final


def write_published_db(folder: Path, names: list[str]) -> Path:
    """One DuckDB file holding every table of the edition (from its Parquet files), for
    read-only queries that never touch the live warehouse."""
    import duckdb

    path = folder / PUBLISHED_DB
    con = duckdb.connect(str(path))
    try:
        for name in names:
            con.execute(f"create table {quote_identifier(name)} as select * from "
                        "read_parquet($path)", {"path": str(folder / f"{name}.parquet")})
        con.execute("checkpoint")
    finally:
        con.close()
    return path


def clear_unfinished(root: Path) -> list[Path]:
    """Remove what an interrupted publish left behind (`.building-*`, `.latest-*`): never a
    complete edition. Call only while holding the writer lock."""
    removed = []
    for path in root.glob(".building-*"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    for path in root.glob(f".{LATEST}-*"):
        if path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def point_latest(root: Path, edition_id: str) -> None:
    link = root / LATEST
    tmp = root / f".{LATEST}-{edition_id}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(edition_id, target_is_directory=True)
    os.replace(tmp, link)
    _fsync_dir(root)


def editions(root: Path) -> list[Path]:
    """Every complete edition, oldest first (folders with a manifest; not `latest`)."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                  and (p / "manifest.json").is_file())


def latest_edition(root: Path) -> Path | None:
    link = root / LATEST
    return link.resolve() if link.exists() else None
