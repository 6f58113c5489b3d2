"""Shared fixtures: an isolated project environment (warehouse, editions, landing folder and
Dagster instance under a temporary folder), so tests never touch the developer's own files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sources.files import PUBLIC_DIR, SourceFile, sha256_of
from tests.builders.env import isolated_env, use_env

# Every refresh would start GX's Data Docs build in a background process (about 25 s of CPU);
# the suite runs dozens of refreshes, so only the Data Docs tests build them, explicitly.
os.environ.setdefault("CARERS_DATA_DOCS", "off")


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of parsed national files and drawn charts for the whole run, shared by both
    xdist workers and every refresh (in this process or a child): entries are keyed by their
    content, as when an analyst refreshes again, so a refresh of the shipped data draws each
    chart once per run instead of once per test (about 5 s of CPU a refresh). The tests of
    the caches and of the drawing give their own folders; the benchmark stays cold."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "carers-cache"
    os.environ.setdefault("CARERS_CACHE", str(folder))
    return Path(os.environ["CARERS_CACHE"])


@pytest.fixture
def source_file():
    """Wrap a path as the SourceFile a reader takes."""

    def make(path: Path, kind: str = "test", origin: str = "landing") -> SourceFile:
        return SourceFile(Path(path), kind, origin, sha256_of(Path(path)))

    return make


@pytest.fixture
def public_census() -> Path:
    return PUBLIC_DIR / "census"


@pytest.fixture
def project_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """Environment variables pointing every output at tmp_path; the cwd is restored after."""
    monkeypatch.chdir(tmp_path)
    yield isolated_env(tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def shipped_edition(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One `carers refresh` on the shipped data and the shipped example returns (the embedded
    defaults), shared by every slow test that only reads what it published. Tests must not
    write into it: a test that refreshes again or changes the landing folder makes its own."""
    # Both load Dagster (and pipelines.cli every asset module): only slow tests need them, and
    # importing them at the top would cost every test process (and every mutant) seconds.
    from assets.resources import DEFAULTS
    from pipelines.cli import main

    root = tmp_path_factory.mktemp("shipped")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        paths = isolated_env(root, mp)
        mp.delenv("CARERS_LANDING")  # the embedded default: the shipped example returns
        assert main(["refresh"]) == 0
    paths["landing"] = Path(DEFAULTS["CARERS_LANDING"])
    paths["edition"] = (paths["publish"] / "latest").resolve()
    return paths


@pytest.fixture
def shipped_env(shipped_edition: dict[str, Path], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The shared shipped edition's settings for one test that runs a read-only command
    (publish --year, request, facts) against it; the cwd is the test's own tmp_path."""
    monkeypatch.chdir(tmp_path)
    use_env(monkeypatch, shipped_edition)
    return shipped_edition
