"""The young carers' service return: row rules and quarantine, distinct young carers counted
from episodes, referrals by source, referral to assessment, the illustrative example and the
blocking suites."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from expectations import young_carers as suites
from expectations.core import run_suite
from sources.files import EXAMPLES_DIR, SourceFile, sha256_of
from sources.periods import dim_period_rows
from sources.returns.read import read_return
from tests.builders.dfe import SHIPPED, dfe_warehouse, young_carer_values
from warehouse import db
from warehouse.db import read_sql
from warehouse.indicators import indicator_records
from warehouse.returns import build_staging, check_return, load_raw

TODAY = dt.date(2026, 11, 23)
KIND = "young_carers_support"
HEADER = ("case_ref,referral_date,referral_source,assessment_date,support_type,support_start,"
          "support_end,age_band")
EXAMPLE = EXAMPLES_DIR / "council_young_carers_support_2023-2025.csv"


def _read(path: Path):
    return read_return(SourceFile(path, KIND, "landing", sha256_of(path)), KIND)


def test_bad_date_unknown_source_duplicate_and_a_name_are_quarantined_good_rows_load(
        tmp_path):
    rows = [
        "YC-1,2025-01-10,school,2025-02-01,one_to_one,2025-02-10,,11-15",     # 2 good
        "YC-2,2025-13-40,school,,none,,,",                                   # 3 bad date
        "YC-3,2025-01-12,carrier pigeon,,none,,,",                           # 4 unknown source
        "YC-1,2025-01-10,school,2025-02-01,one_to_one,2025-02-10,,11-15",     # 5 duplicate
        "Jane Smith,2025-01-14,parent,,information_only,,,5-10",             # 6 a name
        "YC-4,2025-03-01,health,2025-03-20,group,,,16-17",                   # 7 no start
        "YC-5,2025-03-02,self,2025-03-22,group,2025-04-01,2025-06-30,16-17",  # 8 good
    ]
    path = tmp_path / "council_young_carers_support_2025.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    before = path.read_bytes()
    problems, counts = check_return(_read(path), TODAY)
    assert (counts.rows_in, counts.rows_loaded, counts.rows_quarantined) == (7, 2, 5)
    assert counts.rows_in == counts.rows_loaded + counts.rows_quarantined
    got = {(p.row, p.column, p.value) for p in problems}
    assert got == {(3, "referral_date", "2025-13-40"), (4, "referral_source", "carrier pigeon"),
                   (5, "support_start", "2025-02-10"), (6, "case_ref", "Jane Smith"),
                   (7, "support_start", None)}
    for p in problems:
        assert p.file == str(path) and p.rule and p.fix
    duplicate = next(p for p in problems if p.row == 5)
    assert "duplicates row 2" in duplicate.rule
    assert "pseudonymous" in next(p for p in problems if p.row == 6).rule
    assert path.read_bytes() == before


def _stage(con, tmp_path: Path, text: str | None = None, path: Path | None = None):
    if path is None:
        path = tmp_path / "council_young_carers_support.csv"
        path.write_text(text)
    read = _read(path)
    load_raw(con, read, datetime(2026, 1, 1))
    return build_staging(con, read.spec, [{"file": read.source.name,
                                           "sha256": read.source.sha256,
                                           "first_seen": datetime(2026, 1, 1)}], TODAY)


def _service_rows(con) -> dict:
    # The indicator SQL also reads the school-census tables: give it empty ones.
    con.execute("create or replace table marts.young_carers_school_census as select "
                "* from (select null::varchar as period_id, null::varchar as area_code, "
                "null::varchar as phase, "
                "null::varchar as area_name, null::varchar as area_level, "
                "null::varchar as region_code, null::bigint as young_carers, "
                "null::varchar as young_carers_symbol, null::varchar as derivation, "
                "null::bigint as identified_by_school, null::varchar as school_symbol, "
                "false as has_school_row, null::bigint as identified_by_parent, "
                "null::varchar as parent_symbol, false as has_parent_row, "
                "null::bigint as pupils, null::double as published_percent, "
                "null::varchar as source_publication, "
                "[]::struct(f varchar, s varchar, r integer)[] as refs, "
                "[]::struct(f varchar, s varchar, r integer)[] as school_refs, "
                "[]::struct(f varchar, s varchar, r integer)[] as parent_refs) where false")
    db.replace_table(con, "marts.dim_period", pd.DataFrame(dim_period_rows()))
    db.create_table_from_sql(con, "marts.young_carers_reconciliation",
                             "young_carers_reconciliation")
    rows = indicator_records(con, read_sql("indicators/young_carers"))
    return {(r["indicator_id"], r["period_id"], r["breakdown"]): r for r in rows}


def test_one_to_one_counts_distinct_young_carers_from_episodes_not_months(tmp_path):
    # 2025, one-to-one episodes running at any time in the year:
    #   A: two episodes in 2025 (Feb-Apr, Sep-open)   -> 1 young carer, not 2
    #   B: Nov 2024 - Feb 2025                         -> counts in 2024 and 2025
    #   C: started June 2025, still open               -> 2025
    #   D: group support all year                      -> not one-to-one
    #   E: one-to-one ended 31 Dec 2024                -> 2024 only
    # 2025 = A, B, C = 3. Adding up monthly caseloads would give 3+3+2+2+1+1+1+1+2+2+2+2.
    # Referral to assessment in 2025 (A 10, A 20, C 30, D 40 days): median 25.
    con = duckdb.connect()
    db.ensure_schemas(con)
    counts = _stage(con, tmp_path, "\n".join([
        HEADER,
        "YC-A1,2025-01-20,school,2025-01-30,one_to_one,2025-02-01,2025-04-30,11-15",
        "YC-A1,2025-08-01,parent,2025-08-21,one_to_one,2025-09-01,,11-15",
        "YC-B1,2024-10-01,school,2024-10-15,one_to_one,2024-11-01,2025-02-28,5-10",
        "YC-C1,2025-05-01,health,2025-05-31,one_to_one,2025-06-01,,16-17",
        "YC-D1,2025-01-02,school,2025-02-11,group,2025-02-15,2025-12-20,11-15",
        "YC-E1,2024-03-01,social_care,2024-03-20,one_to_one,2024-04-01,2024-12-31,11-15",
    ]) + "\n")
    assert counts.rows_quarantined == 0
    rows = _service_rows(con)
    assert rows[("young_carers_one_to_one", "CY2025", "all")]["numerator"] == 3
    assert rows[("young_carers_one_to_one", "CY2024", "all")]["numerator"] == 2
    assert rows[("young_carers_referrals", "CY2025", "all")]["numerator"] == 4
    assert rows[("young_carers_referrals", "CY2025", "school")]["numerator"] == 2
    share = rows[("young_carers_referrals_from_schools_pct", "CY2025", "all")]
    assert (share["numerator"], share["denominator"]) == (2, 4)
    median = rows[("young_carers_referral_to_assessment_days", "CY2025", "all")]
    assert median["value"] == 25 and median["denominator"] == 4
    # The return runs to 20 December 2025: 2025 is a full year, no part-year note.
    assert rows[("young_carers_one_to_one", "CY2025", "all")]["comparable"] is True
    assert "case_ref" not in rows[("young_carers_one_to_one", "CY2025", "all")]


def test_a_year_the_return_does_not_cover_is_noted_and_not_compared(tmp_path):
    con = duckdb.connect()
    db.ensure_schemas(con)
    _stage(con, tmp_path, "\n".join([
        HEADER, "YC-A1,2025-01-20,school,2025-01-30,one_to_one,2025-02-01,2025-04-30,11-15",
        "YC-B1,2026-02-01,school,,none,,,11-15"]) + "\n")
    row = _service_rows(con)[("young_carers_one_to_one", "CY2026", "all")]
    assert row["comparable"] is False and "Part year" in row["note"]


def test_the_illustrative_example_gives_the_strategy_figure_of_34():
    con = duckdb.connect()
    db.ensure_schemas(con)
    counts = _stage(con, None, path=EXAMPLE)
    assert counts.rows_quarantined == 0 and counts.rows_loaded == counts.rows_in
    read = _read(EXAMPLE)
    assert [(s.row, s.reason) for s in read.skipped] == [(1, "title row above the header")]
    assert "ILLUSTRATIVE EXAMPLE, NOT COUNCIL RECORDS" in EXAMPLE.read_text().splitlines()[0]
    rows = _service_rows(con)
    assert rows[("young_carers_one_to_one", "CY2025", "all")]["numerator"] == 34
    # More one-to-one episodes than young carers: counting episodes would overstate it.
    episodes = con.execute(
        "select count(*) from staging.young_carers_support where support_type = 'one_to_one' "
        "and support_start <= date '2025-12-31' "
        "and coalesce(support_end, date '2025-12-31') >= date '2025-01-01'").fetchone()[0]
    assert episodes > 34
    readme = (EXAMPLES_DIR / "README.md").read_text()
    section = readme.split("## Young carers' service")[1].split("\n## ")[0]
    assert "illustrative" in section.lower() and EXAMPLE.name in section


def test_suites_pass_on_the_example_and_fail_on_a_name_or_backwards_dates():
    con = duckdb.connect()
    db.ensure_schemas(con)
    _stage(con, None, path=EXAMPLE)
    for engine in ("sql", "gx"):
        assert run_suite(con, suites.young_carers_support_consistency, engine).success
    con.execute("update staging.young_carers_support set case_ref = 'Jane Smith', "
                "assessment_date = referral_date - 3 where _source_row = 3")
    for engine in ("sql", "gx"):
        result = run_suite(con, suites.young_carers_support_consistency, engine)
        failed = {f.column for f in result.failures}
        assert failed == {"case_ref", "days_to_assessment"}, engine
        assert not result.errors


def test_a_part_year_gets_no_direction_of_travel_but_full_years_do(tmp_path):

    con = dfe_warehouse(SHIPPED)
    _stage(con, tmp_path, "\n".join([
        HEADER,
        "YC-A1,2024-01-20,school,2024-01-30,one_to_one,2024-02-01,2024-04-30,11-15",
        "YC-B1,2025-01-20,school,2025-01-30,one_to_one,2025-02-01,2025-12-15,11-15",
        "YC-C1,2025-03-20,parent,2025-03-30,one_to_one,2025-04-01,,11-15",
        "YC-D1,2026-02-01,school,,none,,,11-15"]) + "\n")
    values, _ = young_carer_values(con)
    full = values.loc[("young_carers_one_to_one", "E08000018", "CY2025", "all")]
    # Compared, but 1 -> 2 is well inside chance (exact Poisson 95% limits 0.03-5.57 and
    # 0.24-7.22 overlap): direction of travel comes from a significance test (issue 20)
    assert (full.value, full.previous_value, full.change, full.direction) \
        == (2, 1, 1, "no significant change")
    part = values.loc[("young_carers_one_to_one", "E08000018", "CY2026", "all")]
    assert part.value == 1 and part.previous_value == 2  # C's open episode
    assert pd.isna(part.change) and pd.isna(part.direction)  # not compared
    assert "Part year" in part.note
