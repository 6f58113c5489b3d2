"""Shared fixtures: an isolated project environment (warehouse, editions, landing folder and
Dagster instance under a temporary folder), so tests never touch the developer's own files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sources.files import PUBLIC_DIR, SourceFile, sha256_of
from tests.builders.env import isolated_env


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
