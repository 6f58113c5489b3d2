"""The audit history that outlives the warehouse: append-only JSON Lines beside the editions.

The live warehouse can be rebuilt from the input files at any time (a damaged file is moved
aside and the next refresh starts afresh), but some of what it records cannot be rebuilt from
the files: *when* each return's content was first seen, which decides which of two files for
the same organisation and year is the correction. So every refresh also writes, under
`<publish folder>/audit/`:

- `files.jsonl`: one line per return content (kind, file, sha256, first seen), written the
  first time the content is seen. Every refresh replays it into `audit.file_history` before
  deciding supersession, so a rebuilt warehouse decides exactly as the old one did.
- `loads.jsonl`: one line per return kind per refresh: each file's rows in, loaded,
  quarantined and superseded, the organisations and years it covers, and which file
  superseded it.
- `quarantine/<kind>-<sha256>-<digest>.jsonl`: the quarantined rows of one file's content
  (file, row, column, value, rule, fix), written once per distinct set of problems.

Lines are only ever added. A line cut short by a crash mid-write (no newline at the end of
the file) was never complete: it is ignored when reading and dropped before the next append.
Any other line that is not JSON is an error naming the file and line.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

FOLDER = "audit"
FILES = "files.jsonl"
LOADS = "loads.jsonl"


class AuditLogError(RuntimeError):
    """The audit log cannot be read: a line in the middle of it is not a record."""


class AuditLog:
    def __init__(self, publish_root: Path):
        self.folder = Path(publish_root) / FOLDER

    def path(self, name: str) -> Path:
        return self.folder / name

    def records(self, name: str) -> list[dict[str, Any]]:
        path = self.path(name)
        if not path.is_file():
            return []
        data = path.read_bytes()
        lines = data.split(b"\n")
        if not data.endswith(b"\n"):
            lines = lines[:-1]  # cut short by a crash mid-write: never a complete record
        out = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except ValueError as exc:
                raise AuditLogError(
                    f"{path}, line {number}, is not a record ({exc}). The audit log is "
                    "append-only: restore the file from backup, or move it aside to start a "
                    "new log (supersession then falls back to the warehouse's own history)."
                ) from exc
        return out

    def append(self, name: str, records: Iterable[dict[str, Any]]) -> int:
        """Add records as lines, flushed to disk; returns how many were written."""
        lines = [json.dumps(r, sort_keys=True, default=str) for r in records]
        if not lines:
            return 0
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            size = handle.tell()
            if size:
                _drop_torn_tail(path, handle, size)
            handle.write(("\n".join(lines) + "\n").encode())
            handle.flush()
            os.fsync(handle.fileno())
        return len(lines)

    def write_once(self, name: str, records: Sequence[dict[str, Any]]) -> bool:
        """Write a whole file that does not exist yet (by a rename, so never half-written)."""
        path = self.path(name)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("wb") as handle:
            handle.write("".join(json.dumps(r, sort_keys=True, default=str) + "\n"
                                 for r in records).encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return True


def _drop_torn_tail(path: Path, handle: Any, size: int) -> None:
    with path.open("rb") as reader:
        reader.seek(max(0, size - 65536))
        tail = reader.read()
    if tail.endswith(b"\n"):
        return
    cut = tail.rfind(b"\n")
    keep = size - len(tail) + cut + 1 if cut >= 0 else (0 if size <= 65536 else None)
    if keep is None:
        raise AuditLogError(f"{path} ends with a line of more than 64 KiB and no newline")
    handle.truncate(keep)


def _stamp(value: Any) -> str:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)


def replay_history(con: duckdb.DuckDBPyConnection, log: AuditLog, kind: str) -> int:
    """Bring audit.file_history and the log into agreement for one return kind: contents the
    log knows and the warehouse does not (a rebuilt warehouse) are inserted with their logged
    first sight; contents the warehouse knows and the log does not (a warehouse older than the
    log) are appended to the log. Returns how many rows were restored into the warehouse."""
    logged = {r["source_sha256"]: r for r in log.records(FILES)
              if r.get("return_kind") == kind}
    have = {sha: (file, seen) for file, sha, seen in con.execute(
        "select source_file, source_sha256, min(first_seen) from audit.file_history "
        "where return_kind = ? group by all", [kind]).fetchall()}
    restore = [(kind, r["source_file"], sha, datetime.fromisoformat(r["first_seen"]))
               for sha, r in sorted(logged.items())
               if sha not in have or datetime.fromisoformat(r["first_seen"]) < have[sha][1]]
    if restore:
        con.executemany("insert into audit.file_history values (?, ?, ?, ?)", restore)
    missing = [{"return_kind": kind, "source_file": file, "source_sha256": sha,
                "first_seen": _stamp(seen)}
               for sha, (file, seen) in sorted(have.items()) if sha not in logged]
    log.append(FILES, missing)
    return len(restore)


def record_first_seen(con: duckdb.DuckDBPyConnection, log: AuditLog, kind: str) -> int:
    """Append to the log each content of this kind in audit.file_history not logged yet."""
    logged = {r["source_sha256"] for r in log.records(FILES) if r.get("return_kind") == kind}
    rows = con.execute("select source_file, source_sha256, min(first_seen) "
                       "from audit.file_history where return_kind = ? group by all order by 3, 2",
                       [kind]).fetchall()
    return log.append(FILES, [{"return_kind": kind, "source_file": f, "source_sha256": s,
                               "first_seen": _stamp(t)} for f, s, t in rows if s not in logged])


def record_loads(con: duckdb.DuckDBPyConnection, log: AuditLog, kind: str,
                 files: Sequence[dict[str, Any]], at: datetime, run_id: str | None) -> None:
    """One line for this refresh's loads of a kind (from audit.file_loads, plus what each file
    covers and what superseded it), and each file's quarantined rows once per distinct set."""
    loads = {sha: dict(zip(("source_file", "rows_in", "rows_loaded", "rows_quarantined",
                            "rows_superseded"), rest, strict=True))
             for sha, *rest in con.execute(
                 "select source_sha256, source_file, rows_in, rows_loaded, rows_quarantined, "
                 "rows_superseded from audit.file_loads where return_kind = ? order by 2",
                 [kind]).fetchall()}
    covers = {f["sha256"]: f.get("covers", []) for f in files}
    entries = []
    for sha, load in loads.items():
        problems = [dict(zip(("source_file", "source_row", "column_name", "value", "rule",
                              "fix"), row, strict=True))
                    for row in con.execute(
                        "select source_file, source_row, column_name, value, rule, fix "
                        "from audit.quarantine where return_kind = ? and source_sha256 = ? "
                        "order by source_row, column_name, rule", [kind, sha]).fetchall()]
        digest = hashlib.sha256(json.dumps(problems, sort_keys=True).encode()).hexdigest()
        if problems:
            log.write_once(f"quarantine/{kind}-{sha[:16]}-{digest[:16]}.jsonl", problems)
        entries.append({"source_sha256": sha, **load, "covers": covers.get(sha, []),
                        "quarantine": f"quarantine/{kind}-{sha[:16]}-{digest[:16]}.jsonl"
                        if problems else None})
    log.append(LOADS, [{"at": _stamp(at), "run_id": run_id, "return_kind": kind,
                        "files": entries}])
