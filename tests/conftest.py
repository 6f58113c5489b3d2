"""Shared fixtures: an isolated project environment (warehouse, editions, landing folder and
Dagster instance under a temporary folder), so tests never touch the developer's own files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.resources import PROJECT_ROOT
from sources.files import PUBLIC_DIR, SourceFile, sha256_of

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def source_file():
    """Wrap a path as the SourceFile a reader takes."""

    def make(path: Path, kind: str = "test", origin: str = "landing") -> SourceFile:
        return SourceFile(Path(path), kind, origin, sha256_of(Path(path)))

    return make


@pytest.fixture
def public_census() -> Path:
    return PUBLIC_DIR / "census"


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


@pytest.fixture
def project_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """Environment variables pointing every output at tmp_path; the cwd is restored after."""
    monkeypatch.chdir(tmp_path)
    yield isolated_env(tmp_path, monkeypatch)
