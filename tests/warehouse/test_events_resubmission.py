"""Events and membership suites name the bad rows (SQL engine and GX agree), and resubmitted
returns: the same content twice changes nothing; a corrected file replaces the earlier one's
rows in staging while raw keeps both."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from expectations import events
from sources.files import SourceFile
from sources.registry import inventory
from sources.returns.contract import RETURNS
from sources.returns.read import read_return
from tests.builders.engines import ENGINES, on_engine
from warehouse import db
from warehouse.returns import (
    build_staging,
    current_files,
    landing_returns,
    load_raw,
    record_landing,
)

TODAY = date(2025, 11, 30)
HEADER = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,coproduced,"
          "carers_attending,carer_reps_attending\n")


def _staged_events() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute("""create table staging.events as select * from (values
        (2, 'A', 'E1', current_date - 10, 'network_meeting', 20, null::bigint, null::bigint,
         null::bigint),
        (3, 'A', 'E2', current_date + 5, 'network_meeting', 25, 3, null, 2500),
        (4, 'A', 'E1', current_date - 3, 'carers_week', 2, null, 3, null),
        (5, 'B', 'E1', current_date - 3, 'carers_week', 5000, null, null, null))
        t(_source_row, organiser, event_id, event_date, event_type, carers_attending,
          professionals_attending, carer_reps_attending, young_carers_attending)""")
    con.execute("alter table staging.events add column financial_year integer default 2025")
    con.execute("""create table staging.membership as select * from (values
        (2, 'network', current_date - 30, 22, 2025), (3, 'network', current_date - 30, 1500, 2025))
        t(_source_row, "group", as_at, members, financial_year)""")
    return con


@pytest.mark.parametrize("engine_name", ENGINES)
def test_events_suite_names_each_bad_row(engine_name, monkeypatch):
    engine = on_engine(engine_name, monkeypatch)
    result = engine(_staged_events(), events.events_plausible)
    assert not result.success
    by_column = {f.column: f for f in result.failures}
    assert set(by_column) == {"days_after_today", "carers_attending", "young_carers_attending",
                              "carers_not_reps", "organiser_event"}
    assert by_column["days_after_today"].unexpected_count == 1
    assert by_column["carers_not_reps"].unexpected_count == 1
    assert by_column["carers_attending"].unexpected_count == 1


@pytest.mark.parametrize("engine_name", ENGINES)
def test_membership_suites(engine_name, monkeypatch):
    engine = on_engine(engine_name, monkeypatch)
    con = _staged_events()
    result = engine(con, events.membership_plausible)
    assert {f.column for f in result.failures} == {"members", "group_date"}
    con.execute("delete from staging.membership where members > 1000")
    con.execute("delete from staging.events where organiser = 'B'")
    assert engine(con, events.membership_plausible).success
    # Mean network attendance 22.5 against 22 members: the warning fails.
    assert not engine(con, events.network_attendance_within_membership).success
    con.execute("update staging.membership set members = 40")
    assert engine(con, events.network_attendance_within_membership).success


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


def _refresh(con: duckdb.DuckDBPyConnection, landing: Path, at: datetime) -> dict:
    """What a refresh does for one return: inventory the landing folder (duplicate content is
    noted once), raw history by content hash, then staging from the current files."""
    record_landing(con, inventory(landing))
    for path, _name, sha in landing_returns(con, "events"):
        load_raw(con, read_return(SourceFile(Path(path), "events", "landing", sha), "events",
                                  landing), at)
    counts = build_staging(con, RETURNS["events"], current_files(con, "events", at), TODAY)
    return {"counts": counts,
            "staged": con.execute("select event_id, carers_attending, _source_file "
                                  "from staging.events order by event_id").fetchall(),
            "raw": con.execute("select count(*), count(distinct _source_sha256) "
                               "from raw.events").fetchone()}


@pytest.fixture
def con():
    con = duckdb.connect()
    db.ensure_schemas(con)
    return con


ROWS = ["E1,12/06/2025,carers_week,Walk,Crossroads,Wath,Wath Park,yes,10,",
        "E2,13/06/2025,carers_week,Lunch,Crossroads,Central,Riverside House,yes,20,"]


def test_the_same_file_twice_changes_nothing(con, tmp_path):
    first = _write(tmp_path / "crossroads_events_2025.csv", ROWS)
    once = _refresh(con, tmp_path, datetime(2025, 7, 1))
    again = _refresh(con, tmp_path, datetime(2025, 7, 2))
    assert once["staged"] == again["staged"] and len(once["staged"]) == 2
    assert again["raw"] == (2, 1)
    # The same content under another name (sent twice by e-mail) is one file's content.
    copy = tmp_path / "crossroads_events_2025 (1).csv"
    shutil.copy(first, copy)
    twice = _refresh(con, tmp_path, datetime(2025, 7, 3))
    assert sum(r[1] for r in twice["staged"]) == 30
    assert twice["raw"] == (2, 1)


def test_a_corrected_file_replaces_the_earlier_rows_and_raw_keeps_both(con, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    first = _write(landing / "crossroads_events_2025.csv", ROWS)
    _refresh(con, landing, datetime(2025, 7, 1))
    corrected = _write(landing / "crossroads_events_2025_corrected.csv",
                       [ROWS[0].replace(",10,", ",12,"), ROWS[1]])
    result = _refresh(con, landing, datetime(2025, 8, 1))
    assert result["staged"] == [("E1", 12, corrected.name), ("E2", 20, corrected.name)]
    counts = result["counts"]
    assert (counts.rows_in, counts.rows_loaded, counts.rows_superseded) == (4, 2, 2)
    assert counts.rows_in == counts.rows_loaded + counts.rows_quarantined + counts.rows_superseded
    assert result["raw"] == (4, 2)  # history keeps both versions
    loads = con.execute("select source_file, rows_in, rows_loaded, rows_superseded "
                        "from audit.file_loads order by source_file").fetchall()
    assert loads == [(first.name, 2, 0, 2), (corrected.name, 2, 2, 0)]
    # A file for another financial year from the same organisation adds, not replaces.
    _write(landing / "crossroads_events_2024.csv",
                        ["E9,12/06/2024,carers_week,Quiz,Crossroads,Central,Minster,yes,8,"])
    result = _refresh(con, landing, datetime(2025, 9, 1))
    assert [r[0] for r in result["staged"]] == ["E1", "E2", "E9"]


def test_input_files_are_never_modified(con, tmp_path):
    bad = "E3,bad,carers_week,x,Crossroads,Wath,Park,yes,1,"
    path = _write(tmp_path / "crossroads_events_2025.csv", [*ROWS, bad])
    before = path.read_bytes()
    result = _refresh(con, tmp_path, datetime(2025, 7, 1))
    assert result["counts"].rows_quarantined == 1
    assert path.read_bytes() == before
