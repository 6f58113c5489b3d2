"""The project's settings: each configurable field, the environment variable that sets it and
its embedded default. Plain Python, so the command line can read them without loading Dagster
(the Dagster resource, assets/resources.py, takes its fields from here)."""

from __future__ import annotations

from pathlib import Path

from sources.files import EXAMPLES_DIR
from warehouse import db

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
    # Parsed national files (by sha256) and drawn charts (by their data and code); blank:
    # `cache/` beside the warehouse file. Entries are keyed by content, so warehouses may
    # share one folder (the test suite does: its refreshes then draw each chart once).
    "cache": ("CARERS_CACHE", ""),
}
DEFAULTS = {variable: default for variable, default in FIELDS.values()}
