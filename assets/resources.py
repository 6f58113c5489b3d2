"""The one resource every asset uses: where the warehouse, the published editions and the
landing folder are, and how DuckDB, the catalogue and the expectations are run. Dagster
configures it (pipelines/definitions.py passes `dg.EnvVar`s for the variables that are set);
every field has an embedded default, so a fresh clone runs with no setup."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from expectations import validation
from sources.files import PUBLIC_DIR
from warehouse import catalogue, db, health, lock
from warehouse.settings import DEFAULTS, FIELDS, PROJECT_ROOT

__all__ = ["DEFAULTS", "FIELDS", "PROJECT_ROOT", "CarersResource"]

def _path(value: str, field: str) -> Path:
    return Path(value or FIELDS[field][1]).expanduser().resolve()


class CarersResource(dg.ConfigurableResource):
    """Paths of the live DuckDB warehouse, the published editions and the landing folder; the
    DuckDB memory limit, the expectations engine, any extra catalogue folders, the GX
    context (validation results and Data Docs) and the cache of parsed files and charts."""

    warehouse: str = ""
    publish: str = ""
    landing: str = ""
    duckdb_memory: str = ""
    expectations_engine: str = ""
    extra_catalogues: str = ""
    gx: str = ""
    data_docs: str = ""
    cache: str = ""

    @property
    def warehouse_path(self) -> Path:
        return _path(self.warehouse, "warehouse")

    @property
    def publish_root(self) -> Path:
        return _path(self.publish, "publish")

    @property
    def landing_dir(self) -> Path:
        return _path(self.landing, "landing")

    @property
    def cache_dir(self) -> Path:
        """Parsed national files kept by sha256 (sources/cache.py) and drawn charts
        (reporting/figure_cache.py): `cache/` beside the warehouse unless `cache` is set."""
        if self.cache:
            return Path(self.cache).expanduser().resolve()
        return self.warehouse_path.parent / "cache"

    @property
    def gx_dir(self) -> Path:
        """The GX file data context: results of every suite and the Data Docs site."""
        if self.gx:
            return Path(self.gx).expanduser().resolve()
        return self.warehouse_path.parent / "gx"

    @property
    def public_dir(self) -> Path:
        return PUBLIC_DIR

    @property
    def engine(self) -> str:
        return self.expectations_engine or "sql"

    def catalogue(self) -> catalogue.Catalogue:
        folders = tuple(f for f in self.extra_catalogues.split(os.pathsep) if f)
        return catalogue.load(extra_folders=folders)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Every run that uses the warehouse holds the writer lock for its whole length, however
        it was launched (re-entrant: `carers refresh` already holds it). A damaged warehouse
        file is moved aside here, so the run rebuilds it from the raw inputs; a file held open by
        another program stops the run with a message naming that program."""
        try:
            lock.acquire(self.warehouse_path, wait=False)
        except lock.BusyError as busy:
            if context.log is not None:
                context.log.info(f"Waiting for the writer lock: {busy}")
            lock.acquire(self.warehouse_path, wait=True)
        try:
            message = health.ensure_sound(self.warehouse_path)
            # An analyst's DuckDB session (even read-only) would make the first write fail
            # with a raw lock error: stop now, naming the process.
            health.ensure_writable(self.warehouse_path)
        except BaseException:
            lock.release(self.warehouse_path)
            raise
        if message and context.log is not None:
            context.log.warning(message)
        # One connection held for the run: each step's `connect` then shares the open
        # database instead of opening and checkpointing the file again (about 40 ms a step).
        try:
            db.hold(self.warehouse_path, memory=self.duckdb_memory)
        except BaseException:
            lock.release(self.warehouse_path)
            raise

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        try:
            db.release(self.warehouse_path)
        finally:
            lock.release(self.warehouse_path)
        # The run's suite results become GX validation results and Data Docs in a process of
        # their own: importing GX takes seconds, and nothing in the run needs to wait for it.
        if (self.data_docs or "background") != "off":
            validation.start_build(self.gx_dir)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with db.connect(self.warehouse_path, memory=self.duckdb_memory) as con:
            yield con
