"""One writer at a time, damaged warehouse files, and atomic editions (fast tests)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import dagster as dg
import duckdb
import pandas as pd
import pytest

from assets.resources import CarersResource
from reporting.editions import (
    LATEST,
    PUBLISHED_DB,
    clear_unfinished,
    editions,
    latest_edition,
    publish_edition,
)
from warehouse import health, lock

GUARD_S = 120  # only a guard against hanging forever: a fault fails the test, never hangs CI


def _hold_lock_in_child(warehouse, ready):
    """A second process that takes the lock, says so, and waits for its stdin to close."""
    code = textwrap.dedent(f"""
        import sys, pathlib
        from warehouse import lock
        lock.acquire(pathlib.Path({str(warehouse)!r}), wait=False)
        pathlib.Path({str(ready)!r}).write_text("held")
        sys.stdin.read()
    """)
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, text=True)


def _wait_for(path, process):
    deadline = time.monotonic() + GUARD_S
    while not path.exists():
        assert process.poll() is None, "the child process died before taking the lock"
        if time.monotonic() >= deadline:
            process.kill()
            process.wait(timeout=GUARD_S)
            pytest.fail(f"the child never took the lock in {GUARD_S} s")
        time.sleep(0.01)


def _stop(process):
    """Let the child go (close its stdin); kill it if it does not end in time."""
    process.stdin.close()
    try:
        process.wait(timeout=GUARD_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=GUARD_S)
        raise


def test_lock_is_reentrant_in_one_process(tmp_path):
    wh = tmp_path / "w.duckdb"
    with lock.writer_lock(wh, wait=False), lock.writer_lock(wh, wait=False):
        assert lock.holds(wh)
    assert not lock.holds(wh)


def test_second_process_is_refused_with_a_clear_message(tmp_path):
    wh = tmp_path / "w.duckdb"
    ready = tmp_path / "ready"
    child = _hold_lock_in_child(wh, ready)
    try:
        _wait_for(ready, child)
        with pytest.raises(lock.BusyError) as err:
            lock.acquire(wh, wait=False)
        assert str(wh) in str(err.value) and "--wait" in str(err.value)
        assert f"pid {child.pid}" in str(err.value)
    finally:
        _stop(child)
    with lock.writer_lock(wh, wait=False):  # free once the holder has gone
        assert lock.holds(wh)


def test_lock_freed_when_holder_is_killed(tmp_path):
    wh = tmp_path / "w.duckdb"
    ready = tmp_path / "ready"
    child = _hold_lock_in_child(wh, ready)
    _wait_for(ready, child)
    child.kill()
    child.wait(timeout=GUARD_S)
    with lock.writer_lock(wh, wait=False):
        assert lock.holds(wh)


def test_sound_and_missing_warehouse_left_alone(tmp_path):
    wh = tmp_path / "w.duckdb"
    assert health.ensure_sound(wh) is None
    duckdb.connect(str(wh)).execute("create table t as select 1 as x").close()
    assert health.ensure_sound(wh) is None
    assert wh.exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "bad block"])
def test_damaged_warehouse_moved_aside_not_deleted(tmp_path, damage):
    wh = tmp_path / "w.duckdb"
    con = duckdb.connect(str(wh))
    # Values that do not compress, so most blocks of the file hold table data.
    con.execute("create table t as select hash(range) as x from range(400000)")
    con.close()
    data = wh.read_bytes()
    if damage == "truncate":
        wh.write_bytes(data[: len(data) // 3])
    elif damage == "bad block":  # the file opens and its size is right; one block is not
        with wh.open("r+b") as handle:
            handle.seek(len(data) // 2)
            handle.write(bytes(range(256)) * 16)
    else:
        wh.write_bytes(b"this is not a database" * 500)
    damaged = wh.read_bytes()
    message = health.ensure_sound(wh)
    assert message and str(wh) in message and "moved aside" in message
    assert not wh.exists()
    aside = list(tmp_path.glob("w.duckdb.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert str(aside[0]) in message


def _tables(n: int) -> dict[str, pd.DataFrame]:
    return {"indicator_values": pd.DataFrame({"indicator_id": ["a"] * n, "value": range(n)})}


def test_editions_kept_latest_moves_each_has_manifest_and_db(tmp_path):
    root = tmp_path / "publish"
    first = publish_edition(root, "20260101T000000Z-aaaa", _tables(2), {"run_id": "a"})
    second = publish_edition(root, "20260201T000000Z-bbbb", _tables(3), {"run_id": "b"})
    assert latest_edition(root) == second
    assert editions(root) == [first, second]
    for folder, n in ((first, 2), (second, 3)):
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["tables"][0]["rows"] == n
        con = duckdb.connect(str(folder / PUBLISHED_DB), read_only=True)
        assert con.execute("select count(*) from indicator_values").fetchone()[0] == n
        con.close()
        assert all(p.stat().st_mode & 0o222 == 0 for p in folder.iterdir())


def test_failed_publish_leaves_latest_and_clears_its_work(tmp_path, monkeypatch):
    root = tmp_path / "publish"
    first = publish_edition(root, "20260101T000000Z-aaaa", _tables(2), {})

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("reporting.editions.write_published_db", broken)
    with pytest.raises(OSError):
        publish_edition(root, "20260201T000000Z-bbbb", _tables(3), {})
    assert latest_edition(root) == first
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []


def test_leftovers_of_a_killed_publish_are_cleared_not_editions(tmp_path):
    root = tmp_path / "publish"
    first = publish_edition(root, "20260101T000000Z-aaaa", _tables(2), {})
    (root / ".building-20260201T000000Z-bbbb").mkdir()
    (root / f".{LATEST}-20260201T000000Z-bbbb").symlink_to("nowhere")
    removed = clear_unfinished(root)
    assert len(removed) == 2
    assert editions(root) == [first] and latest_edition(root) == first


def test_every_run_holds_the_writer_lock(tmp_path, monkeypatch):
    wh = tmp_path / "w.duckdb"
    seen = []

    @dg.asset
    def probe(carers: CarersResource) -> None:
        seen.append(lock.holds(carers.warehouse_path))

    result = dg.materialize([probe], resources={"carers": CarersResource(warehouse=str(wh))})
    assert result.success and seen == [True]
    assert not lock.holds(wh)  # released when the run ends


def test_a_run_waits_while_another_process_writes(tmp_path):
    """A run launched anywhere (UI, schedule, sensor) waits for a refresh in another process."""
    import threading

    wh = tmp_path / "w.duckdb"
    ready = tmp_path / "ready"
    child = _hold_lock_in_child(wh, ready)
    _wait_for(ready, child)
    steps = []

    @dg.asset
    def probe(carers: CarersResource) -> None:
        steps.append(lock.holds(carers.warehouse_path))

    (tmp_path / "dagster").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "dagster"))
    outcome = {}

    def launch():
        outcome["result"] = dg.materialize(
            [probe], instance=instance, tags={"carers/trigger": "landing_sensor"},
            resources={"carers": CarersResource(warehouse=str(wh))})

    # The run's events are read through a second instance on the same folder: one instance
    # object serialises its SQLite connections behind a lock of its own, and reading through
    # the run's instance while the run writes could wait out SQLite's 30 s busy timeout
    # (61 s for this test once in a full suite; 2 s alone).
    reader = dg.DagsterInstance.from_ref(instance.get_ref())
    runner = threading.Thread(target=launch)
    runner.start()
    try:
        def waiting_logged():
            import sqlalchemy.exc
            try:
                return any("Waiting for the writer lock" in (e.user_message or "")
                           for run in reader.get_runs() for e in reader.all_logs(run.run_id))
            except sqlalchemy.exc.OperationalError:  # sqlite busy: the run is writing; look again
                return False
        deadline = time.monotonic() + GUARD_S
        while not waiting_logged():
            assert runner.is_alive(), outcome
            assert time.monotonic() < deadline, "the run never said it was waiting for the lock"
            time.sleep(0.05)
        assert steps == []  # nothing ran while the other process held the lock
    finally:
        _stop(child)
    runner.join(timeout=GUARD_S)
    assert not runner.is_alive(), "the run did not finish once the lock was free"
    assert outcome["result"].success and steps == [True]


def test_editions_command_lists_newest_first_and_marks_latest(tmp_path, capsys):
    from pipelines.cli import main

    root = tmp_path / "publish"
    assert main(["editions", "--publish", str(root)]) == 0
    assert "No editions" in capsys.readouterr().out
    publish_edition(root, "20260101T000000Z-aaaa", _tables(2), {"run_id": "a"})
    publish_edition(root, "20260201T000000Z-bbbb", _tables(3), {"run_id": "b"})
    assert main(["editions", "--publish", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("20260201T000000Z-bbbb") and lines[0].endswith("<- latest")
    assert lines[1].startswith("20260101T000000Z-aaaa") and "latest" not in lines[1]
    assert "3 indicator values" in lines[0]
