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
from sources.files import EXAMPLES_DIR, PUBLIC_DIR
from warehouse import catalogue, db, health, lock

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Each configurable field, the environment variable that sets it, and its embedded default.
FIELDS = {
    "warehouse": ("CARERS_WAREHOUSE", str(PROJECT_ROOT / "warehouse" / "carers.duckdb")),
    "publish": ("CARERS_PUBLISH", str(PROJECT_ROOT / "warehouse" / "publish")),
    "landing": ("CARERS_LANDING", str(EXAMPLES_DIR)),
    "duckdb_memory": ("CARERS_DUCKDB_MEMORY", db.DEFAULT_MEMORY_LIMIT),
    "expectations_engine": ("CARERS_EXPECTATIONS_ENGINE", "sql"),
    "extra_catalogues": ("CARERS_CATALOGUE_EXTRA", ""),
    # The GX file data context (validation results, Data Docs); blank: `gx/` beside the
    # warehouse file, so every warehouse keeps its own validation history.
    "gx": ("CARERS_GX", ""),
    # After each run GX builds the Data Docs in a background process ("background"); "off"
    # only records the results (`carers docs` builds them later): the test suite runs dozens
    # of refreshes and sets it off.
    "data_docs": ("CARERS_DATA_DOCS", "background"),
}
DEFAULTS = {variable: default for variable, default in FIELDS.values()}


def _path(value: str, field: str) -> Path:
    return Path(value or FIELDS[field][1]).expanduser().resolve()


class CarersResource(dg.ConfigurableResource):
    """Paths of the live DuckDB warehouse, the published editions and the landing folder; the
    DuckDB memory limit, the expectations engine, any extra catalogue folders and the GX
    context (validation results and Data Docs)."""

    warehouse: str = ""
    publish: str = ""
    landing: str = ""
    duckdb_memory: str = ""
    expectations_engine: str = ""
    extra_catalogues: str = ""
    gx: str = ""
    data_docs: str = ""

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
        """Parsed national files kept by sha256, beside the warehouse (sources/cache.py)."""
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
