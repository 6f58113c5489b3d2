"""An isolated project environment: warehouse, editions, landing folder and Dagster instance
under a temporary folder, so tests never touch the developer's own files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# The project folder, worked out here rather than imported from assets.resources: that would
# import Dagster into every test process (two seconds each, and each mutant of a mutation run).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def isolated_env(root: Path, monkeypatch: pytest.MonkeyPatch, landing: Path | None = None
                 ) -> dict[str, Path]:
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    paths = {
        "warehouse": root / "warehouse" / "carers.duckdb",
        "publish": root / "publish",
        "landing": landing or (root / "landing"),
        "home": home,
    }
    paths["landing"].mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("CARERS_WAREHOUSE", str(paths["warehouse"]))
    monkeypatch.setenv("CARERS_PUBLISH", str(paths["publish"]))
    monkeypatch.setenv("CARERS_LANDING", str(paths["landing"]))
    return paths


def use_env(mp: pytest.MonkeyPatch, paths: dict[str, Path]) -> None:
    """Point the settings at an environment `isolated_env` made (for a command run against an
    edition another fixture built)."""
    mp.setenv("DAGSTER_HOME", str(paths["home"]))
    for name, key in (("CARERS_WAREHOUSE", "warehouse"), ("CARERS_PUBLISH", "publish"),
                      ("CARERS_LANDING", "landing")):
        mp.setenv(name, str(paths[key]))


def copy_env(paths: dict[str, Path], root: Path) -> dict[str, Path]:
    """A copy under `root` of an environment `isolated_env` made and a refresh filled: its
    warehouse (with the chart cache and the up-to-date stamp), editions and Dagster instance,
    not Data Docs or logs. For a test that refreshes again where a refresh on the shared
    shipped edition left off, without writing into the shared one; point the settings at the
    copy with `use_env`. The landing folder is the original's (it is only read)."""
    source = paths["home"].parent
    # SQLite's shared-memory index is rebuilt by the first process that opens a copy.
    shutil.copytree(source, root, symlinks=True, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("gx", "*.log", "*-shm"))
    copied = {key: root / paths[key].relative_to(source)
              for key in ("warehouse", "publish", "home")}
    copied["landing"] = paths["landing"]
    return copied
