"""Staging across senders and files: a key two senders both use is quarantined naming both
files (the events suite then passes); a file that cannot be read is one rejected row in
audit.file_loads with its reason; each refresh starts the counts afresh; personal values are
masked in previews."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from expectations import events
from expectations.sql_engine import run_suite_sql
from sources.errors import SourceError
from sources.files import SourceFile, sha256_of
from sources.registry import inventory
from sources.returns.contract import RETURNS
from sources.returns.read import read_return
from warehouse import db
from warehouse.returns import (
    build_staging,
    load_raw,
    record_rejected,
    rejected_files,
    start_run,
)

TODAY = date(2025, 11, 30)
HEADER = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,coproduced,"
          "carers_attending\n")


def _load(con: duckdb.DuckDBPyConnection, landing: Path, files: list[Path]) -> list[dict]:
    current = []
    for path in files:
        source = SourceFile(path, "events", "landing", sha256_of(path))
        load_raw(con, read_return(source, "events", landing), datetime(2025, 11, 1))
        current.append({"file": path.name, "sha256": source.sha256,
                        "first_seen": datetime(2025, 11, 1, 0, len(current))})
    return current


def test_a_key_two_senders_use_is_quarantined_naming_both_files(tmp_path):
    (tmp_path / "crossroads").mkdir()
    (tmp_path / "carersfed").mkdir()
    first = tmp_path / "crossroads" / "events_2025.csv"
    second = tmp_path / "carersfed" / "events_2025.csv"
    first.write_text(HEADER + "E1,2025-06-09,carers_week,Picnic,Carers Centre,Central,Park,yes,"
                              "12\nE2,2025-06-10,carers_week,Walk,Carers Centre,Central,Park,"
                              "yes,8\n")
    # Row 2 repeats the Carers Centre's E1 (another sender's copy); row 3 is its own event.
    second.write_text(HEADER + "E1,2025-06-09,carers_week,Picnic,Carers Centre,Central,Park,yes,"
                               "12\nE9,2025-06-11,peer_support,Tea,Carers Federation,North,"
                               "Hall,no,5\n")
    con = duckdb.connect()
    db.ensure_schemas(con)
    counts = build_staging(con, RETURNS["events"], _load(con, tmp_path, [first, second]), TODAY)
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (4, 3, 1)
    assert counts.rows_in == counts.rows_loaded + counts.rows_quarantined
    row = con.execute("select source_file, source_row, column_name, value, rule "
                      "from audit.quarantine").fetchall()
    assert row == [("events_2025.csv", 2, "event_id", "E1",
                    "duplicates row 2 of events_2025.csv sent by crossroads (organiser + "
                    "event_id must be unique across all senders)")]
    assert con.execute("select source_org, event_id from staging.events order by all"
                       ).fetchall() == [("carersfed", "E9"), ("crossroads", "E1"),
                                        ("crossroads", "E2")]
    # The blocking events suite (organiser + event_id unique) now passes.
    result = run_suite_sql(con, events.events_plausible)
    assert "organiser_event" not in {f.column for f in result.failures}


def test_a_rejected_file_is_one_row_with_its_reason_and_a_new_run_starts_afresh(tmp_path):
    con = duckdb.connect()
    db.ensure_schemas(con)
    path = tmp_path / "crossroads_events.csv"
    path.write_bytes(b"")
    with pytest.raises(SourceError) as caught:
        read_return(SourceFile(path, "events", "landing", sha256_of(path)), "events")
    record_rejected(con, "events", path.name, sha256_of(path), caught.value)
    assert rejected_files(con) == [{
        "return": "events", "file": "crossroads_events.csv", "sha256": sha256_of(path),
        "reason": "the file is empty (0 bytes). Save the return again from Excel and send the "
                  "saved file."}]
    loads = con.execute("select rows_in, rows_loaded, rows_quarantined, status "
                        "from audit.file_loads").fetchall()
    assert loads == [(0, 0, 0, "rejected")]
    # Staging the kind keeps the rejection; the next refresh starts with no counts at all.
    build_staging(con, RETURNS["events"], [], TODAY)
    assert len(rejected_files(con)) == 1
    start_run(con)
    assert rejected_files(con) == []
    assert db.scalar(con, "select count(*) from audit.quarantine") == 0


def test_inventory_lists_unreadable_files_and_links_out_of_the_folder_with_reasons(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    outside = tmp_path / "secret_events.csv"
    outside.write_text(HEADER + "E1,2025-06-09,carers_week,Picnic,CC,Central,Park,yes,12\n")
    (landing / "link_events.csv").symlink_to(outside)
    (landing / "folder_link").symlink_to(tmp_path)
    (landing / "notes.txt").write_text("not a return")
    (landing / "junk.bin").write_bytes(b"\x00\x01")
    (landing / "crossroads_events.csv").write_text(HEADER)
    (landing / "=cmd|' -c calc'!A0_events_2024.csv").write_text(
        HEADER + "E1,2025-06-09,carers_week,Picnic,CC,Central,Park,yes,12\n")
    found = {f.path.name: f for f in inventory(landing)}
    assert set(found) == {"link_events.csv", "folder_link", "junk.bin",
                          "crossroads_events.csv", "=cmd|' -c calc'!A0_events_2024.csv"}
    assert found["link_events.csv"].kind is None
    assert found["link_events.csv"].problem.startswith(
        "a link to a file or folder outside the landing folder: not followed")
    assert found["folder_link"].problem.startswith("a link to a file or folder outside")
    assert found["junk.bin"].problem.startswith("'.bin' files are not read")
    assert (found["crossroads_events.csv"].kind, found["crossroads_events.csv"].problem) == (
        "events", None)
    assert found["=cmd|' -c calc'!A0_events_2024.csv"].kind == "events"


def test_previews_mask_personal_columns():
    con = duckdb.connect()
    con.execute("create table t as select 'YC-1' as case_ref, 3 as n, 'Jane' as value")
    text = db.preview_markdown(con, "t", masked=["case_ref", "value"])
    assert "YC-1" not in text and "Jane" not in text
    assert text.splitlines()[2] == "| [masked] | 3 | [masked] |"
    assert RETURNS["young_carers_support"].personal_columns == ["case_ref"]
    assert RETURNS["grant_awards"].personal_columns == ["applicant"]
