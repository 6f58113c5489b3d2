"""The row rules of warehouse/returns.py on small hand-made files, in memory, each checked
against the exact quarantine row (row, column, value as sent, rule) and the exact typed values
loaded. Expected values are worked by hand from RETURNS.md and docs/returns.md; none is
computed with the code under test. These are the fast tests the mutation check of
warehouse/returns.py runs (scripts/mutation.py returns-rules)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from sources.errors import Problem, SourceError
from sources.files import SourceFile, sha256_of
from sources.returns import read as read_module
from sources.returns.contract import RETURNS, Column, Return
from sources.returns.read import read_return
from warehouse import db
from warehouse.returns import (
    CROSS_RULES,
    _first_line,
    build_staging,
    check_return,
    current_files,
    ensure_tables,
    landing_returns,
    load_raw,
    record_format,
    record_landing,
    record_rejected,
    rejected_files,
    start_run,
    validation_sql,
)

TODAY = date(2025, 11, 30)
EVENTS_HEADER = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,"
                 "coproduced,carers_attending,young_carers_attending,carer_reps_attending\n")
DATE_RULE = ("must be a date written 2025-06-09 or 09/06/2025 (day/month/year, four-digit "
             "year)")
MEMBERSHIP_HEADER = "group,as_at,members\n"
REQUIRED = "is required and is blank or 'not recorded'"


def _source(path: Path, kind: str) -> SourceFile:
    return SourceFile(path, kind, "landing", sha256_of(path))


def _check(path: Path, kind: str, text: str) -> tuple[list[Problem], object]:
    path.write_text(text)
    return check_return(read_return(_source(path, kind), kind), TODAY)


def _quarantined(problems: list[Problem]) -> list[tuple]:
    return [(p.row, p.column, p.value, p.rule) for p in problems]


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.ensure_schemas(con)
    return con


def _stage(con, kind: str, files: list[tuple[Path, str, datetime]], landing: Path | None = None):
    current = []
    for path, text, first_seen in files:
        path.write_text(text)
        source = _source(path, kind)
        load_raw(con, read_return(source, kind, landing), datetime(2025, 11, 1))
        current.append({"file": path.name, "sha256": source.sha256, "first_seen": first_seen})
    return build_staging(con, RETURNS[kind], current, TODAY)


def test_each_events_rule_quarantines_its_row_with_the_value_as_sent(tmp_path):
    rows = [
        "E1,09/06/2025,Carers Week,Picnic,CC,Central,Park,Y,2000,N/A ,2000",  # 2 loads
        "E2,2025-13-01,carers_week,Walk,CC,Central,Park,yes,3,,",             # 3 bad date
        "E3,01/01/1900,carers-week,Old,CC,Central,Park,no,3,,",               # 4 loads (1900)
        "E4,31/12/1899,carers_week,Older,CC,Central,Park,no,3,,",             # 5 year 1899
        "E5,01/01/3000,carers_week,Far,CC,Central,Park,no,3,,",               # 6 year 3000
        "E6,31/12/2999,carers_week,Far,CC,Central,Park,no,3,,",               # 7 future
        "E7,01/12/2025,carers_week,Soon,CC,Central,Park,no,3,,",              # 8 tomorrow
        "E8,30/11/2025,garden party,Tea,CC,Central,Park,maybe,2001,,",        # 9 three wrong
        "E9,30/11/2025,other,,n/a,Central,Park,true,4,,5",                   # 10 blanks, reps
        "E10,2025-11-30 00:00:00,Peer Support,Talk,CC,Central,Park,0,4,1,4",  # 11 loads
    ]
    problems, counts = _check(tmp_path / "cc_events.csv", "events",
                              EVENTS_HEADER + "\n".join(rows) + "\n")
    assert _quarantined(problems) == [
        (3, "event_date", "2025-13-01", DATE_RULE),
        (5, "event_date", "31/12/1899", DATE_RULE),
        (6, "event_date", "01/01/3000", DATE_RULE),
        (7, "event_date", "31/12/2999", "the event date is in the future"),
        (8, "event_date", "01/12/2025", "the event date is in the future"),
        (9, "carers_attending", "2001",
         "is more than 2,000, the plausible maximum for this column"),
        (9, "coproduced", "maybe", "must be yes or no"),
        (9, "event_type", "garden party",
         "must be one of: carers_week, carers_rights_day, network_meeting, "
         "strategic_group_meeting, peer_support, coproduction_session, "
         "health_wellbeing_session, information_session, other"),
        (10, "carer_reps_attending", "5",
         "carer_reps_attending is more than carers_attending (representatives are carers "
         "attending, so they are counted in carers_attending too)"),
        (10, "organiser", "n/a", REQUIRED),
        (10, "title", None, REQUIRED),
    ]
    fixes = {(p.row, p.column): p.fix for p in problems}
    assert fixes[(10, "title")] == "Fill in title."
    assert fixes[(10, "organiser")] == "Fill in organiser (organisation running it)."
    assert fixes[(9, "coproduced")] == "Type yes or no."
    assert fixes[(3, "event_date")] == (
        "Type the date as day/month/year with a four-digit year, e.g. 09/06/2025, or use an "
        "Excel date cell; US month/day order is not accepted.")
    assert fixes[(9, "event_type")] == (
        "Use one of the allowed values for event_type (see the template's second sheet).")
    assert all(p.file == str(tmp_path / "cc_events.csv") for p in problems)
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined,
            counts.rows_superseded) == (10, 3, 7, 0)


def test_typed_values_loaded_into_staging(tmp_path):
    con = _con()
    rows = ["E1,09/06/2025,Carers Week,Picnic,CC,Central,Park,Y,2000,N/A ,2000",
            "E3,01/01/1900,carers-week,Old,CC,Central,Park,no,0,-,",
            "E10,2025-11-30 00:00:00,Peer  Support,Talk,CC,Central,Park,0,4,1,4",
            "E11,2025-03-31,other,Talk,CC,Central,Park,TRUE,1,unknown,0",
            "E12,2025-04-01,other,Talk,CC,Central,Park,n,1,?,1"]
    counts = _stage(con, "events", [(tmp_path / "cc_events.csv",
                                     EVENTS_HEADER + "\n".join(rows) + "\n",
                                     datetime(2025, 11, 1))])
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (5, 5, 0)
    assert con.execute(
        "select source_org, event_id, event_date, event_type, coproduced, carers_attending, "
        "young_carers_attending, carer_reps_attending, financial_year, _source_row "
        "from staging.events order by _source_row").fetchall() == [
        ("cc", "E1", date(2025, 6, 9), "carers_week", True, 2000, None, 2000, 2025, 2),
        ("cc", "E3", date(1900, 1, 1), "carers_week", False, 0, None, None, 1899, 3),
        ("cc", "E10", date(2025, 11, 30), "peer_support", False, 4, 1, 4, 2025, 4),
        ("cc", "E11", date(2025, 3, 31), "other", True, 1, None, 0, 2024, 5),
        ("cc", "E12", date(2025, 4, 1), "other", False, 1, None, 1, 2025, 6),
    ]


def test_months_counts_and_the_financial_year_they_fall_in(tmp_path):
    con = _con()
    text = ("month,page_views,users,directory_views\n"
            "2025-03,10,5,\n"          # 2 loads, 2024/25
            "2025-04-01,20,6,1\n"      # 3 loads, 2025/26
            "2025-05-02,1,1,\n"        # 4 not the first of a month
            "May 2025,1,1,\n"          # 5 not a month
            "2025-06,1 250,1,\n"       # 6 a count with a space
            "2025-07,,1,\n")           # 7 required count blank
    counts = _stage(con, "web", [(tmp_path / "council_web.csv", text, datetime(2025, 11, 1))])
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (6, 2, 4)
    assert con.execute("select month, page_views, users, directory_views, financial_year "
                       "from staging.web order by month").fetchall() == [
        (date(2025, 3, 1), 10, 5, None, 2024), (date(2025, 4, 1), 20, 6, 1, 2025)]
    assert con.execute("select source_row, column_name, value, rule, fix from audit.quarantine "
                       "where rule like 'must be a month%' order by source_row").fetchall() == [
        (4, "month", "2025-05-02", "must be a month written 2025-06",
         "Type the month as year-month, e.g. 2025-06."),
        (5, "month", "May 2025", "must be a month written 2025-06",
         "Type the month as year-month, e.g. 2025-06.")]
    assert con.execute("select source_row, column_name, value, rule from audit.quarantine "
                       "where source_row in (6, 7) order by source_row").fetchall() == [
        (6, "page_views", "1 250", "contains a space: only digits, commas between groups of three "
                                        "and a decimal point are accepted"),
        (7, "page_views", None, REQUIRED)]
    assert con.execute("select return_kind, source_file, rows_in, rows_loaded, "
                       "rows_quarantined, rows_superseded, status from audit.file_loads"
                       ).fetchall() == [("web", "council_web.csv", 6, 2, 4, 0, "loaded")]


def test_money_awarded_grants_and_individual_applicants(tmp_path):
    header = ("grant_id,programme,applicant,applicant_type,application_date,decision,"
              "amount_requested_gbp,amount_awarded_gbp\n")
    rows = ["G1,small,Crossroads,organisation,2025-05-01,awarded,\"£1,250.50\",1000",  # 2
            "G2,small,Crossroads,organisation,2025-05-01,awarded,100,",               # 3
            "G3,small,Crossroads,organisation,2025-05-01,awarded,100,\"1.250,50\"",   # 4
            "G4,small,Jane Smith,individual,2025-05-01,declined,100,",               # 5
            "G5,small,CG-0042,individual,2025-05-01,declined,100,",                  # 6
            "G6,small,Jane Smith,organisation,2025-05-01,Declined,,"]                # 7
    problems, counts = _check(tmp_path / "council_grant_awards.csv", "grant_awards",
                              header + "\n".join(rows) + "\n")
    assert _quarantined(problems) == [
        (3, "amount_awarded_gbp", None, "an awarded grant needs the amount awarded"),
        (4, "amount_awarded_gbp", "1.250,50",
         "uses a decimal comma (or full stops between thousands); returns use a decimal point"),
        (5, "applicant", "Jane Smith",
         "a grant to an individual names the applicant by a pseudonymous reference, and this "
         "is not one (a name, e-mail address or phone number is refused)")]
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (6, 3, 3)
    con = _con()
    _stage(con, "grant_awards", [(tmp_path / "council_grant_awards.csv",
                                  header + rows[0] + "\n" + rows[4] + "\n",
                                  datetime(2025, 11, 1))])
    assert con.execute("select grant_id, amount_requested_gbp, amount_awarded_gbp "
                       "from staging.grant_awards order by grant_id").fetchall() == [
        ("G1", Decimal("1250.50"), Decimal("1000.00")), ("G5", Decimal("100.00"), None)]


def test_a_rule_reports_the_date_as_the_partner_typed_it(tmp_path):
    header = "group,as_at,members\n"
    problems, _ = _check(tmp_path / "cc_membership.csv", "membership",
                         header + "network,01/12/2099,12\nNetwork,2025-11-30,1001\n"
                                  "other,2025-11-30,1000\n")
    assert _quarantined(problems) == [
        (2, "as_at", "01/12/2099", "the date is in the future"),
        (3, "members", "1001", "is more than 1,000, the plausible maximum for this column")]


def test_young_carers_date_rules(tmp_path):
    header = ("case_ref,referral_date,referral_source,assessment_date,support_type,"
              "support_start,support_end,age_band\n")
    rows = ["YC-001,2025-05-01,school,2025-04-30,group,2025-05-02,2025-05-01,5-10",   # 2
            "YC-002,2025-05-01,school,2025-05-01,one_to_one,,,11-15",                # 3
            "YC-003,2025-05-01,health,,group,2025-04-30,2025-12-01,16-17",           # 4
            "YC-004,2025-05-01,self,,none,,,",                                       # 5 loads
            "YC-005,2025-05-01,self,2025-05-01,one_to_one,2025-05-01,2025-05-01,",  # 6 loads
            "Jane,2025-05-01,self,,none,,,12-15"]                                    # 7
    problems, counts = _check(tmp_path / "ycs_young_carers_support.csv",
                              "young_carers_support", header + "\n".join(rows) + "\n")
    assert [(row, column, rule) for row, column, _, rule in _quarantined(problems)] == [
        (2, "assessment_date", "the assessment is dated before the referral"),
        (2, "support_end", "support ends before it starts"),
        (3, "support_start", "one-to-one or group support needs the date it started"),
        (4, "support_end", "support ends in the future"),
        (4, "support_start", "support starts before the referral"),
        (7, "age_band", "must be one of: 5-10, 11-15, 16-17"),
        (7, "case_ref", "has no digits, as a name does: a pseudonymous reference is a code such as "
                       "YC-0123"),
    ]
    assert (counts.rows_in, counts.rows_loaded) == (6, 2)


def test_assessments_whole_numbers_and_completion_dates(tmp_path):
    header = ("case_ref,request_date,completed_date,outcome,needs_identified,needs_met,"
              "carer_age_band\n")
    rows = ["CA-1,2025-05-01,2025-04-01,support_plan,3,4,75+",     # 2 two rules
            "CA-2,2025-05-01,,pending,100,100,18-24",              # 3 loads
            "CA-3,2025-05-01,,pending,101,,",                      # 4 above 100
            "CA-4,2025-05-01,2025-05-01,declined,2.5,,"]           # 5 a fraction
    problems, _ = _check(tmp_path / "asc_carer_assessments.csv", "carer_assessments",
                         header + "\n".join(rows) + "\n")
    assert _quarantined(problems) == [
        (2, "completed_date", "2025-04-01",
         "the assessment is completed before it was requested"),
        (2, "needs_met", "4", "more needs met than identified"),
        (4, "needs_identified", "101",
         "is more than 100, the plausible maximum for this column"),
        (5, "needs_identified", "2.5", "is not a whole number (it has a fraction)")]


def test_a_duplicate_key_within_one_sender_names_the_first_row(tmp_path):
    con = _con()
    text = "month,page_views,users\n2025-06,10,5\n2025-07,10,5\n2025-06,11,6\n"
    counts = _stage(con, "web", [(tmp_path / "council_web.csv", text, datetime(2025, 11, 1))])
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (3, 2, 1)
    assert con.execute("select source_row, column_name, value, rule, fix "
                       "from audit.quarantine").fetchall() == [
        (4, "month", "2025-06-01", "duplicates row 2 of council_web.csv (month must be unique)",
         "Remove the repeated row, or give it its own month.")]


def test_a_key_sent_three_times_names_the_first_loaded_row_and_skips_quarantined_rows(tmp_path):
    # Only keys that occur more than once among rows that would load are ordered
    # (warehouse/returns.py _mark_duplicates): row 3 is quarantined for its own problem, so it
    # is no one's first row and not a duplicate; rows 4 and 6 both name row 2; row 5 is alone.
    con = _con()
    text = ("month,page_views,users\n2025-06,10,5\n2025-06,x,5\n2025-06,11,6\n2025-07,10,5\n"
            "2025-06,12,7\n")
    counts = _stage(con, "web", [(tmp_path / "council_web.csv", text, datetime(2025, 11, 1))])
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (5, 2, 3)
    assert con.execute("select source_row, column_name, value, rule, fix "
                       "from audit.quarantine order by source_row").fetchall() == [
        (3, "page_views", "x", "is not a whole number",
         "Type the number as digits, e.g. 1250 or 1,250; leave it blank if it was not "
         "recorded (blank is never read as zero)."),
        (4, "month", "2025-06-01", "duplicates row 2 of council_web.csv (month must be unique)",
         "Remove the repeated row, or give it its own month."),
        (6, "month", "2025-06-01", "duplicates row 2 of council_web.csv (month must be unique)",
         "Remove the repeated row, or give it its own month.")]
    assert con.execute("select _source_row, page_views from staging.web").fetchall() == [
        (2, 10), (5, 10)]


def test_the_same_key_from_two_senders_is_two_rows_unless_unique_across_senders(tmp_path):
    con = _con()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    text = "month,page_views,users\n2025-06,10,5\n"
    counts = _stage(con, "web", [(tmp_path / "a" / "web.csv", text, datetime(2025, 11, 1)),
                                 (tmp_path / "b" / "web.csv", text.replace("10", "12"),
                                  datetime(2025, 11, 2))], landing=tmp_path)
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (2, 2, 0)
    assert con.execute("select source_org, page_views from staging.web order by all"
                       ).fetchall() == [("a", 10), ("b", 12)]


def test_a_resubmission_supersedes_the_earlier_file_for_its_organisation_and_year(tmp_path):
    con = _con()
    header = "month,page_views,users\n"
    first = header + "2025-03,1,1\n2025-06,10,5\n2025-07,10,5\n"
    second = header + "2025-06,11,5\n"
    counts = _stage(con, "web", [(tmp_path / "council_web_v1.csv", first, datetime(2025, 8, 1)),
                                 (tmp_path / "council_web_v2.csv", second,
                                  datetime(2025, 9, 1))])
    # 2025/26 comes from v2 only; v1's 2024/25 row (March 2025) is the only cover of that year.
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined,
            counts.rows_superseded) == (4, 2, 0, 2)
    assert con.execute("select month, page_views, _source_file from staging.web order by month"
                       ).fetchall() == [(date(2025, 3, 1), 1, "council_web_v1.csv"),
                                        (date(2025, 6, 1), 11, "council_web_v2.csv")]
    v1 = sha256_of(tmp_path / "council_web_v1.csv")
    v2 = sha256_of(tmp_path / "council_web_v2.csv")
    assert sorted(counts.files, key=lambda f: f["sha256"] == v2) == [
        {"sha256": v1, "covers": [
            {"organisation": "council", "financial_year": 2024, "superseded_by": None},
            {"organisation": "council", "financial_year": 2025, "superseded_by": v2}]},
        {"sha256": v2, "covers": [
            {"organisation": "council", "financial_year": 2025, "superseded_by": None}]}]
    assert con.execute("select source_file, rows_in, rows_loaded, rows_quarantined, "
                       "rows_superseded from audit.file_loads order by source_file"
                       ).fetchall() == [("council_web_v1.csv", 3, 1, 0, 2),
                                        ("council_web_v2.csv", 1, 1, 0, 0)]


def test_files_first_seen_together_are_ordered_by_name(tmp_path):
    con = _con()
    header = "month,page_views,users\n"
    same = datetime(2025, 9, 1)
    counts = _stage(con, "web", [(tmp_path / "council_web_b.csv", header + "2025-06,2,2\n", same),
                                 (tmp_path / "council_web_a.csv", header + "2025-06,1,1\n", same)])
    assert (counts.rows_loaded, counts.rows_superseded) == (1, 1)
    assert con.execute("select page_views, _source_file from staging.web").fetchall() == [
        (2, "council_web_b.csv")]


def test_the_quarantine_rows_of_a_kind_are_rebuilt_not_added(tmp_path):
    con = _con()
    text = "month,page_views,users\n2025-06,x,5\n"
    files = [(tmp_path / "council_web.csv", text, datetime(2025, 11, 1))]
    _stage(con, "web", files)
    _stage(con, "web", files)
    assert db.scalar(con, "select count(*) from audit.quarantine") == 1
    assert db.scalar(con, "select count(*) from audit.file_loads") == 1
    # Staging another kind leaves this kind's quarantine alone.
    _stage(con, "membership", [(tmp_path / "cc_membership.csv",
                                "group,as_at,members\nnetwork,2025-06-01,x\n",
                                datetime(2025, 11, 1))])
    assert con.execute("select return_kind, count(*) from audit.quarantine group by all "
                       "order by all").fetchall() == [("membership", 1), ("web", 1)]
    assert con.execute("show tables").fetchall() == []  # no temporary table left behind


def test_load_raw_adds_a_file_once(tmp_path):
    con = _con()
    path = tmp_path / "council_web.csv"
    path.write_text("month,page_views,users\n2025-06,1,1\n2025-07,2,2\n")
    read = read_return(_source(path, "web"), "web")
    assert load_raw(con, read, datetime(2025, 11, 1)) == (2, 1)
    assert load_raw(con, read, datetime(2025, 11, 2)) == (2, 0)
    assert con.execute("select month, page_views, source_org, _source_file, _source_row, "
                       "_loaded_at from raw.web order by _source_row").fetchall() == [
        ("2025-06", "1", "council", "council_web.csv", 2, datetime(2025, 11, 1)),
        ("2025-07", "2", "council", "council_web.csv", 3, datetime(2025, 11, 1))]


def test_a_raw_table_from_before_a_column_was_added_gets_the_column(tmp_path):
    con = _con()
    con.execute("create table raw.web (month varchar, page_views varchar, users varchar, "
                "source_org varchar, _source_file varchar, _source_sha256 varchar, "
                "_source_row integer, _loaded_at timestamp)")
    ensure_tables(con, RETURNS["web"])
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' "
        "and table_name = 'web' order by ordinal_position").fetchall()]
    assert columns == ["month", "page_views", "users", "source_org", "_source_file",
                       "_source_sha256", "_source_row", "_loaded_at", "directory_views",
                       "_read_problems"]


def test_validation_sql_binds_only_the_values_it_uses():
    check = validation_sql(RETURNS["web"], "raw.web", TODAY)
    assert "$today" not in check.sql and "today" not in check.params
    assert check.params["not_recorded"] == ["n/a", "na", "not recorded", "not known",
                                            "unknown", "-", "--", "?"]
    assert check.params["maximum_page_views"] == 10_000_000
    events = validation_sql(RETURNS["events"], "raw.events", TODAY)
    assert events.params["today"] == TODAY
    assert events.params["allowed_event_type"][0] == "carers_week"
    with pytest.raises(dataclasses.FrozenInstanceError):
        events.sql = "select 1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        CROSS_RULES["grant_outcomes"][0].requires = "staging.events"


def test_a_rejected_file_keeps_five_reasons_and_counts_the_rest():
    con = _con()
    error = SourceError([Problem("f.csv", row, "title", None, "is bad", "Fix it.")
                         for row in range(2, 9)])
    record_rejected(con, "events", "f.csv", "abc", error)
    record_rejected(con, "events", "f.csv", "abc", error)  # once per file content
    assert rejected_files(con) == [{
        "return": "events", "file": "f.csv", "sha256": "abc",
        "reason": "row 2, column 'title': is bad. Fix it.; row 3, column 'title': is bad. "
                  "Fix it.; row 4, column 'title': is bad. Fix it.; row 5, column 'title': is "
                  "bad. Fix it.; row 6, column 'title': is bad. Fix it.; ... and 2 more"}]
    record_rejected(con, None, "g.csv", "def", "not a return")
    assert [r["reason"] for r in rejected_files(con)] == [
        rejected_files(con)[0]["reason"], "not a return"]
    five = SourceError([Problem("f.csv", 2, None, None, "is bad", "Fix it.")] * 5)
    record_rejected(con, "events", "h.csv", "ghi", five)
    assert rejected_files(con)[-1]["reason"].endswith("row 2: is bad. Fix it.")
    start_run(con)
    assert rejected_files(con) == []


class _Landing:
    def __init__(self, path: Path, sha256: str, kind: str | None, is_return: bool = True):
        self.path, self.sha256, self.kind, self.is_return = path, sha256, kind, is_return


def test_landing_files_duplicates_and_first_sight(tmp_path):
    con = _con()
    files = [_Landing(tmp_path / "a_web.csv", "s1", "web"),
             _Landing(tmp_path / "b_web.csv", "s1", "web"),  # same content as a_web.csv
             _Landing(tmp_path / "c_web.csv", "s2", "web"),
             _Landing(tmp_path / "notes.csv", "s3", None, False),
             _Landing(tmp_path / "d_events.csv", "s4", "events")]
    record_landing(con, files)
    assert con.execute("select source_file, duplicate_of from audit.landing_files "
                       "order by source_file").fetchall() == [
        ("a_web.csv", None), ("b_web.csv", "a_web.csv"), ("c_web.csv", None),
        ("d_events.csv", None), ("notes.csv", None)]
    assert landing_returns(con, "web") == [(str(tmp_path / "a_web.csv"), "a_web.csv", "s1"),
                                           (str(tmp_path / "c_web.csv"), "c_web.csv", "s2")]
    first = current_files(con, "web", datetime(2025, 1, 1))
    assert first == [{"file": "a_web.csv", "sha256": "s1", "first_seen": datetime(2025, 1, 1)},
                     {"file": "c_web.csv", "sha256": "s2", "first_seen": datetime(2025, 1, 1)}]
    # Seen again later with a new file: the first sights stay, the new one is dated now.
    record_landing(con, [*files, _Landing(tmp_path / "e_web.csv", "s5", "web")])
    assert [f["first_seen"] for f in current_files(con, "web", datetime(2025, 2, 1))] == [
        datetime(2025, 1, 1), datetime(2025, 1, 1), datetime(2025, 2, 1)]
    record_landing(con, [])
    assert db.scalar(con, "select count(*) from audit.landing_files") == 0


def test_the_format_a_file_was_read_in_is_recorded(tmp_path):
    con = _con()
    path = tmp_path / "council_web.csv"
    path.write_text("month;page_views;users\n2025-06;1;1\n")
    record_format(con, read_return(_source(path, "web"), "web"))
    assert con.execute("select * from audit.file_formats").fetchall() == [
        ("web", "council_web.csv", sha256_of(path), "UTF-8, semicolon delimited")]


@pytest.mark.parametrize(("cell", "loaded"), [("yes", True), ("Y", True), ("true", True),
                                              ("1", True), ("NO", False), ("n", False),
                                              ("False", False), ("0", False)])
def test_yes_and_no_as_people_write_them(tmp_path, cell, loaded):
    con = _con()
    text = EVENTS_HEADER + f"E1,2025-06-09,other,T,CC,Central,Park,{cell},1,,\n"
    _stage(con, "events", [(tmp_path / "cc_events.csv", text, datetime(2025, 11, 1))])
    assert db.scalar(con, "select coproduced from staging.events") is loaded


def test_a_large_csv_scanned_by_duckdb_gives_the_rows_and_numbers_the_partner_sees(
        tmp_path, monkeypatch):
    monkeypatch.setattr(read_module, "LARGE_CSV_BYTES", 0)
    path = tmp_path / "cc_membership.csv"
    # Twelve columns, so DuckDB's own names run column00 ... column11.
    extra = ",".join(f"x{i}" for i in range(8))
    path.write_text(f"Membership\nSource Org,Members,As At,group,{extra}\n"
                    f"ccw, 12 ,2025-06-01,network{',' * 8}\n"
                    f",x,2025-06-01,other{',' * 8}\n"
                    f" , ,,{',' * 8}\n"
                    f"Total,13,,{',' * 8}\n"
                    f",1,2025-06-02,carer_reference_group{',' * 8}\n")
    read = read_return(_source(path, "membership"), "membership")
    assert read.scan is not None
    con = _con()
    assert load_raw(con, read, datetime(2025, 11, 1)) == (3, 1)
    assert con.execute("select source_org, \"group\", as_at, members, _source_row, "
                       "_read_problems from raw.membership order by _source_row").fetchall() == [
        ("ccw", "network", "2025-06-01", "12", 3, None),
        ("cc", "other", "2025-06-01", "x", 4, None),
        ("cc", "carer_reference_group", "2025-06-02", "1", 7, None)]
    problems, counts = check_return(read_return(_source(path, "membership"), "membership"),
                                    TODAY)
    assert _quarantined(problems) == [(4, "members", "x", "is not a whole number")]
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (3, 2, 1)


def test_a_large_csv_duckdb_cannot_read_is_refused_and_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(read_module, "LARGE_CSV_BYTES", 0)
    path = tmp_path / "cc_membership.csv"
    path.write_text(MEMBERSHIP_HEADER + 'network,2025-06-01,12\nother,"2025-06-01,1\n')
    read = read_return(_source(path, "membership"), "membership")
    con = _con()
    with pytest.raises(SourceError) as caught:
        load_raw(con, read, datetime(2025, 11, 1))
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), None, None)
    assert problem.rule.startswith("the file could not be read as CSV (")
    assert problem.fix == ("Open it in Excel and save it again as 'CSV UTF-8 (comma "
                           "delimited)', then refresh.")
    assert db.scalar(con, "select count(*) from raw.membership") == 0
    assert path.exists()


def test_a_workbooks_further_sheets_are_named_in_the_problems(tmp_path):
    path = tmp_path / "cc_membership.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, members in (("A", "1"), ("B", "x")):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["group", "as_at", "members"])
        sheet.write_row(1, 0, ["network", "2025-06-01", members])
    book.close()
    problems, _ = check_return(read_return(_source(path, "membership"), "membership"), TODAY)
    assert [(p.file, p.row, p.column) for p in problems] == [
        (str(path) + " [B]", 2, "members")]


@pytest.mark.parametrize("kind", ["colour", "percent", "zebra"])  # either side of the types
def test_a_column_type_the_rules_do_not_know_is_refused(kind):
    spec = Return("x", "X", (Column("a", kind, True),), "a")
    with pytest.raises(ValueError, match=f"unknown column type '{kind}'"):
        validation_sql(spec, "raw.x", TODAY)


def _fresh(text: str) -> str:
    """The same text as a new string object, as a contract read from a file would hold."""
    return "".join(list(text))


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("events", EVENTS_HEADER + "E1,2025-13-01,party,T,CC,C,P,maybe,x,,\n"
                               "E2,2025-06-09,other,T,CC,C,P,yes,1,,\n",
     [(2, "carers_attending", "is not a whole number"), (2, "coproduced", "must be yes or no"),
      (2, "event_date", DATE_RULE), (2, "event_type", "must be one of: carers_week, "
       "carers_rights_day, network_meeting, strategic_group_meeting, peer_support, "
       "coproduction_session, health_wellbeing_session, information_session, other")]),
    ("web", "month,page_views,users\nJune 2025,1,1\n2025-07,1,1\n",
     [(2, "month", "must be a month written 2025-06")]),
    ("grant_awards", "grant_id,programme,applicant,applicant_type,application_date,decision,"
                     "amount_awarded_gbp\nG1,p,Jane Smith,individual,2025-05-01,awarded,"
                     "\"1.250,50\"\nG2,p,CG-0042,individual,2025-05-01,awarded,250\n",
     [(2, "amount_awarded_gbp", "uses a decimal comma (or full stops between thousands); "
                                "returns use a decimal point"),
      (2, "applicant", "a grant to an individual names the applicant by a pseudonymous "
                       "reference, and this is not one (a name, e-mail address or phone "
                       "number is refused)")]),
    ("carer_assessments", "case_ref,request_date,outcome,needs_identified\n"
                          "Jane,2025-05-01,pending,2.5\nCA-1,2025-05-01,pending,2\n",
     [(2, "case_ref", "has no digits, as a name does: a pseudonymous reference is a code such "
                      "as YC-0123"),
      (2, "needs_identified", "is not a whole number (it has a fraction)")]),
])
def test_a_contract_whose_names_and_types_are_new_strings_checks_the_same(tmp_path, kind, text,
                                                                         expected):
    path = tmp_path / f"cc_{kind}.csv"
    path.write_text(text)
    read = read_return(_source(path, kind), kind)
    spec = RETURNS[kind]
    read.spec = dataclasses.replace(spec, columns=tuple(
        dataclasses.replace(c, name=_fresh(c.name), type=_fresh(c.type)) for c in spec.columns))
    problems, counts = check_return(read, TODAY)
    assert [(p.row, p.column, p.rule) for p in problems] == expected
    assert (counts.rows_in, counts.rows_loaded) == (2, 1)


def test_the_utf8_copy_of_a_large_csv_is_removed_even_when_its_rows_are_already_loaded(
        tmp_path, monkeypatch):
    # Every refresh reads each landing file again; a Windows-1252 file's UTF-8 copy must not
    # pile up in the temporary folder once its content is in raw history.
    monkeypatch.setattr(read_module, "LARGE_CSV_BYTES", 0)
    copies = tmp_path / "copies"
    copies.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(copies))
    path = tmp_path / "cc_membership.csv"
    path.write_bytes(("Caf\u00e9\n" + MEMBERSHIP_HEADER + "network,2025-06-01,12\n"
                      ).encode("cp1252"))
    con = _con()
    for refresh, expected in ((1, (1, 1)), (2, (1, 0))):
        read = read_return(_source(path, "membership"), "membership")
        assert read.scan.temporary and read.scan.path.parent == copies, refresh
        assert load_raw(con, read, datetime(2025, 11, refresh)) == expected
        assert list(copies.iterdir()) == [], refresh


def test_the_first_line_of_an_error_names_it():
    assert _first_line(ValueError("  Invalid Input Error: bad quote\nLINE 1: x\n")) == (
        "Invalid Input Error: bad quote")
    assert _first_line(ValueError("x" * 400)) == "x" * 300
    assert _first_line(ValueError(" \n ")) == "ValueError"


def test_six_problems_show_five_and_one_more():
    con = _con()
    error = SourceError([Problem("f.csv", row, None, None, "is bad", "Fix it.")
                         for row in range(2, 8)])
    record_rejected(con, "events", "f.csv", "abc", error)
    assert rejected_files(con)[0]["reason"].endswith("row 6: is bad. Fix it.; ... and 1 more")
