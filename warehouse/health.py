"""Is the live warehouse file sound, and can this process write it?

Damage is decided only by DuckDB itself: the file must open, and every column of every table
must read back (DuckDB verifies the checksum of every block it reads). Nothing is judged from
the file's size: DuckDB trims free blocks from the end of a file, so a sound file is often
smaller than its header's block count times the block size (STACK-NOTES).

A damaged file is moved aside (never deleted), with its write-ahead log, so the run rebuilds
the warehouse from the raw input files; the audit history is replayed from the log beside the
editions (warehouse/audit_log.py), so the rebuilt warehouse decides as the old one did.

Errors that say nothing about the file's content (another program holding it, permissions,
a full disk, memory) never count as damage: they stop the run with their own message and the
file is left where it is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.db import quote_identifier

_LOCKED = ("could not set lock", "conflicting lock")
# DuckDB complaints that are about this machine, not about the bytes in the file.
_NOT_DAMAGE = ("permission denied", "no space left", "read-only file system",
               "too many open files", "out of memory", "interrupted")


class WarehouseBusy(RuntimeError):
    """Another program has the warehouse open, so this process cannot write it."""

    def __init__(self, message: str, pid: int | None = None):
        super().__init__(message)
        self.pid = pid


class WarehouseUnreadable(RuntimeError):
    """The warehouse could not be checked for a reason that is not damage (permissions, disk,
    memory): nothing was moved."""


def holder_of(error_text: str) -> tuple[int | None, str]:
    """The process DuckDB names in a lock error: (pid, its command line), as far as known."""
    match = re.search(r"\(PID (\d+)\)", error_text)
    if not match:
        return None, ""
    pid = int(match.group(1))
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        command = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    except OSError:
        found = re.search(r"lock is held in (.+?) \(PID", error_text)
        command = found.group(1) if found else ""
    return pid, command


def busy_message(path: Path, error_text: str, mode: str) -> WarehouseBusy:
    """`mode`: what the other program has: "for writing" or "open (read-only or writing)"."""
    pid, command = holder_of(error_text)
    who = f"process {pid}" + (f" ({command})" if command else "") if pid else "another program"
    return WarehouseBusy(
        f"The warehouse {path} is held {mode} by {who}, so this refresh cannot write it. "
        "Nothing was refreshed, and the last published edition is untouched. Close that "
        "session (in the duckdb shell `.exit`; in Python `con.close()`), or end the process"
        + (f" (`kill {pid}`)" if pid else "") + ", then run `carers refresh` again. To query "
        "the data while refreshes run, open the published copy instead: "
        "<publish folder>/latest/published.duckdb.", pid)


def _not_damage(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, (duckdb.OutOfMemoryException, duckdb.InterruptException)) \
        or any(t in text for t in _NOT_DAMAGE)


def problem_with(path: Path) -> str | None:
    """None if DuckDB opens the file and reads every table in full, else DuckDB's complaint.

    Raises WarehouseBusy when another program holds the file for writing, and
    WarehouseUnreadable when the check failed for a reason that is not the file's content."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if any(text in str(exc).lower() for text in _LOCKED):
            raise busy_message(path, str(exc), "for writing") from exc
        if _not_damage(exc):
            raise WarehouseUnreadable(f"The warehouse {path} could not be opened to check it: "
                                      f"{exc}") from exc
        return f"{type(exc).__name__}: {exc}"
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() "
                             "where not temporary order by all").fetchall()
        for schema, table in tables:
            # Every value of every column, so DuckDB reads (and checksums) every data block.
            # (min() could be answered from block statistics; hash() needs each value.)
            con.execute("select count(*), sum(hash(columns(*))) from "
                        f"{quote_identifier(schema)}.{quote_identifier(table)}").fetchall()
    except duckdb.Error as exc:
        if _not_damage(exc):
            raise WarehouseUnreadable(f"The warehouse {path} could not be read to check it: "
                                      f"{exc}") from exc
        return f"{type(exc).__name__}: {exc}"
    finally:
        con.close()
    return None


# Files this process read in full and found sound, with their size and modification time
# then: `carers refresh` checks before Dagster starts and the run's resource checks again
# under the same lock; the second read of every table is skipped while the file is unchanged.
_SOUND: dict[Path, tuple] = {}


def _state(path: Path) -> tuple | None:
    """Size and modification time of the file and of its write-ahead log (if any)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    wal = path.with_name(path.name + ".wal")
    wal_stat = wal.stat() if wal.exists() else None
    return (stat.st_size, stat.st_mtime_ns,
            (wal_stat.st_size, wal_stat.st_mtime_ns) if wal_stat else None)


def ensure_sound(path: Path) -> str | None:
    """Move a damaged warehouse aside (with its write-ahead log); return a message saying what
    DuckDB reported and what was done, or None when the file is sound or absent. Call with the
    writer lock."""
    path = Path(path)
    seen = _state(path)
    if seen is not None and _SOUND.get(path.resolve()) == seen:
        return None  # read in full by this process already, and not written since
    problem = problem_with(path)
    if problem is None:
        if seen is not None:
            _SOUND[path.resolve()] = seen
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.rename(aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        wal.rename(aside.with_name(aside.name + ".wal"))
    return (f"The warehouse file {path} is damaged and cannot be read (DuckDB reported: "
            f"{problem.strip()}). It was moved aside to {aside} (kept, not deleted) and the "
            "warehouse is being rebuilt from the raw input files, with the audit history "
            "replayed from the publish folder's audit log. The published editions are not "
            "affected. Nothing to do unless this recurs; if it does, check the disk.")


def ensure_writable(path: Path) -> None:
    """Raise WarehouseBusy (naming the process) if another program has the warehouse open,
    even read-only: DuckDB then refuses this process's writes. Call with the writer lock."""
    path = Path(path)
    if not path.exists():
        return
    try:
        duckdb.connect(str(path)).close()
    except duckdb.Error as exc:
        if any(text in str(exc).lower() for text in _LOCKED):
            raise busy_message(path, str(exc), "open (read-only or for writing)") from exc
        raise
