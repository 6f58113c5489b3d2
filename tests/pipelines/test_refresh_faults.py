"""Operational faults get their own message and exit status, and leave the last edition
untouched: an analyst's DuckDB session holding the warehouse (naming the process), a
read-only publish folder, a full disk (before the refresh, and in the middle of publishing)."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from assets.resources import CarersResource
from pipelines import faults
from pipelines.cli import main
from reporting.editions import file_sha256, latest_edition, publish_edition
from tests.builders.env import isolated_env


def _edition(root: Path) -> Path:
    frame = pd.DataFrame({"indicator_id": ["a", "b"], "value": [1, 2]})
    return publish_edition(root, "20260101T000000Z-aaaaaaaa", {"indicator_values": frame},
                           {"run_id": "a"})


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: file_sha256(p) for p in folder.iterdir()}


@contextlib.contextmanager
def _analyst_session(warehouse: Path) -> Iterator[subprocess.Popen]:
    """Another process with the warehouse open read-only, as docs/returns.md once suggested."""
    code = textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(warehouse)!r}, read_only=True)
        print("open", flush=True)
        sys.stdin.read()
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        yield child
    finally:
        child.stdin.close()
        child.wait(timeout=60)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = isolated_env(tmp_path, monkeypatch)
    paths["warehouse"].parent.mkdir(parents=True)
    con = duckdb.connect(str(paths["warehouse"]))
    con.execute("create table t as select 1 as x")
    con.close()
    return paths


def test_a_read_only_session_holding_the_warehouse_is_named(env, capsys):
    before = _edition(env["publish"])
    hashes = _hashes(before)
    with _analyst_session(env["warehouse"]) as child:
        code = main(["refresh"])
    err = capsys.readouterr().err
    assert code == faults.EXIT_HELD == 76
    assert f"is held open (read-only or for writing) by process {child.pid} (" in err
    assert "Close that session" in err and f"kill {child.pid}" in err
    assert "latest/published.duckdb" in err
    assert "Traceback" not in err and "IOException" not in err
    assert latest_edition(env["publish"]) == before and _hashes(before) == hashes
    assert env["warehouse"].exists() and not list(env["warehouse"].parent.glob("*.corrupt-*"))


def test_a_run_launched_from_the_ui_stops_with_the_same_message(env):
    seen = []

    @dg.asset
    def probe(carers: CarersResource) -> None:
        seen.append(True)

    with _analyst_session(env["warehouse"]) as child:
        result = dg.materialize([probe], raise_on_error=False,
                                resources={"carers": CarersResource(
                                    warehouse=str(env["warehouse"]),
                                    publish=str(env["publish"]))})
    assert not result.success and seen == []
    failure = next(e for e in result.all_events if e.event_type_value == "RESOURCE_INIT_FAILURE")
    error = failure.event_specific_data.error
    assert error.cls_name == "WarehouseBusy"
    assert f"is held open (read-only or for writing) by process {child.pid} (" in error.message


@contextlib.contextmanager
def _read_only(folder: Path, monkeypatch) -> Iterator[str]:
    """Make `folder` truly read-only for this process: a read-only bind mount (root, where
    mounting is allowed), else its mode (anyone else). As root without mounting, the write
    boundary is made to fail as a read-only file system does."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "mode 555"
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)],
                             capture_output=True).returncode == 0
    if mounted:
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True,
                           capture_output=True)
            yield "read-only bind mount"
        finally:
            subprocess.run(["umount", str(folder)], check=True, capture_output=True)
        return

    def refuse(path: Path) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(faults, "_write_probe", refuse)
    yield "injected EROFS"


def test_a_read_only_publish_folder_refuses_before_refreshing(env, monkeypatch, capsys):
    before = _edition(env["publish"])
    (env["publish"] / "audit").mkdir()
    hashes = _hashes(before)
    with _read_only(env["publish"], monkeypatch):
        code = main(["refresh"])
    err = capsys.readouterr().err
    assert code == faults.EXIT_READ_ONLY == 77
    assert f"The publish folder {env['publish']} cannot be written" in err
    assert f"The last published edition, {before.name}, is untouched" in err
    assert latest_edition(env["publish"]) == before and _hashes(before) == hashes
    assert not list(Path(os.environ["DAGSTER_HOME"]).glob(".dagster/storage/*"))  # no run


@contextlib.contextmanager
def _tiny_disk(folder: Path, size: str) -> Iterator[bool]:
    """A tmpfs of `size` on `folder` where mounting is allowed (yields True), else nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    ok = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True).returncode == 0
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", str(folder)], check=True, capture_output=True)


def test_a_full_disk_before_the_refresh_is_said_plainly(env, monkeypatch, capsys):
    with _tiny_disk(env["publish"], "1m") as real:
        before = _edition(env["publish"])
        if real:  # fill it to the last byte
            with (env["publish"] / "filler").open("wb") as handle, \
                    contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
        else:
            def full(path: Path) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            monkeypatch.setattr(faults, "_write_probe", full)
        code = main(["refresh"])
        err = capsys.readouterr().err
        assert code == faults.EXIT_NO_SPACE == 74
        assert "The disk is full" in err and "No space left on device" in err
        assert f"The last published edition, {before.name}, is untouched" in err
        assert latest_edition(env["publish"]) == before


@pytest.mark.slow
def test_a_full_disk_while_publishing_leaves_the_last_edition(tmp_path, monkeypatch, capsys):
    """A whole refresh whose new edition does not fit: the step fails, `latest` stays."""
    monkeypatch.chdir(tmp_path)
    paths = isolated_env(tmp_path, monkeypatch)
    from sources.files import EXAMPLES_DIR
    monkeypatch.setenv("CARERS_LANDING", str(EXAMPLES_DIR))
    with _tiny_disk(paths["publish"], "2m") as real:
        before = _edition(paths["publish"])
        hashes = _hashes(before)
        if not real:
            def full(*args, **kwargs):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC),
                              str(paths["publish"] / ".building"))
            monkeypatch.setattr("reporting.editions.write_published_db", full)
        code = main(["refresh"])
        out = capsys.readouterr().out
        assert code == faults.EXIT_NO_SPACE, out
        assert "FAILED published_edition" in out and "The disk is full" in out
        assert f"The last published edition, {before.name}, is untouched" in out
        assert latest_edition(paths["publish"]) == before and _hashes(before) == hashes
        assert not [p for p in paths["publish"].iterdir() if p.name.startswith(".building")]
