"""Reach, grants and carers' assessments returns: malformed files, the cross-return rule
(grant outcomes need an awarded grant) and waiting times on a hand-worked fixture."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from sources.files import SourceFile, sha256_of
from sources.returns.read import read_return
from warehouse import db
from warehouse.db import read_sql
from warehouse.indicators import indicator_records, sources_from_refs
from warehouse.returns import build_staging, check_return, load_raw

TODAY = dt.date(2026, 11, 23)

# kind -> (header, rows, {(csv data row number, column) expected in quarantine})
# Data rows are numbered as in the file: the header is row 1, so the first data row is row 2.
MALFORMED = {
    "newsletter": (
        "edition,issue_date,subscribers,delivered,unique_opens",
        ["1,2024-04-15,58,57,30", "2,2024-06-14,many,70,35", "3,2099-01-01,80,79,40",
         "1,2024-08-16,90,89,45", "4,2024-10-15,101,100,"],
        {(3, "subscribers"), (4, "issue_date"), (5, "edition")}),
    "web": (
        "month,page_views,users",
        ["2024-04,820,340", "2024-13,845,350", "2024-06,-5,355", "2024-07,870,"],
        {(3, "month"), (4, "page_views"), (5, "users")}),
    "information_requests": (
        "month,channel,pack_requests",
        ["2024-04,web,9", "2024-04,carrier pigeon,2", "2024-05,phone,2.5", "2024-04,web,3"],
        {(3, "channel"), (4, "pack_requests"), (5, "channel")}),
    "grant_awards": (
        "grant_id,programme,applicant,applicant_type,application_date,decision,"
        "amount_requested_gbp,amount_awarded_gbp",
        ["G1,small_grants_2022,Org A,organisation,2022-10-03,awarded,2000,2000",
         "G2,small_grants_2022,Org B,organisation,2022-10-04,awarded,2000,",
         "G3,small_grants_2022,Org C,charity,2022-10-05,declined,2000,",
         "G4,small_grants_2022,Org D,organisation,2022-10-06,declined,lots,"],
        {(3, "amount_awarded_gbp"), (4, "applicant_type"), (5, "amount_requested_gbp")}),
    "grant_outcomes": (
        "grant_id,return_date,beneficiaries,respondents,improved_physical",
        ["G1,2023-09-29,40,10,6", "G1,2023-10-31,40,10,12", "G1,2023-11-30,,10,5",
         ",2023-12-29,3,1,1"],
        {(3, "improved_physical"), (4, "beneficiaries"), (5, "grant_id")}),
    "carer_assessments": (
        "case_ref,request_date,completed_date,outcome,needs_identified,needs_met",
        ["C1,2024-05-01,2024-05-20,support_plan,3,2", "C2,2024-05-01,2024-04-20,support_plan,3,2",
         "C3,2024-05-02,2024-05-22,support_plan,2,3", "C4,2024-05-03,,maybe,,"],
        {(3, "completed_date"), (4, "needs_met"), (5, "outcome")}),
}


def _read(path: Path, kind: str):
    return read_return(SourceFile(path, kind, "landing", sha256_of(path)), kind)


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_return_loads_good_rows_and_quarantines_each_bad_one(tmp_path, kind):
    header, rows, expected = MALFORMED[kind]
    path = tmp_path / f"council_{kind}_2024.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    before = path.read_bytes()
    problems, counts = check_return(_read(path, kind), TODAY)
    assert counts.rows_in == len(rows)
    assert counts.rows_quarantined == len(expected)
    assert counts.rows_loaded == len(rows) - len(expected)
    assert {(p.row, p.column) for p in problems} == expected
    for p in problems:
        assert p.file == str(path) and p.rule and p.fix
        # the value as sent is shown (None only where the cell was blank)
        sent = rows[p.row - 2].split(",")[header.split(",").index(p.column)]
        assert p.value == (sent or None)
    assert path.read_bytes() == before  # input files are never modified


def _stage(con, tmp_path: Path, kind: str, text: str) -> object:
    path = tmp_path / f"council_{kind}.csv"
    path.write_text(text)
    read = _read(path, kind)
    load_raw(con, read, datetime(2026, 1, 1))
    return build_staging(con, read.spec, [{"file": read.source.name,
                                           "sha256": read.source.sha256,
                                           "first_seen": datetime(2026, 1, 1)}], TODAY)


OUTCOMES = ("grant_id,return_date,beneficiaries,respondents\n"
            "G1,2023-09-29,40,10\nG2,2023-09-29,12,4\nG9,2023-09-29,7,2\n")


def test_outcomes_for_a_grant_never_awarded_are_quarantined(tmp_path):
    con = duckdb.connect()
    db.ensure_schemas(con)
    _stage(con, tmp_path, "grant_awards",
           "grant_id,programme,applicant,applicant_type,application_date,decision,"
           "amount_awarded_gbp\n"
           "G1,small_grants_2022,Org A,organisation,2022-10-03,awarded,2000\n"
           "G2,small_grants_2022,Org B,organisation,2022-10-04,declined,\n")
    counts = _stage(con, tmp_path, "grant_outcomes", OUTCOMES)
    assert counts.skipped_rules == []
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (3, 1, 2)
    assert con.execute("select grant_id from staging.grant_outcomes").fetchall() == [("G1",)]
    quarantined = con.execute(
        "select source_row, column_name, value, rule from audit.quarantine "
        "where return_kind = 'grant_outcomes' order by source_row").fetchall()
    assert [(r[0], r[1], r[2]) for r in quarantined] == [(3, "grant_id", "G2"),
                                                         (4, "grant_id", "G9")]
    assert all("no awarded grant" in r[3] for r in quarantined)


def test_cross_return_rule_is_recorded_as_skipped_without_the_awards(tmp_path):
    path = tmp_path / "council_grant_outcomes.csv"
    path.write_text(OUTCOMES)
    problems, counts = check_return(_read(path, "grant_outcomes"), TODAY)
    assert problems == [] and counts.rows_loaded == 3
    assert len(counts.skipped_rules) == 1
    assert "grant_was_awarded" in counts.skipped_rules[0]
    assert "staging.grant_awards" in counts.skipped_rules[0]


def test_waiting_times_on_a_hand_worked_fixture_count_those_still_waiting(tmp_path):
    # FY2024 (1 April 2024 - 31 March 2025). Waits in days at the period end, 31 March 2025:
    #   A: 2024-04-01 -> 2024-04-11 = 10      B: 2024-05-01 -> 2024-05-21 = 20
    #   C: 2024-06-01 -> 2024-07-01 = 30      D: 2024-07-01 -> 2024-08-10 = 40
    #   E: 2025-01-30, never completed: still waiting, 31 March 2025 - 30 Jan = 60
    #   F: 2024-12-31, completed 2025-05-01 (after the period end): waiting at 31 March = 90
    # A later row (FY2025, completed 2025-06-30) makes the data run past 31 March 2025.
    # Sorted 10, 20, 30, 40, 60, 90: median (30 + 40) / 2 = 35;
    # 90th percentile by linear interpolation: position 0.9 * 5 = 4.5 -> 60 + 0.5 * 30 = 75.
    # Leaving the waiting carers out would give median 25 and p90 37: the rule matters.
    con = duckdb.connect()
    db.ensure_schemas(con)
    _stage(con, tmp_path, "carer_assessments",
           "case_ref,request_date,completed_date,outcome\n"
           "A1,2024-04-01,2024-04-11,support_plan\nB1,2024-05-01,2024-05-21,direct_payment\n"
           "C1,2024-06-01,2024-07-01,information_advice\nD1,2024-07-01,2024-08-10,support_plan\n"
           "E1,2025-01-30,,pending\nF1,2024-12-31,2025-05-01,support_plan\n"
           "G1,2025-06-01,2025-06-30,support_plan\n")
    rows = {(r["indicator_id"], r["period_id"], r["breakdown"]): r
            for r in indicator_records(con, read_sql("indicators/assessments"))}
    assert rows[("carer_assessment_wait_days_median", "FY2024", "all")]["value"] == 35
    assert rows[("carer_assessment_wait_days_median", "FY2024", "all")]["denominator"] == 6
    assert rows[("carer_assessment_wait_days_p90", "FY2024", "all")]["value"] == 75
    assert rows[("carer_assessments_waiting_at_period_end", "FY2024", "all")]["numerator"] == 2
    assert rows[("carer_assessments_requested", "FY2024", "all")]["numerator"] == 6
    # Completed in FY2024: A-D; F and G complete in FY2025.
    assert rows[("carer_assessments_completed", "FY2024", "all")]["numerator"] == 4
    assert rows[("carer_assessments_completed", "FY2025", "all")]["numerator"] == 2
    # The year not yet over (FY2025) is measured at the latest date in the data, 30 June 2025.
    assert rows[("carer_assessment_wait_days_median", "FY2025", "all")]["value"] == 29
    median = rows[("carer_assessment_wait_days_median", "FY2024", "all")]
    assert [s["rows"] for s in median["sources"]] == ["2-7"]


def test_refs_are_regrouped_into_one_source_per_file_with_sorted_distinct_rows():
    refs = [{"f": "b.csv", "s": "2", "r": 9}, {"f": "a.csv", "s": "1", "r": 7},
            {"f": "a.csv", "s": "1", "r": 3}, {"f": "a.csv", "s": "1", "r": 7}]
    assert sources_from_refs(refs) == [
        {"file": "a.csv", "sha256": "1", "rows": [3, 7]},
        {"file": "b.csv", "sha256": "2", "rows": [9]},
    ]


NAMED_IDS = [
    "newsletter_editions", "newsletter_subscribers", "newsletter_subscriber_growth",
    "newsletter_open_rate", "newsletter_click_rate", "web_page_views_monthly_mean",
    "web_users_monthly_mean", "information_pack_requests", "small_grants_applications",
    "small_grants_awards", "small_grants_organisations_funded", "small_grants_beneficiaries",
    "small_grants_amount_awarded_gbp", "covid_grant_applications", "covid_grant_ineligible",
    "covid_grant_amount_awarded_gbp", "grant_outcome_improved_wellbeing_pct",
    "grant_case_studies", "carer_assessments_requested", "carer_assessments_completed",
    "carer_assessment_wait_days_median", "carer_assessment_wait_days_p90",
    "carer_assessment_outcomes", "carer_needs_met_at_review_pct",
]


def test_catalogue_files_define_every_named_indicator_explicitly():
    import yaml

    folder = Path(__file__).parents[2] / "warehouse" / "catalogue.d"
    entries = {}
    for name in ("reach", "grants", "assessments"):
        for ind in yaml.safe_load((folder / f"{name}.yaml").read_text())["indicators"]:
            entries[ind["id"]] = ind
    assert set(NAMED_IDS) <= set(entries)
    for ind in entries.values():
        assert "denominator" in ind and "series_breaks" in ind, ind["id"]
        assert ind["caveats"] and ind["commitments"], ind["id"]
        assert isinstance(ind["measures"], list), ind["id"]
