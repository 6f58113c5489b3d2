"""When `carers refresh` may skip the run (pipelines/uptodate.py): only when everything it
would read, how, and what it would write to are as the last successful refresh left them."""

from __future__ import annotations

import os

import pytest

from pipelines import uptodate


@pytest.fixture
def world(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "events.csv").write_text("event_id\n1\n")
    warehouse = tmp_path / "w" / "carers.duckdb"
    warehouse.parent.mkdir()
    warehouse.write_bytes(b"warehouse")
    publish = tmp_path / "publish"
    (publish / "e1").mkdir(parents=True)
    (publish / "e1" / "manifest.json").write_text("{}")
    (publish / "latest").symlink_to("e1")
    for variable in ("CARERS_CATALOGUE_EXTRA", "CARERS_DUCKDB_MEMORY"):
        monkeypatch.delenv(variable, raising=False)
    key = uptodate.key(landing)
    uptodate.record(warehouse, publish, key, "run-1")
    return {"landing": landing, "warehouse": warehouse, "publish": publish, "key": key}


def test_nothing_changed_is_up_to_date(world):
    stamp = uptodate.up_to_date(world["warehouse"], world["publish"],
                                uptodate.key(world["landing"]))
    assert stamp["run_id"] == "run-1" and stamp["latest"] == "e1"


def test_a_changed_new_or_removed_landing_file_is_new_input(world):
    (world["landing"] / "events.csv").write_text("event_id\n2\n")
    assert uptodate.key(world["landing"]) != world["key"]
    (world["landing"] / "events.csv").write_text("event_id\n1\n")
    assert uptodate.key(world["landing"]) == world["key"]
    (world["landing"] / "sub").mkdir()
    (world["landing"] / "sub" / "more.csv").write_text("x")
    assert uptodate.key(world["landing"]) != world["key"]


def test_a_setting_is_part_of_the_key(world, monkeypatch):
    monkeypatch.setenv("CARERS_DUCKDB_MEMORY", "2GB")
    assert uptodate.key(world["landing"]) != world["key"]


def test_a_written_warehouse_or_another_latest_edition_means_a_refresh(world):
    key = world["key"]
    w, publish = world["warehouse"], world["publish"]
    stat = w.stat()
    os.utime(w, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert uptodate.up_to_date(w, publish, key) is None
    uptodate.record(w, publish, key, "run-2")
    assert uptodate.up_to_date(w, publish, key)["run_id"] == "run-2"
    (publish / "e2").mkdir()
    (publish / "latest").unlink()
    (publish / "latest").symlink_to("e2")
    assert uptodate.up_to_date(w, publish, key) is None


def test_a_forgotten_or_unreadable_stamp_or_a_missing_warehouse_means_a_refresh(world):
    w, publish, key = world["warehouse"], world["publish"], world["key"]
    uptodate.stamp_path(w).write_text("{not json")
    assert uptodate.up_to_date(w, publish, key) is None
    uptodate.record(w, publish, key, "run-3")
    uptodate.forget(w)
    assert not uptodate.stamp_path(w).exists()
    assert uptodate.up_to_date(w, publish, key) is None
    uptodate.record(w, publish, key, "run-4")
    w.unlink()
    assert uptodate.up_to_date(w, publish, key) is None


def test_another_day_is_new_input(world, monkeypatch):
    class Tomorrow:
        @staticmethod
        def now(tz=None):
            from datetime import datetime, timedelta
            return datetime.now(tz) + timedelta(days=1)
    monkeypatch.setattr(uptodate, "datetime", Tomorrow)
    assert uptodate.key(world["landing"]) != world["key"]
