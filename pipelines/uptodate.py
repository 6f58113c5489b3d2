"""Whether `carers refresh` has anything to do: a refresh that read exactly these inputs with
this code and these settings today already built this warehouse and published `latest`.

A successful refresh writes a stamp beside the warehouse (`<warehouse>.refreshed.json`): the
key of everything it read (`key()`), the warehouse file's size and modification time after
the run, and the edition `latest` then named. The next refresh compares before starting
Dagster; only when all three still hold is the run skipped. Anything else, a changed or new
landing file, a public file, the catalogue, the code, a setting, a new day (rules depend on
today's date), an edition published or withdrawn, a warehouse written, moved aside or
rebuilt since, means a full refresh. `carers refresh --force` always runs one."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sources.files import sha256_of
from warehouse import inputs
from warehouse.settings import FIELDS


def stamp_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".refreshed.json")


def _folder(folder: Path) -> dict[str, str]:
    """Every file under a folder, by relative path and sha256 (hidden files included: a
    conservative look, so any change at all means a refresh)."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): sha256_of(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def key(landing: Path) -> str:
    """One hash of what a refresh would read and how: the landing folder's files, the public
    files, the catalogue (and any extra catalogue folders), the code, every setting, and
    today's date."""
    settings = {variable: os.environ.get(variable, default)
                for variable, default in FIELDS.values()}
    extra = {folder: _folder(Path(folder)) for folder in
             filter(None, settings["CARERS_CATALOGUE_EXTRA"].split(os.pathsep))}
    record = {"landing": _folder(landing), "public": inputs.public_files(),
              "catalogue": inputs.catalogue_version(), "extra_catalogues": extra,
              "code": inputs.code_version(), "settings": settings,
              "date": datetime.now(UTC).date().isoformat()}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _state(warehouse: Path, publish: Path) -> dict[str, Any]:
    # reporting.editions brings pandas: the "Up to date" answer needs it only here.
    from reporting.editions import latest_edition

    stat = warehouse.stat()
    latest = latest_edition(publish)
    return {"warehouse_size": stat.st_size, "warehouse_mtime_ns": stat.st_mtime_ns,
            "latest": latest.name if latest else None}


def record(warehouse: Path, publish: Path, read_key: str, run_id: str) -> None:
    """After a successful refresh: what it read (`read_key`, taken before it started) and
    the state it left."""
    if not warehouse.is_file():
        return
    stamp = {"key": read_key, "run_id": run_id, **_state(warehouse, publish),
             "finished": datetime.now(UTC).isoformat(timespec="seconds")}
    path = stamp_path(warehouse)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(stamp, indent=1))
    tmp.replace(path)


def up_to_date(warehouse: Path, publish: Path, read_key: str) -> dict[str, Any] | None:
    """The stamp of the refresh this one would repeat, or None when there is work to do."""
    path = stamp_path(warehouse)
    if not path.is_file() or not warehouse.is_file():
        return None
    try:
        stamp = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if stamp.get("key") != read_key or stamp.get("latest") is None:
        return None
    state = _state(warehouse, publish)
    if any(stamp.get(k) != v for k, v in state.items()):
        return None
    return stamp


def forget(warehouse: Path) -> None:
    """A refresh that failed, or ran, leaves no stamp claiming the warehouse is current."""
    stamp_path(warehouse).unlink(missing_ok=True)
