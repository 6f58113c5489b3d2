"""Running it for real, in real processes: a refresh while another process writes, two
refreshes queued with --wait, a refresh killed with SIGKILL, a damaged warehouse file. (The
webserver, PostgreSQL and the README's requests: test_running_services.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines import uptodate
from pipelines.definitions import defs
from reporting.editions import editions, file_sha256, latest_edition
from tests.builders.running import (
    STARTUP_GUARD_S,
    STOP_GUARD_S,
    assert_complete,
    assert_same_tables,
    finish,
    hold_writer_lock,
    make_env,
    refresh,
    refreshed_env,
)

pytestmark = pytest.mark.slow


def test_a_refresh_while_another_process_writes_exits_75_and_changes_nothing(tmp_path,
                                                                             baseline):
    """Deterministic: the lock is held (by another process) before the refresh starts, so the
    refresh must refuse with exit 75 (EX_TEMPFAIL) and publish nothing; once the holder has
    gone, a refresh succeeds and publishes the baseline's tables."""
    env = make_env(tmp_path)
    warehouse = Path(env["CARERS_WAREHOUSE"])
    holder = hold_writer_lock(warehouse, tmp_path / "ready")
    try:
        code, output = finish(refresh(env))
    finally:
        holder.stdin.close()
        holder.wait(timeout=STOP_GUARD_S)
    assert code == 75, output
    assert "Another refresh is writing" in output and "--wait" in output
    assert f"pid {holder.pid}" in output
    assert "could not set lock" not in output.lower()
    assert editions(tmp_path / "publish") == []
    assert not warehouse.exists()  # refused before anything was opened
    code, output = finish(refresh(env))
    assert code == 0, output
    [edition] = editions(tmp_path / "publish")
    assert_complete(edition)
    assert_same_tables(edition, baseline)


def test_wait_queues_behind_a_running_refresh(tmp_path, baseline):
    env = make_env(tmp_path)
    first, second = refresh(env, "--wait", "--force"), refresh(env, "--wait", "--force")
    results = [finish(first), finish(second)]
    assert [code for code, _ in results] == [0, 0], results
    assert len(editions(tmp_path / "publish")) == 2  # --force: each publishes


def _wait_until_midway(process: subprocess.Popen, home: Path, run_count: int) -> int:
    """Until the child's run has finished some steps but not all: the middle of a refresh.
    Returns how many steps had succeeded. (dagster.yaml's storage paths are relative to the
    working folder, as for the `carers` command, which runs from DAGSTER_HOME.)"""
    previous = Path.cwd()
    os.chdir(home)
    instance = dg.DagsterInstance.from_config(str(home))
    steps = len(defs.resolve_job_def("refresh").get_subset(
        asset_selection=None).nodes_in_topological_order)
    deadline = time.monotonic() + STARTUP_GUARD_S
    try:
        while True:
            assert process.poll() is None, f"the refresh ended before it was killed: " \
                f"{finish(process)}"
            assert time.monotonic() < deadline, "refresh never got going"
            runs = instance.get_runs()
            if len(runs) > run_count:
                done = len(instance.get_records_for_run(
                    runs[0].run_id, of_type=dg.DagsterEventType.STEP_SUCCESS).records)
                if steps // 3 <= done < steps:
                    return done
            time.sleep(0.02)
    finally:
        instance.dispose()
        os.chdir(previous)


def test_sigkill_mid_refresh_keeps_last_edition_and_next_refresh_succeeds(tmp_path, baseline,
                                                                          shipped_edition):
    env = refreshed_env(shipped_edition, tmp_path)
    before = latest_edition(tmp_path / "publish")
    assert before.name == baseline.name
    hashes = {p.name: file_sha256(p) for p in before.iterdir()}
    stamp = uptodate.stamp_path(Path(env["CARERS_WAREHOUSE"]))
    assert stamp.exists()  # nothing changed: a plain refresh would not rebuild
    victim = refresh(env, "--force")
    done = _wait_until_midway(victim, Path(env["DAGSTER_HOME"]), run_count=1)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=STOP_GUARD_S)
    assert victim.returncode == -signal.SIGKILL and done > 0
    assert latest_edition(tmp_path / "publish") == before
    assert {p.name: file_sha256(p) for p in before.iterdir()} == hashes
    # the killed run took back the claim that the warehouse was up to date
    assert not stamp.exists()
    code, output = finish(refresh(env, "--force"))
    assert code == 0, output
    newest = latest_edition(tmp_path / "publish")
    assert newest != before
    assert_complete(newest)
    assert_same_tables(newest, baseline)
    assert not [p for p in (tmp_path / "publish").iterdir() if p.name.startswith(".")]


def test_damaged_warehouse_detected_and_rebuilt(tmp_path, baseline, shipped_edition):
    env = refreshed_env(shipped_edition, tmp_path)
    warehouse = Path(env["CARERS_WAREHOUSE"])
    assert warehouse.is_file()
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[: len(data) // 2])  # truncated, as by a full disk
    code, output = finish(refresh(env))
    assert code == 0, output
    assert "is damaged and cannot be read" in output and "moved aside" in output
    aside = list(warehouse.parent.glob("carers.duckdb.corrupt-*"))
    assert len(aside) == 1 and aside[0].stat().st_size == len(data) // 2
    assert_same_tables(latest_edition(tmp_path / "publish"), baseline)
