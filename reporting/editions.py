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

from sources.safe_text import neutralise_frame
from warehouse.audit_log import AuditLog
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
    neutralise_frame(frame).to_csv(csv_path, index=False, lineterminator="\n",
                                   float_format="%.10g")
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


def path_digest(path: Path | str) -> str:
    """sha256 of a machine path: what a published file may say about a folder (issue 17: no
    absolute machine path in a published file), enough to compare with."""
    return hashlib.sha256(str(path).encode()).hexdigest()


def published_read(read: dict[str, Any]) -> dict[str, Any]:
    """The manifest's `read` record as published: the landing folder's path replaced by its
    digest (`landing_folder_sha256`)."""
    out = dict(read)
    folder = out.pop("landing_folder", None)
    if folder is not None:
        out["landing_folder_sha256"] = path_digest(folder)
    return out


def earlier_values(root: Path) -> list[pd.DataFrame]:
    """indicator_values of every complete edition under `root`, oldest first: what a reader
    holds beside a new edition (disclosure control keeps cells hidden there hidden, and
    audits the new edition set beside them). Editions whose files are byte for byte the same
    (a refresh of unchanged data) are read once, as one frame named after all of them
    ("a, b"): the publish folder grows by an edition a refresh, and each was read again."""
    frames: dict[str, pd.DataFrame] = {}
    key = {"indicator_id", "area_code", "period_id", "breakdown", "numerator"}
    for folder in editions(root):
        path = folder / "indicator_values.parquet"
        # A table without the keys of a value (not one this pipeline published) cannot be
        # set beside the new edition, by us or by a reader: it is left out, not a crash.
        if not path.is_file():
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in frames:
            frame = frames[digest]
            frame.attrs["edition"] = f"{frame.attrs['edition']}, {folder.name}"
        elif key <= set(pq.read_schema(path).names):
            frames[digest] = pq.read_table(path).to_pandas()
            frames[digest].attrs["edition"] = folder.name
    return list(frames.values())


class BoundaryError(ValueError):
    """A request would read or write outside the published boundary: the message says why."""


def edition_folder(root: Path, edition: str) -> Path:
    """The folder of edition `edition` (an id, or `latest`), which must be a complete edition
    directly under the publish folder `root`: never another folder of the machine."""
    if not edition or "/" in edition or "\\" in edition or edition in (".", "..") \
            or edition.startswith("."):
        raise BoundaryError(
            f"--edition takes an edition id (a folder name under the publish folder {root}) "
            f"or 'latest', not {edition!r}.")
    folder = root / edition
    if not folder.exists():
        return folder  # the caller says which editions there are
    resolved = folder.resolve()
    if resolved.parent != root.resolve() or not (resolved / "manifest.json").is_file():
        raise BoundaryError(f"{edition!r} is not a published edition under {root}.")
    return resolved


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    folder = folder.expanduser().resolve()
    return path == folder or folder in path.parents


def check_out_path(out: Path, *, warehouse: Path | None, publish_root: Path | None,
                   force: bool = False) -> Path:
    """Where `carers request --out` may write: never inside the warehouse's folder or the
    publish folder (the live database and the editions), never over an existing file unless
    `force`, and only into a folder that exists."""
    target = out.expanduser().resolve()
    guarded = [(warehouse.expanduser().resolve().parent if warehouse else None, "warehouse"),
               (publish_root, "publish")]
    for folder, name in guarded:
        if _inside(target, folder):
            raise BoundaryError(
                f"--out {out} is inside the {name} folder ({folder}); request outputs go "
                "elsewhere, so the live warehouse and published editions are never touched.")
    if warehouse is not None and target == warehouse.expanduser().resolve():
        raise BoundaryError(f"--out {out} is the live warehouse.")
    if not target.parent.is_dir():
        raise BoundaryError(f"--out {out}: the folder {target.parent} does not exist; "
                            "create it first or choose another.")
    if target.is_dir():
        raise BoundaryError(f"--out {out} is a folder: give a file name.")
    if target.exists() and not force:
        raise BoundaryError(f"--out {out} exists; add --force to overwrite it.")
    return target


# --- No duplicate editions (issue 19): one function, so the rule stays in one place. ---

def table_digest(frame: pd.DataFrame) -> str:
    """sha256 of a table's CSV exactly as write_table writes it."""
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    return hashlib.sha256(text.encode()).hexdigest()


def unchanged_since(root: Path, read: dict[str, Any], tables: dict[str, pd.DataFrame]
                    ) -> str | None:
    """The latest edition's id when a new one would repeat it: made from the same inputs,
    catalogue and code (`read["key"]`, warehouse/inputs.py) and holding the same tables,
    byte for byte. Else None: publish. (Same inputs but different tables happens when a rule
    depends on today's date, e.g. a future-dated row that is now in the past.)"""
    latest = latest_edition(root)
    if latest is None:
        return None
    manifest = json.loads((latest / "manifest.json").read_text())
    if manifest.get("read", {}).get("key") != read.get("key"):
        return None
    published = {t["name"]: t["files"].get(f"{t['name']}.csv")
                 for t in manifest.get("tables", [])}
    if set(published) != set(tables):
        return None
    if any(table_digest(frame) != published[name] for name, frame in tables.items()):
        return None
    return latest.name


def latest_read(root: Path) -> tuple[str, dict[str, Any]] | None:
    """(latest edition id, what its refresh read: the manifest's `read`), or None when there is
    no edition or it predates the record."""
    latest = latest_edition(root)
    if latest is None or not (latest / "manifest.json").is_file():
        return None
    read = json.loads((latest / "manifest.json").read_text()).get("read")
    return (latest.name, read) if read else None


# --- Citations and retention (issue 19) ---

CITATIONS = "citations.jsonl"  # in <publish folder>/audit/, beside the audit history


def record_citation(root: Path, edition: str, output: Path | str, what: str) -> None:
    """Note that an output people will read (a workbook, facts page, request answer) cites
    `edition`, so `carers editions --prune` keeps it. One JSON line, appended."""
    AuditLog(root).append(CITATIONS, [{
        "edition": edition, "output": str(output), "what": what,
        "at": datetime.now(UTC).isoformat(timespec="seconds")}])


def cite(root: Path, edition: str, output: Path | str, what: str) -> str | None:
    """record_citation, for the commands that write outputs: a warning to print if the
    citation could not be recorded (the output itself was written)."""
    try:
        record_citation(root, edition, output, what)
    except OSError as exc:
        return (f"Warning: wrote {output}, but could not record that it cites edition "
                f"{edition} in {root / 'audit' / CITATIONS} ({exc}); `carers editions "
                "--prune` will not know to keep that edition.")
    return None


def citations(root: Path) -> list[dict[str, Any]]:
    return AuditLog(root).records(CITATIONS)


def prune_plan(root: Path, keep: int) -> tuple[list[Path], dict[str, str]]:
    """(editions to remove, kept edition -> why) for keeping the newest `keep` editions, every
    cited edition and `latest`."""
    if keep < 1:
        raise ValueError("keep at least one edition (the latest)")
    every = editions(root)
    latest = latest_edition(root)
    cited = {c["edition"]: c for c in citations(root)}
    why: dict[str, str] = {}
    for folder in every[-keep:]:
        why[folder.name] = f"one of the newest {keep}"
    for folder in every:
        if folder.name in cited:
            c = cited[folder.name]
            why.setdefault(folder.name, f"cited by {c['what']} {c['output']}")
    if latest is not None:
        why[latest.name] = "latest"
    return [f for f in every if f.name not in why], why


def remove_edition(folder: Path) -> None:
    """Delete one edition folder (its files are read-only: make them writable first)."""
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)
