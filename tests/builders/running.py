"""Running the project for real, in child processes: a child's environment, a refresh
started and finished with deadlines, another process holding the writer lock, and the
published tables compared (for tests/pipelines/test_running*.py)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reporting.editions import PUBLISHED_DB, file_sha256
from tests.builders.env import PROJECT_ROOT, copy_env

TABLES = ("indicator_values", "indicator_lineage", "indicators")
STARTUP_GUARD_S = 300  # only a guard against hanging forever; nothing asserts a duration
REFRESH_GUARD_S = 1200  # likewise for one whole refresh (a fault fails the test, never hangs CI)
STOP_GUARD_S = 60  # for a process told to stop


def make_env(root: Path, dagster_yaml: Path = PROJECT_ROOT / "dagster.yaml") -> dict[str, str]:
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(dagster_yaml, home / "dagster.yaml")
    return env_of(home, root / "wh" / "carers.duckdb", root / "publish")


def env_of(home: Path, warehouse: Path, publish: Path) -> dict[str, str]:
    """A child's environment: the embedded default landing folder (the shipped returns)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CARERS_") or k == "CARERS_CACHE"}  # the suite's shared cache
    env.update(DAGSTER_HOME=str(home), CARERS_WAREHOUSE=str(warehouse),
               CARERS_PUBLISH=str(publish), CARERS_DATA_DOCS="off")
    return env


def refreshed_env(shipped: dict[str, Path], root: Path) -> dict[str, str]:
    """Where one successful `carers refresh` on the shipped data leaves a project: a copy of
    the session's shared one (warehouse, edition, Dagster instance with its run), for a test
    that goes on from there in its own processes (tests/builders/env.py copy_env)."""
    paths = copy_env(shipped, root)
    return env_of(paths["home"], paths["warehouse"], paths["publish"])


def refresh(env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "refresh", *extra],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str]:
    try:
        out, err = process.communicate(timeout=REFRESH_GUARD_S)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate(timeout=STOP_GUARD_S)
        pytest.fail(f"the refresh did not finish within {REFRESH_GUARD_S} s:\n{out}{err}")
    return process.returncode, out + err


def hold_writer_lock(warehouse: Path, ready: Path) -> subprocess.Popen:
    """Another process that holds the warehouse's writer lock until its stdin closes."""
    code = ("import pathlib, sys\nfrom warehouse import lock\n"
            f"lock.acquire(pathlib.Path({str(warehouse)!r}), wait=False)\n"
            f"pathlib.Path({str(ready)!r}).write_text('held')\nsys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT_ROOT,
                              stdin=subprocess.PIPE, text=True)
    deadline = time.monotonic() + STARTUP_GUARD_S
    while not ready.exists():
        assert holder.poll() is None, "the lock holder died before taking the lock"
        assert time.monotonic() < deadline, "the lock holder never took the lock"
        time.sleep(0.05)
    return holder


def published(edition: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(edition / f"{t}.parquet") for t in TABLES}


def assert_same_tables(a: Path, b: Path) -> None:
    for name, frame in published(a).items():
        pd.testing.assert_frame_equal(frame, published(b)[name], check_like=False)


def assert_complete(edition: Path) -> None:
    manifest = json.loads((edition / "manifest.json").read_text())
    for table in manifest["tables"]:
        for file, sha in table["files"].items():
            assert file_sha256(edition / file) == sha, file
    assert file_sha256(edition / PUBLISHED_DB) == manifest["published_db"]["sha256"]
    con = duckdb.connect(str(edition / PUBLISHED_DB), read_only=True)
    try:
        for table in manifest["tables"]:
            count = con.execute(f'select count(*) from "{table["name"]}"').fetchone()[0]
            assert count == table["rows"]
    finally:
        con.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
