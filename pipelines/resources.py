"""The one resource every asset uses: where the warehouse, the published editions and the
landing folder are. Configured from environment variables, with embedded defaults, resolved
when a run uses them (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from sources.files import EXAMPLES_DIR, PUBLIC_DIR
from warehouse import db, health, lock

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS = {
    "CARERS_WAREHOUSE": PROJECT_ROOT / "warehouse" / "carers.duckdb",
    "CARERS_PUBLISH": PROJECT_ROOT / "warehouse" / "publish",
    "CARERS_LANDING": EXAMPLES_DIR,
}


def setting(name: str, configured: str = "") -> Path:
    """A configured value, else the environment variable, else the embedded default."""
    value = configured or os.environ.get(name, "")
    return Path(value).expanduser().resolve() if value else Path(DEFAULTS[name])


class CarersResource(dg.ConfigurableResource):
    """Paths of the live DuckDB warehouse, the published editions and the landing folder."""

    warehouse: str = ""
    publish: str = ""
    landing: str = ""

    @property
    def warehouse_path(self) -> Path:
        return setting("CARERS_WAREHOUSE", self.warehouse)

    @property
    def publish_root(self) -> Path:
        return setting("CARERS_PUBLISH", self.publish)

    @property
    def landing_dir(self) -> Path:
        return setting("CARERS_LANDING", self.landing)

    @property
    def cache_dir(self) -> Path:
        """Parsed national files kept by sha256, beside the warehouse (sources/cache.py)."""
        return self.warehouse_path.parent / "cache"

    @property
    def public_dir(self) -> Path:
        return PUBLIC_DIR

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Every run that uses the warehouse holds the writer lock for its whole length, however
        it was launched (re-entrant: `carers refresh` already holds it). A damaged warehouse
        file is moved aside here, so the run rebuilds it from the raw inputs."""
        try:
            lock.acquire(self.warehouse_path, wait=False)
        except lock.BusyError as busy:
            if context.log is not None:
                context.log.info(f"Waiting for the writer lock: {busy}")
            lock.acquire(self.warehouse_path, wait=True)
        try:
            message = health.ensure_sound(self.warehouse_path)
        except BaseException:
            lock.release(self.warehouse_path)
            raise
        if message and context.log is not None:
            context.log.warning(message)
        # One connection held for the run: each step's `connect` then shares the open
        # database instead of opening and checkpointing the file again (about 40 ms a step).
        try:
            db.hold(self.warehouse_path)
        except BaseException:
            lock.release(self.warehouse_path)
            raise

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        try:
            db.release(self.warehouse_path)
        finally:
            lock.release(self.warehouse_path)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with db.connect(self.warehouse_path) as con:
            yield con
