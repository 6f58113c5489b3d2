"""The audit history outside the warehouse: append-only, replayed on rebuild, so a corrected
return still wins over the file it replaced after the warehouse is rebuilt from scratch."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from sources.files import SourceFile
from sources.registry import inventory
from sources.returns.contract import RETURNS
from sources.returns.read import read_return
from warehouse import db
from warehouse.audit_log import FILES, LOADS, AuditLog, AuditLogError, record_loads
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
ROWS = ["E1,12/06/2025,carers_week,Walk,Crossroads,Wath,Wath Park,yes,10,",
        "E2,13/06/2025,carers_week,Lunch,Crossroads,Central,Riverside House,yes,20,"]
ORIGINAL = "crossroads_events_2025.csv"
# Sorts before the original: when both are first seen at the same moment (a rebuild that has
# lost the history), the name order alone would make the original win.
CORRECTED = "crossroads_events_2025 amended.csv"


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


def _refresh(con, landing: Path, at: datetime, log: AuditLog | None) -> list[tuple]:
    record_landing(con, inventory(landing))
    for path, _name, sha in landing_returns(con, "events"):
        load_raw(con, read_return(SourceFile(Path(path), "events", "landing", sha), "events",
                                  landing), at)
    counts = build_staging(con, RETURNS["events"], current_files(con, "events", at, log), TODAY)
    if log is not None:
        record_loads(con, log, "events", counts.files, at, f"run-{at:%d%H}")
    return con.execute("select event_id, carers_attending, _source_file from staging.events "
                       "order by event_id").fetchall()


def _fresh() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.ensure_schemas(con)
    return con


@pytest.fixture
def corrected(tmp_path):
    """A return, then its corrected resubmission a month later, both refreshed with the log."""
    landing = tmp_path / "landing"
    landing.mkdir()
    log = AuditLog(tmp_path / "publish")
    con = _fresh()
    _write(landing / ORIGINAL, ROWS)
    assert _refresh(con, landing, datetime(2025, 7, 1, 9), log) == [
        ("E1", 10, ORIGINAL), ("E2", 20, ORIGINAL)]
    _write(landing / CORRECTED, [ROWS[0].replace(",10,", ",12,"), ROWS[1]])
    assert _refresh(con, landing, datetime(2025, 8, 1, 9), log) == [
        ("E1", 12, CORRECTED), ("E2", 20, CORRECTED)]
    return landing, log


def test_a_rebuilt_warehouse_replays_the_log_and_the_correction_still_wins(corrected):
    landing, log = corrected
    rebuilt = _fresh()  # the old warehouse moved aside: nothing in audit.file_history
    assert _refresh(rebuilt, landing, datetime(2025, 9, 1, 9), log) == [
        ("E1", 12, CORRECTED), ("E2", 20, CORRECTED)]
    history = rebuilt.execute("select source_file, min(first_seen) from audit.file_history "
                              "group by all order by 2").fetchall()
    assert history == [(ORIGINAL, datetime(2025, 7, 1, 9)), (CORRECTED, datetime(2025, 8, 1, 9))]
    # The log gained nothing from the rebuild: each content is logged once, when first seen.
    assert [(r["source_file"], r["first_seen"]) for r in log.records(FILES)] == [
        (ORIGINAL, "2025-07-01 09:00:00"), (CORRECTED, "2025-08-01 09:00:00")]


def test_without_the_log_the_rebuild_would_have_let_the_old_file_win(corrected):
    """Why the log exists: the same rebuild without it decides by name, wrongly."""
    landing, _ = corrected
    assert _refresh(_fresh(), landing, datetime(2025, 9, 1, 9), None) == [
        ("E1", 10, ORIGINAL), ("E2", 20, ORIGINAL)]


def test_each_refresh_logs_its_loads_with_what_superseded_what(corrected):
    _, log = corrected
    loads = log.records(LOADS)
    assert [(r["return_kind"], r["run_id"]) for r in loads] == [("events", "run-0109"),
                                                                ("events", "run-0109")]
    second = {f["source_file"]: f for f in loads[1]["files"]}
    original, amended = second[ORIGINAL], second[CORRECTED]
    assert (original["rows_in"], original["rows_loaded"], original["rows_superseded"]) == (2, 0, 2)
    assert original["covers"] == [{"organisation": "crossroads", "financial_year": 2025,
                                   "superseded_by": amended["source_sha256"]}]
    assert amended["covers"] == [{"organisation": "crossroads", "financial_year": 2025,
                                  "superseded_by": None}]


def test_quarantined_rows_are_kept_once_per_distinct_set(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    log = AuditLog(tmp_path / "publish")
    _write(landing / ORIGINAL, [*ROWS, "E3,bad,carers_week,x,Crossroads,Wath,Park,yes,1,"])
    con = _fresh()
    _refresh(con, landing, datetime(2025, 7, 1), log)
    _refresh(con, landing, datetime(2025, 7, 2), log)
    files = sorted((log.folder / "quarantine").iterdir())
    assert len(files) == 1
    rows = [json.loads(line) for line in files[0].read_text().splitlines()]
    assert [(r["source_row"], r["column_name"], r["value"]) for r in rows] == [
        (4, "event_date", "bad")]  # Excel row 4: the header is row 1
    loads = log.records(LOADS)
    assert len(loads) == 2 and {r["files"][0]["quarantine"] for r in loads} == {
        f"quarantine/{files[0].name}"}


def test_a_warehouse_older_than_the_log_has_its_history_written_to_it(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    con = _fresh()
    _write(landing / ORIGINAL, ROWS)
    _refresh(con, landing, datetime(2025, 7, 1), None)  # before the log existed
    log = AuditLog(tmp_path / "publish")
    _refresh(con, landing, datetime(2025, 8, 1), log)
    assert [(r["source_file"], r["first_seen"]) for r in log.records(FILES)] == [
        (ORIGINAL, "2025-07-01 00:00:00")]


def test_a_line_cut_short_by_a_crash_is_ignored_then_dropped(tmp_path):
    log = AuditLog(tmp_path)
    log.append("x.jsonl", [{"n": 1}, {"n": 2}])
    with log.path("x.jsonl").open("ab") as handle:
        handle.write(b'{"n": 3, "unfin')  # the crash: no newline
    assert log.records("x.jsonl") == [{"n": 1}, {"n": 2}]
    log.append("x.jsonl", [{"n": 4}])
    assert log.records("x.jsonl") == [{"n": 1}, {"n": 2}, {"n": 4}]
    assert log.path("x.jsonl").read_text() == '{"n": 1}\n{"n": 2}\n{"n": 4}\n'


def test_a_damaged_line_inside_the_log_is_an_error_naming_it(tmp_path):
    log = AuditLog(tmp_path)
    log.path("x.jsonl").parent.mkdir(parents=True)
    log.path("x.jsonl").write_text('{"n": 1}\nnot json\n{"n": 2}\n')
    with pytest.raises(AuditLogError, match=r"x\.jsonl, line 2, is not a record"):
        log.records("x.jsonl")


def test_the_log_survives_a_moved_warehouse_not_a_moved_publish_folder(corrected, tmp_path):
    """The log lives under the publish folder: a copy of that folder carries it."""
    landing, log = corrected
    copy = tmp_path / "publish-copy"
    shutil.copytree(log.folder.parent, copy)
    assert _refresh(_fresh(), landing, datetime(2025, 9, 1), AuditLog(copy))[0] == (
        "E1", 12, CORRECTED)
