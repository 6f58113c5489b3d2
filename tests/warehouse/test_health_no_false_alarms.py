"""The health check never cries wolf: DuckDB decides, by opening the file and reading every
table (with its block checksums). Many refresh-like write cycles on a small warehouse (the
refresh's own write path: raw history, staging, audit tables, replaced tables, deletes, drops,
checkpoints, a writer killed with uncheckpointed work) never give a damage verdict; a file cut
short or with one flipped bit is caught, moved aside (kept byte for byte) and named."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sources.files import SourceFile
from sources.registry import inventory
from sources.returns.contract import RETURNS
from sources.returns.read import read_return
from warehouse import db, health
from warehouse.returns import (
    build_staging,
    current_files,
    landing_returns,
    load_raw,
    record_landing,
)

CYCLES = 50
HEADER = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,coproduced,"
          "carers_attending,carer_reps_attending\n")


def _events_file(folder: Path, name: str, cycle: int, rows: int) -> None:
    lines = [f"E{cycle}-{i},{1 + i % 28:02d}/06/2025,carers_week,Walk {i},Crossroads,Wath,"
             f"Park,yes,{(cycle * 7 + i) % 40},"
             for i in range(rows)]
    (folder / name).write_text(HEADER + "\n".join(lines) + "\n")


def _refresh_like(warehouse: Path, landing: Path, cycle: int) -> None:
    """One refresh's writes, as the assets make them (warehouse.db / warehouse.returns)."""
    at = datetime(2025, 7, 1) + timedelta(hours=cycle)
    with db.connect(warehouse) as con:
        record_landing(con, inventory(landing))
        for path, _name, sha in landing_returns(con, "events"):
            load_raw(con, read_return(SourceFile(Path(path), "events", "landing", sha),
                                      "events", landing), at)
        build_staging(con, RETURNS["events"], current_files(con, "events", at),
                      date(2025, 11, 30))
        # A national table replaced each refresh, of a size that varies from cycle to cycle.
        n = 500 + (cycle * 7919) % 5000
        db.replace_table(con, "raw.churn", pd.DataFrame({
            "k": range(n), "v": [f"value {i * cycle}" for i in range(n)]}))
        con.execute("create or replace table marts.wide as select range as k, "
                    f"hash(range + {cycle}) as h from range({(cycle % 5 + 1) * 8000})")
        con.execute("delete from marts.wide where h % 3 = 0")
        if cycle % 4 == 0:
            con.execute("drop table if exists marts.sometimes")
        else:
            con.execute("create or replace table marts.sometimes as "
                        f"select range as k from range({cycle * 1000})")
        if cycle % 3 == 0:
            con.execute("checkpoint")
        if cycle % 7 == 0:
            con.execute("delete from raw.events where _source_row % 2 = 0")
            con.execute("force checkpoint")


def _killed_writer(warehouse: Path, cycle: int) -> None:
    """A writer killed with SIGKILL after committing, before any checkpoint: a WAL is left."""
    code = textwrap.dedent(f"""
        import duckdb, os, signal, sys
        con = duckdb.connect({str(warehouse)!r})
        con.execute("set wal_autocheckpoint = '10GB'")
        con.execute("create or replace table marts.killed as select range as k "
                    "from range({cycle * 100})")
        print("committed", flush=True)
        sys.stdin.read()
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "committed"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)


def test_many_refresh_cycles_never_give_a_damage_verdict(tmp_path):
    warehouse = tmp_path / "carers.duckdb"
    landing = tmp_path / "landing"
    landing.mkdir()
    wal_seen = 0
    for cycle in range(1, CYCLES + 1):
        # Returns come, are corrected and go, as in the landing folder.
        _events_file(landing, f"crossroads_events_{cycle % 4}.csv", cycle, 20 + cycle * 3)
        if cycle % 5 == 0:
            for old in sorted(landing.iterdir())[:1]:
                old.unlink()
        _refresh_like(warehouse, landing, cycle)
        if cycle % 10 == 5:
            _killed_writer(warehouse, cycle)
            wal_seen += warehouse.with_name(warehouse.name + ".wal").exists()
        assert health.problem_with(warehouse) is None, f"cycle {cycle}"
        assert health.ensure_sound(warehouse) is None, f"cycle {cycle}"
        assert warehouse.exists()
    assert list(tmp_path.glob("*.corrupt-*")) == []
    assert wal_seen == CYCLES // 10  # the killed writers did leave uncheckpointed work
    con = duckdb.connect(str(warehouse), read_only=True)
    # The last killed writer's committed table survived (replayed from its WAL).
    assert con.execute("select count(*) from marts.killed").fetchone()[0] == 4500
    con.close()


@pytest.fixture
def full_warehouse(tmp_path) -> Path:
    """A warehouse whose file is mostly table data (values that do not compress)."""
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select hash(range) as x from range(400000)")
    con.execute("create table s as select range::varchar || '-' || hash(range) as y "
                "from range(50000)")
    con.close()
    return path


def _assert_moved_aside(path: Path, damaged: bytes, message: str | None, says: str) -> None:
    assert message is not None
    assert str(path) in message and "moved aside" in message and says in message
    assert not path.exists()
    aside = list(path.parent.glob(f"{path.name}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept, byte for byte
    assert str(aside[0]) in message


@pytest.mark.parametrize("keep", [0.5, "all but the last block"])
def test_a_file_cut_short_is_detected(full_warehouse, keep):
    data = full_warehouse.read_bytes()
    cut = len(data) // 2 if keep == 0.5 else len(data) - 262144
    full_warehouse.write_bytes(data[:cut])
    message = health.ensure_sound(full_warehouse)
    _assert_moved_aside(full_warehouse, data[:cut], message, "Could not read enough bytes")


@pytest.mark.parametrize("where", [0.3, 0.5, 0.7])
def test_one_flipped_bit_is_detected(full_warehouse, where):
    data = bytearray(full_warehouse.read_bytes())
    position = int(len(data) * where)
    data[position] ^= 0x10
    full_warehouse.write_bytes(bytes(data))
    message = health.ensure_sound(full_warehouse)
    _assert_moved_aside(full_warehouse, bytes(data), message, "checksum")


def test_a_sound_file_copied_and_reopened_is_left_alone(full_warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(full_warehouse, copy)
    assert health.ensure_sound(copy) is None and health.ensure_sound(full_warehouse) is None
    assert copy.read_bytes() == full_warehouse.read_bytes()
    assert health.ensure_sound(tmp_path / "absent.duckdb") is None


def test_a_file_it_may_not_read_is_not_called_damaged(full_warehouse, monkeypatch):
    """Errors about this machine (permissions, disk, memory) are not damage: nothing moves."""
    real = duckdb.connect

    def refused(path, *args, **kwargs):
        if str(path) == str(full_warehouse):
            raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')
        return real(path, *args, **kwargs)

    monkeypatch.setattr(health.duckdb, "connect", refused)
    with pytest.raises(health.WarehouseUnreadable, match="Permission denied"):
        health.ensure_sound(full_warehouse)
    assert full_warehouse.exists() and not list(full_warehouse.parent.glob("*.corrupt-*"))
