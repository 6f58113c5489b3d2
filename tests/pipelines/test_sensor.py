"""The landing sensor and the monthly schedule."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines import sensors
from pipelines.definitions import defs
from pipelines.schedules import monthly_refresh

HEADER = "a,b\n"


def tick(landing: Path, cursor: str | None):
    return sensors.evaluate(landing, cursor)


def test_new_file_requested_only_after_two_identical_looks(tmp_path):
    (tmp_path / "return.csv").write_text(HEADER + "1,2\n")
    first, cursor = tick(tmp_path, None)
    assert isinstance(first, dg.SkipReason)
    assert "First look" in first.skip_message and "1 file(s)" in first.skip_message
    second, cursor = tick(tmp_path, cursor)
    assert isinstance(second, dg.RunRequest)
    assert second.tags["carers/trigger"] == "landing_sensor"
    third, cursor = tick(tmp_path, cursor)
    assert isinstance(third, dg.SkipReason)
    assert "already requested" in third.skip_message and "1 file(s)" in third.skip_message


def test_timestamps_alone_never_trigger(tmp_path):
    path = tmp_path / "return.csv"
    path.write_text(HEADER + "1,2\n")
    _, cursor = tick(tmp_path, None)
    _, cursor = tick(tmp_path, cursor)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    result, cursor = tick(tmp_path, cursor)
    assert isinstance(result, dg.SkipReason) and "already requested" in result.skip_message


def test_changed_content_same_size_triggers_a_new_run(tmp_path):
    path = tmp_path / "return.csv"
    path.write_text(HEADER + "1,2\n")
    _, cursor = tick(tmp_path, None)
    first, cursor = tick(tmp_path, cursor)
    path.write_text(HEADER + "3,4\n")  # same size, new content
    waiting, cursor = tick(tmp_path, cursor)
    assert isinstance(waiting, dg.SkipReason) and "return.csv" in waiting.skip_message
    second, cursor = tick(tmp_path, cursor)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key


def test_file_still_being_written_is_not_read(tmp_path):
    path = tmp_path / "return.csv"
    with path.open("w") as handle:
        handle.write(HEADER + "1,")
        handle.flush()
        result, cursor = tick(tmp_path, None)
        assert isinstance(result, dg.SkipReason)
        handle.write("2\n5,")  # the writer carries on between two looks
        handle.flush()
        result, cursor = tick(tmp_path, cursor)
        assert isinstance(result, dg.SkipReason) and "return.csv" in result.skip_message
        handle.write("6\n")
    result, cursor = tick(tmp_path, cursor)
    assert isinstance(result, dg.SkipReason)  # the last write is one look old
    result, cursor = tick(tmp_path, cursor)
    assert isinstance(result, dg.RunRequest)


def test_file_growing_while_hashed_is_marked_changing(tmp_path, monkeypatch):
    path = tmp_path / "return.csv"
    path.write_text(HEADER)
    real = sensors.sha256_of

    def hash_while_appending(p):
        digest = real(p)
        with p.open("a") as handle:
            handle.write("9,9\n")
        return digest

    _, cursor = tick(tmp_path, None)
    monkeypatch.setattr(sensors, "sha256_of", hash_while_appending)
    result, cursor = tick(tmp_path, cursor)
    assert isinstance(result, dg.SkipReason) and "return.csv" in result.skip_message
    assert json.loads(cursor)["look"]["return.csv"][1] is None  # recorded as changing


def test_hidden_and_office_lock_files_are_ignored(tmp_path):
    (tmp_path / "return.csv").write_text(HEADER)
    _, cursor = tick(tmp_path, None)
    _, cursor = tick(tmp_path, cursor)
    (tmp_path / "~$return.xlsx").write_text("lock")
    (tmp_path / ".partial").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    result, _ = tick(tmp_path, cursor)
    assert isinstance(result, dg.SkipReason) and "already requested" in result.skip_message


def test_sensor_runs_through_dagster_with_its_cursor(tmp_path, monkeypatch):
    monkeypatch.setenv("CARERS_LANDING", str(tmp_path))
    (tmp_path / "return.csv").write_text(HEADER)
    sensor = defs.resolve_sensor_def("landing_sensor")
    with dg.instance_for_test() as instance:
        ctx = dg.build_sensor_context(instance=instance, definitions=defs)
        first = sensor(ctx)
        assert isinstance(first, dg.SkipReason)
        ctx2 = dg.build_sensor_context(instance=instance, cursor=ctx.cursor, definitions=defs)
        second = sensor(ctx2)
        assert isinstance(second, dg.RunRequest)
        assert second.job_name in (None, "refresh")


def test_monthly_schedule_is_uk_time():
    assert monthly_refresh.execution_timezone == "Europe/London"
    assert defs.resolve_schedule_def("monthly_refresh").job_name == "refresh"
    ticks = monthly_refresh.cron_schedule
    assert ticks == "0 6 1 * *"
    # 06:00 London is 05:00 UTC in BST: the schedule follows the clock change.
    from dagster._utils.schedules import cron_string_iterator
    start = datetime(2026, 6, 15, tzinfo=ZoneInfo("Europe/London")).timestamp()
    nxt = next(cron_string_iterator(start, "0 6 1 * *", "Europe/London"))
    assert (nxt.month, nxt.day, nxt.hour) == (7, 1, 6)
    assert nxt.utcoffset().total_seconds() == 3600


@pytest.mark.parametrize("name", ["landing_sensor"])
def test_sensor_targets_refresh(name):
    assert defs.resolve_sensor_def(name).job_name == "refresh"
