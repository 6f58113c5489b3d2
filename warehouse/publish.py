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

LATEST = "latest"


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
    """Write every table into a new edition folder and make it `latest`, all or nothing."""
    root.mkdir(parents=True, exist_ok=True)
    building = root / f".building-{edition_id}"
    if building.exists():
        shutil.rmtree(building)
    building.mkdir()
    try:
        entries = [write_table(building, name, frame) for name, frame in tables.items()]
        for name, content in (extra_files or {}).items():
            (building / name).write_bytes(content)
        manifest = {**manifest, "edition": edition_id, "tables": entries}
        (building / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        final = root / edition_id
        os.rename(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    point_latest(root, edition_id)
    return final


def point_latest(root: Path, edition_id: str) -> None:
    link = root / LATEST
    tmp = root / f".{LATEST}-{edition_id}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(edition_id, target_is_directory=True)
    os.replace(tmp, link)


def latest_edition(root: Path) -> Path | None:
    link = root / LATEST
    return link.resolve() if link.exists() else None
