"""The landing sensor compares the folder with what the last successful refresh read (the
latest edition's manifest), whoever started it: evaluated on a real Dagster instance, the
project's own, which also holds the command-line refreshes' runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest

from pipelines import sensors
from pipelines.cli import main
from pipelines.definitions import defs
from reporting.editions import editions, latest_edition
from sources.files import EXAMPLES_DIR
from tests.builders.env import isolated_env

EVENTS_HEADER = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,"
                 "coproduced,carers_attending,carer_reps_attending\n")


def _ticks(instance: dg.DagsterInstance, cursor: str | None, n: int
           ) -> tuple[list[dg.RunRequest | dg.SkipReason], str | None]:
    """n evaluations of the sensor as the daemon makes them, passing the cursor on."""
    sensor = defs.resolve_sensor_def("landing_sensor")
    results = []
    for _ in range(n):
        context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        results.append(sensor(context))
        cursor = context.cursor
    return results, cursor


def _requests(results) -> list[dg.RunRequest]:
    return [r for r in results if isinstance(r, dg.RunRequest)]


def _new_return(landing: Path, name: str, attending: int) -> None:
    (landing / name).write_text(
        EVENTS_HEADER + f"X1,12/06/2025,carers_week,Walk,Crossroads,Wath,Park,yes,{attending},\n")


@pytest.mark.slow
def test_no_run_on_open_none_after_a_cli_refresh_one_per_new_file(tmp_path, monkeypatch,
                                                                    capsys):
    monkeypatch.chdir(tmp_path)
    landing = tmp_path / "landing"
    shutil.copytree(EXAMPLES_DIR, landing)
    paths = isolated_env(tmp_path, monkeypatch, landing=landing)
    assert main(["refresh"]) == 0, capsys.readouterr()
    first = latest_edition(paths["publish"])
    instance = dg.DagsterInstance.get()  # the project instance the CLI refresh ran on
    try:
        assert [r.tags["carers/trigger"] for r in instance.get_runs()] == ["cli"]

        # The UI opens on the folder the CLI refresh just read: no run, however long it stays.
        results, cursor = _ticks(instance, None, 4)
        assert _requests(results) == []
        assert f"the latest edition, {first.name}, was made from" in results[-1].skip_message

        # A file lands; the sensor sees it once, but the analyst refreshes from the command
        # line before the next look: afterwards, nothing to do.
        _new_return(landing, "crossroads_events_2025.csv", 11)
        results, cursor = _ticks(instance, cursor, 1)
        assert "crossroads_events_2025.csv changed since the last look" in \
            results[0].skip_message
        assert main(["refresh"]) == 0, capsys.readouterr()
        second = latest_edition(paths["publish"])
        assert second != first
        results, cursor = _ticks(instance, cursor, 4)
        assert _requests(results) == []
        assert f"the latest edition, {second.name}, was made from" in results[-1].skip_message

        # Another file lands: exactly one run, once it has stayed the same for one look.
        _new_return(landing, "carers_centre_events_2025.csv", 7)
        results, cursor = _ticks(instance, cursor, 5)
        requests = _requests(results)
        assert len(requests) == 1 and isinstance(results[1], dg.RunRequest)
        assert requests[0].tags["carers/trigger"] == "landing_sensor"
        assert requests[0].tags["carers/since_edition"] == second.name
        assert "already requested" in results[-1].skip_message
        assert len(editions(paths["publish"])) == 2
    finally:
        instance.dispose()


def test_no_run_while_a_refresh_holds_the_warehouse(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "carers.duckdb"
    landing.mkdir()
    _new_return(landing, "crossroads_events_2025.csv", 11)
    code = textwrap.dedent(f"""
        import pathlib, sys
        from warehouse import lock
        lock.acquire(pathlib.Path({str(warehouse)!r}), wait=False)
        print("held", flush=True)
        sys.stdin.read()
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    publish = tmp_path / "publish"
    try:
        assert child.stdout.readline().strip() == "held"
        _, cursor = sensors.evaluate(landing, None, publish, warehouse)
        held, cursor = sensors.evaluate(landing, cursor, publish, warehouse)
        assert isinstance(held, dg.SkipReason)
        assert f"A refresh is running now (pid {child.pid} since" in held.skip_message
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    after, _ = sensors.evaluate(landing, cursor, publish, warehouse)
    assert isinstance(after, dg.RunRequest)  # no edition yet: this content was never read


def test_a_killed_refresh_does_not_hold_the_sensor_back(tmp_path):
    """SIGKILL leaves the lock file's text behind; a dead pid holds nothing."""
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "carers.duckdb"
    landing.mkdir()
    warehouse.parent.mkdir()
    _new_return(landing, "crossroads_events_2025.csv", 11)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    (warehouse.parent / "carers.duckdb.lock").write_text(f"pid {child.pid} since 2026-12-05")
    _, cursor = sensors.evaluate(landing, None, tmp_path / "publish", warehouse)
    result, _ = sensors.evaluate(landing, cursor, tmp_path / "publish", warehouse)
    assert isinstance(result, dg.RunRequest)
