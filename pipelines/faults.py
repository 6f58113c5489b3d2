"""Operational faults of a refresh, each with its own message and exit status.

| exit | meaning |
|---|---|
| 0 | refreshed (a new edition, or "nothing changed since edition X") |
| 1 | the refresh failed on the data (a step or a blocking check): see the lines above |
| 74 | the disk is full (warehouse, editions or audit log could not be written) |
| 75 | another refresh is writing the warehouse (`--wait` queues behind it) |
| 76 | another program (an analyst's DuckDB session) holds the warehouse open |
| 77 | the publish folder cannot be written (read-only, or no permission) |

Every fault leaves the last published edition untouched (editions are built aside and
switched in with one rename, and publishing is the refresh's last step), and says so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

EXIT_FAILED = 1
EXIT_NO_SPACE = 74   # EX_IOERR
EXIT_BUSY = 75       # EX_TEMPFAIL: another refresh holds the writer lock
EXIT_HELD = 76       # the warehouse is open in another program
EXIT_READ_ONLY = 77  # EX_NOPERM: the publish folder cannot be written


@dataclass(frozen=True)
class Fault:
    code: int
    message: str


def untouched(publish: Path) -> str:
    from reporting.editions import latest_edition  # lazily: pandas, only when a fault is said

    latest = latest_edition(publish)
    return (f"The last published edition, {latest.name}, is untouched and still `latest`."
            if latest else "No edition has been published yet; nothing was published.")


def no_space(where: str, detail: str, publish: Path) -> Fault:
    return Fault(EXIT_NO_SPACE, (
        f"The disk is full: {where} could not be written ({detail.strip()}). The refresh "
        f"stopped. {untouched(publish)} Free space on that disk (`df -h {where}` shows how "
        "much is left; old editions can go with `carers editions --prune`), then run "
        "`carers refresh` again."))


def read_only(publish: Path, detail: str) -> Fault:
    return Fault(EXIT_READ_ONLY, (
        f"The publish folder {publish} cannot be written ({detail.strip()}): it is read-only "
        "or this user may not write it. Nothing was refreshed or published. "
        f"{untouched(publish)} Make the folder writable for this user (or point "
        "CARERS_PUBLISH at a writable folder), then run `carers refresh` again."))


def probe_publish_folder(publish: Path) -> Fault | None:
    """Before a refresh: can this process create, flush and remove a file in the publish
    folder and its audit folder? (Read-only mounts, permissions, and a disk already full.)"""
    for folder in (publish, publish / "audit"):
        probe = folder / f".write-probe-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write_probe(probe)
        except OSError as exc:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                return no_space(str(folder), str(exc), publish)
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                return read_only(publish, str(exc))
            raise
    return None


def _write_probe(probe: Path) -> None:
    with probe.open("wb") as handle:
        handle.write(b"probe")
        handle.flush()
        os.fsync(handle.fileno())
    probe.unlink()


_NO_SPACE = re.compile(r"no space left on device|\[errno 28\]|disk quota exceeded", re.I)
_READ_ONLY = re.compile(r"read-only file system|\[errno 30\]|permission denied|\[errno 13\]",
                        re.I)
_LOCK = re.compile(r"could not set lock on file", re.I)


def from_failure(text: str, warehouse: Path, publish: Path) -> Fault | None:
    """The fault a failed step's error describes (its class and message), if it is one."""
    from warehouse.health import busy_message  # lazily: DuckDB, only when a step failed

    if _LOCK.search(text):
        return Fault(EXIT_HELD, str(busy_message(warehouse, text,
                                                 "open (read-only or for writing)")))
    if _NO_SPACE.search(text):
        where = str(publish) if str(publish) in text else str(warehouse.parent)
        return no_space(where, text.splitlines()[0][:300], publish)
    if _READ_ONLY.search(text) and str(publish) in text:
        return read_only(publish, text.splitlines()[0][:300])
    return None
