"""Dagster's SQLite storage, with each database's SQLAlchemy engine kept for the process.

Dagster's own SQLite storage builds a new engine for every read or write (about five per
event): each one starts with an empty statement cache, so every insert is compiled again. On
the shipped data that was a third of a refresh's time in Dagster (358 events). These
subclasses keep one engine per database file with a small pool of open connections (closing
the last connection to a SQLite file checkpoints its log: once per event before), and commit
without an fsync each time (`synchronous = NORMAL` in WAL mode, see _wal_normal_sync). Files, tables
and the run history are Dagster's own: the UI reads them as before, and `storage: sqlite:` in
dagster.yaml reads the same folder."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from sqlalchemy import create_engine, event
from sqlalchemy.pool import QueuePool

ENGINES_KEPT = 16  # per-run databases the UI may read in turn: keep the most recent


def _wal_normal_sync(dbapi_connection: Any, _record: Any) -> None:
    """In WAL mode (Dagster sets it on every database), `synchronous = NORMAL` syncs the
    log at checkpoints instead of at every commit: a power cut can lose the last events
    written, never corrupt the database (SQLite's documentation). One fsync per event was
    most of the event log's wall time on a busy disk."""
    dbapi_connection.execute("pragma synchronous = normal")


class _Engines:
    def __init__(self) -> None:
        self._engines: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, conn_string: str, **kwargs: Any) -> Any:
        with self._lock:
            engine = self._engines.pop(conn_string, None)
            if engine is None:
                # A small pool: connections stay open for the process, so SQLite does not
                # checkpoint and delete its write-ahead log after every event.
                engine = create_engine(conn_string, poolclass=QueuePool, pool_size=2,
                                       max_overflow=8, **kwargs)
                event.listen(engine, "connect", _wal_normal_sync)
            self._engines[conn_string] = engine
            while len(self._engines) > ENGINES_KEPT:
                _, old = self._engines.popitem(last=False)
                old.dispose()
            return engine


class KeptEngineEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: Any = None) -> None:
        self._kept = _Engines()
        super().__init__(base_dir, inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        with self._db_lock:
            engine = self._kept.get(self.conn_string_for_shard(shard),
                                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn


class _KeptEngineConnect:
    """`connect()` from one kept engine per database, for Dagster's run and schedule storage
    (both open their one SQLite file through `self._conn_string`)."""

    _conn_string: str

    def __init__(self, conn_string: str, inst_data: Any = None) -> None:
        self._kept = _Engines()
        super().__init__(conn_string, inst_data)  # type: ignore[call-arg]

    @contextmanager
    def connect(self) -> Iterator[Any]:
        with self._kept.get(self._conn_string).connect() as conn, conn.begin():
            yield conn


class KeptEngineRunStorage(_KeptEngineConnect, SqliteRunStorage):
    pass


class KeptEngineScheduleStorage(_KeptEngineConnect, SqliteScheduleStorage):
    pass


class CarersSqliteStorage(DagsterSqliteStorage):
    """`storage: custom:` in dagster.yaml: Dagster's SQLite storage (same folder layout)."""

    def __init__(self, base_dir: str, inst_data: Any = None) -> None:
        self.base_dir = base_dir
        self._run_storage = KeptEngineRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = KeptEngineEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = KeptEngineScheduleStorage.from_local(
            _schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> CarersSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)
