"""One writer at a time: an exclusive, re-entrant lock on the warehouse.

DuckDB allows one writing process. Every run that writes the warehouse takes this lock: the
`carers refresh` command before it starts Dagster, and the `carers` resource at the start of
every run, however it was launched (CLI, UI, schedule or sensor). The lock is an `flock` on
`<warehouse>.lock`, so it is released by the kernel when its holder dies, even by SIGKILL.

Within one process the lock is re-entrant: a run started by `carers refresh` (which already
holds it) takes it again without waiting for itself.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class BusyError(RuntimeError):
    """Another process is writing the warehouse."""


_guard = threading.RLock()
_held: dict[Path, tuple[IO[str], int]] = {}


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def _busy_message(warehouse: Path, holder: str) -> str:
    return (f"Another refresh is writing {warehouse} ({holder or 'another process'}). "
            "Nothing was changed. Wait for it to finish, or run `carers refresh --wait` to "
            "queue behind it.")


def acquire(warehouse: Path, wait: bool = True, timeout: float | None = None) -> None:
    """Take the lock (again, if this process holds it). `wait=False`: BusyError at once if
    another process holds it; `timeout`: BusyError after that many seconds of waiting."""
    warehouse = Path(warehouse).resolve()
    with _guard:
        if warehouse in _held:
            handle, count = _held[warehouse]
            _held[warehouse] = (handle, count + 1)
            return
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path(warehouse).open("a+")
        try:
            _flock(handle, warehouse, wait, timeout)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        _held[warehouse] = (handle, 1)


def _flock(handle: IO[str], warehouse: Path, wait: bool, timeout: float | None) -> None:
    if wait and timeout is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                handle.seek(0)
                raise BusyError(_busy_message(warehouse, handle.read().strip())) from None
            time.sleep(0.2)


def release(warehouse: Path) -> None:
    warehouse = Path(warehouse).resolve()
    with _guard:
        if warehouse not in _held:
            return
        handle, count = _held[warehouse]
        if count > 1:
            _held[warehouse] = (handle, count - 1)
            return
        del _held[warehouse]
        try:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()


def holder(warehouse: Path) -> str | None:
    """Who holds the lock now ("pid N since ..."), or None. Only reads the lock file (never
    takes the lock): its holder writes itself there and clears it on release; a holder killed
    with SIGKILL leaves its text behind, so the pid must still be alive to count."""
    warehouse = Path(warehouse).resolve()
    if holds(warehouse):
        return f"pid {os.getpid()} (this process)"
    try:
        text = lock_path(warehouse).read_text().strip()
    except OSError:
        return None
    if not text.startswith("pid "):
        return None
    try:
        os.kill(int(text.split()[1]), 0)
    except (ValueError, IndexError, ProcessLookupError):
        return None
    except PermissionError:  # alive, another user's
        pass
    return text


def holds(warehouse: Path) -> bool:
    with _guard:
        return Path(warehouse).resolve() in _held


@contextmanager
def writer_lock(warehouse: Path, wait: bool = True,
                timeout: float | None = None) -> Iterator[None]:
    """Hold the writer lock for the duration of the block."""
    acquire(warehouse, wait=wait, timeout=timeout)
    try:
        yield
    finally:
        release(warehouse)
