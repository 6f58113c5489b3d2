"""The DfE young-carers reader (Explore Education Statistics format), the shipped file of
published figures, and the school-census indicators computed from a many-authority file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sources import dfe
from sources.errors import SourceError
from sources.files import PUBLIC_DIR, SourceFile, sha256_of
from sources.registry import inventory, kind_of, national_files
from tests.builders.dfe import (
    ENGLAND,
    HEADER,
    ROTHERHAM,
    YORKS,
    dfe_row,
    dfe_warehouse,
    many_authorities,
    young_carer_values,
)

SHIPPED = PUBLIC_DIR / "dfe" / "dfe_young_carers_published_figures.csv"


def _source(path: Path) -> SourceFile:
    return SourceFile(path, "dfe_young_carers", "landing", sha256_of(path))


def test_shipped_file_holds_only_the_published_figures_each_with_its_publication():
    frame = dfe.read_young_carers(_source(SHIPPED))
    got = {(r.area_code, r.time_period): (r.number_of_pupils, r.denominator, r.percent_of_pupils)
           for r in frame.itertuples()}
    nan = got[(ENGLAND, "202223")][1]
    assert set(got) == {(ENGLAND, "202223"), (ENGLAND, "202324"), (ROTHERHAM, "202223"),
                        (ROTHERHAM, "202425")}
    assert got[(ENGLAND, "202223")][0] == 38_983 and got[(ENGLAND, "202223")][2] == 0.5
    assert got[(ENGLAND, "202324")][0] == 53_976 and got[(ENGLAND, "202324")][2] == 0.6
    assert got[(ROTHERHAM, "202223")][:2] == (20, 45_627)
    assert got[(ROTHERHAM, "202425")][0] == 82
    # Unknown values are absent, not guessed: no pupil totals for England or Rotherham 2025.
    assert nan is not None and all(
        str(got[k][1]) == "<NA>" for k in [(ENGLAND, "202223"), (ROTHERHAM, "202425")])
    assert frame.source_publication.str.len().min() > 20
    assert (frame.young_carer_group == "young_carer").all()


def test_a_real_format_file_is_recognised_by_its_header_and_supersedes_the_shipped_one(
        tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    path = landing / "data.csv"  # a DfE download keeps its own, uninformative name
    many_authorities(path)
    assert kind_of(path) == "dfe_young_carers"
    files = national_files("dfe_young_carers", landing)
    assert [f.path for f in files] == [path]
    assert [(f.kind, f.is_return) for f in inventory(landing)] == [("dfe_young_carers", False)]
    # Without it, the shipped published figures are used.
    assert [f.path for f in national_files("dfe_young_carers", tmp_path / "empty")] == [SHIPPED]


def test_all_authorities_load_and_rotherham_is_found_by_its_codes(tmp_path):
    path = tmp_path / "young_carers.csv"
    truth = many_authorities(path)
    before = path.read_bytes()
    frame = dfe.read_young_carers(_source(path))
    assert path.read_bytes() == before
    las = frame[frame.area_level == "local_authority"]
    assert las.area_code.nunique() == 151
    rotherham = las[(las.area_code == ROTHERHAM) & (las.young_carer_group == "school")]
    assert len(rotherham) == 1 and rotherham.iloc[0].number_of_pupils == 61
    assert rotherham.iloc[0].old_la_code == "372"
    assert rotherham.iloc[0]._source_row > 2  # not the first row: found by code
    shire = las[las.area_code == "E10000999"].iloc[0]
    assert str(shire.number_of_pupils) == "<NA>" and shire.number_of_pupils_symbol == "c"
    assert truth[ROTHERHAM] == (61, 21, 46_000)


@pytest.mark.parametrize(("column", "value", "rule_words"), [
    ("number_of_pupils", "12a", "must be a number"),
    ("number_of_pupils", "3.5", "whole number"),
    ("time_period", "2023", "academic year"),
    ("young_carer", "Maybe", "young-carer status"),
    ("new_la_code", "372", "ONS code"),
])
def test_a_bad_cell_names_file_row_column_value_and_rule(tmp_path, column, value, rule_words):
    path = tmp_path / "dfe_young_carers.csv"
    rows = [dfe_row("202223", "Local authority", ROTHERHAM, "Rotherham", "Young carer", 20, 45627,
                 la="372", region=YORKS, region_name="Yorkshire and The Humber")] * 1
    rows.append(dfe_row("202223", "Local authority", "E08000019", "Sheffield", "Young carer", 30,
                     80000, la="373", region=YORKS, region_name="Yorkshire and The Humber"))
    rows[1][HEADER.index(column)] = value
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    with pytest.raises(SourceError) as caught:
        dfe.read_young_carers(_source(path))
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == \
        (str(path), 3, column, value)
    assert rule_words in problem.rule and problem.fix


def test_a_file_without_the_ees_columns_is_refused_by_name(tmp_path):
    path = tmp_path / "dfe_young_carers.csv"
    path.write_text("time_period,la_name,young_carers\n202223,Rotherham,20\n")
    with pytest.raises(SourceError) as caught:
        dfe.read_young_carers(_source(path))
    assert "not the DfE young-carers table" in caught.value.problems[0].rule


def test_shipped_figures_give_the_acceptance_table():
    con = dfe_warehouse(SHIPPED)
    values, lineage = young_carer_values(con)
    rate = values.loc[("young_carers_identified_per_1000", ROTHERHAM, "AY2022", "all")]
    assert (rate.numerator, rate.denominator) == (20, 45_627)
    assert round(rate.value, 2) == 0.44
    assert rate.lower_ci < rate.value < rate.upper_ci  # Wilson interval
    assert rate.england_value == 5.0 and rate.england_comparison == "worse"
    # England's rate is ten times a percentage rounded to 0.1%: the comparison says so
    assert "known only to within 0.5 per 1,000 pupils either side of 5" in rate.note
    england = values.loc[("young_carers_identified_per_1000", ENGLAND, "AY2022", "all")]
    assert not england.is_sum_of_districts and england.value == 5.0
    y2025 = values.loc[("young_carers_identified_per_1000", ROTHERHAM, "AY2024", "all")]
    assert y2025.numerator == 82 and y2025.symbol == "[x]"
    assert "45,627 pupils is not held for 2024/25; it is the 2022/23 figure" in y2025.note
    count = values.loc[("young_carers_identified", ROTHERHAM, "AY2024", "all")]
    assert count.value == 82 and count.previous_value == 20 and count.direction == "improving"
    assert "2026-31" in count.note and "circular" in count.note
    rec = con.sql("select claim_id, result from marts.young_carers_reconciliation "
                  "order by claim_id").fetchall()
    # one status vocabulary with the claims reconciliation (issue 20): the 82 is circular,
    # since our only source for it is a row quoting the strategy itself
    assert rec == [("strategy_2026_31_p6_pupils", "held for another period"),
                   ("strategy_2026_31_p6_rate_implied", "no source held"),
                   ("strategy_2026_31_p6_young_carers", "circular")]
    assert set(lineage.source_file) == {SHIPPED.name}


def test_many_authorities_rates_and_published_totals(tmp_path):
    path = tmp_path / "young_carers.csv"
    truth = many_authorities(path)
    con = dfe_warehouse(path)
    values, _ = young_carer_values(con)
    school, parent, pupils = truth[ROTHERHAM]
    rate = values.loc[("young_carers_identified_per_1000", ROTHERHAM, "AY2024", "all")]
    assert (rate.numerator, rate.denominator) == (school + parent, pupils)
    assert rate.value == pytest.approx((school + parent) / pupils * 1000)
    # England is the publisher's own row (60,000 of 8,000,000), not a sum of authorities.
    england = values.loc[("young_carers_identified_per_1000", ENGLAND, "AY2024", "all")]
    assert (england.numerator, england.denominator) == (60_000, 8_000_000)
    assert not england.is_sum_of_districts
    assert rate.england_value == pytest.approx(7.5)
    assert rate.region_value == pytest.approx(6000 / 800_000 * 1000)
    by = values.loc[("young_carers_identified", ROTHERHAM, "AY2024", "identified_by_school")]
    assert by.value == school
    assert values.loc[("young_carers_identified", ROTHERHAM, "AY2024",
                       "identified_by_parent")].value == parent
    # An authority outside dim_area (a county) keeps its own name and region.
    shire = values.loc[("young_carers_identified", "E10000999", "AY2024",
                        "identified_by_school")]
    assert shire.symbol == "[c]" and shire.region_code == YORKS
    assert len({k[1] for k in values.index if k[0] == "young_carers_identified_per_1000"}) \
        == 151 + 2


def test_school_census_suites_pass_on_the_data_and_fail_on_broken_rows(tmp_path):
    from expectations import young_carers as suites
    from expectations.core import run_suite

    path = tmp_path / "young_carers.csv"
    many_authorities(path)
    con = dfe_warehouse(path)
    for engine in ("sql", "gx"):
        for suite in (suites.dfe_young_carers, suites.school_census_totals):
            result = run_suite(con, suite, engine)
            assert result.success and result.rows > 0, (engine, suite.name, result.failures)
    # More young carers than pupils, and a repeated row: both suites must fail.
    con.execute("update marts.young_carers_school_census set pupils = 10 "
                f"where area_code = '{ROTHERHAM}'")
    # A "Total" that counted young carers, not pupils: 1,000 per 1,000.
    con.execute("update marts.young_carers_school_census set pupils = young_carers "
                f"where area_code = '{ENGLAND}'")
    con.execute("insert into staging.dfe_young_carers select * from staging.dfe_young_carers "
                f"where area_code = '{ROTHERHAM}' and young_carer_group = 'school'")
    for engine in ("sql", "gx"):
        totals = run_suite(con, suites.school_census_totals, engine)
        assert {f.column for f in totals.failures} == {"pupils_not_young_carers",
                                                       "per_1000"}, engine
        rows = run_suite(con, suites.dfe_young_carers, engine)
        assert [f.expectation for f in rows.failures] == \
            ["expect_compound_columns_to_be_unique"], engine
        assert not totals.errors and not rows.errors


def test_a_total_with_a_suppressed_part_is_suppressed_not_missing(tmp_path):
    path = tmp_path / "young_carers.csv"
    many_authorities(path)
    values, _ = young_carer_values(dfe_warehouse(path))
    shire = values.loc[("young_carers_identified", "E10000999", "AY2024", "all")]
    assert shire.symbol == "[c]" and shire.value != shire.value  # NaN: no number shown


def test_a_file_without_all_phase_totals_fails_the_blocking_check(tmp_path):
    from expectations import young_carers as suites
    from expectations.core import run_suite

    path = tmp_path / "young_carers.csv"
    row = dfe_row("202425", "Local authority", ROTHERHAM, "Rotherham", "Young carer", 50, 20_000,
               la="372", region=YORKS, region_name="Yorkshire and The Humber")
    row[HEADER.index("phase_type_grouping")] = "State-funded primary"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, row])
    con = dfe_warehouse(path)
    for engine in ("sql", "gx"):
        result = run_suite(con, suites.school_census_totals, engine)
        assert [(f.expectation, f.column) for f in result.failures] == \
            [("expect_column_values_to_be_in_set", "has_all_phases")], engine


def test_the_reconciliation_reports_a_difference_and_never_shows_a_small_count(tmp_path):
    path = tmp_path / "young_carers.csv"
    rows = [dfe_row("202425", "Local authority", ROTHERHAM, "Rotherham", "Young carer", count,
                 pupils, la="372", region=YORKS, region_name="Yorkshire and The Humber")
            for count, pupils in [(3, 46_000)]]
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    con = dfe_warehouse(path)
    got = {r[0]: r[1:] for r in con.execute(
        "select measure, result, held_value, explanation "
        "from marts.young_carers_reconciliation").fetchall()}
    result, held, explanation = got["young_carers"]
    assert result == "differs" and held is None
    assert "gives [c] young carers, not 82" in explanation and " 3 " not in explanation
    assert got["pupils"][:2] == ("differs", 46_000)
    assert "gives 46,000 pupils, not 45,627" in got["pupils"][2]


def test_school_phases_give_rates_by_phase_against_englands_same_phase(tmp_path):
    path = tmp_path / "young_carers.csv"
    rows = []
    for level, code, name, la, phases in (
            ("Local authority", ROTHERHAM, "Rotherham", "372",
             {"Total": (70, 46_000), "State-funded primary": (20, 24_000),
              "State-funded secondary": (50, 22_000)}),
            ("National", ENGLAND, "England", "",
             {"Total": (60_000, 8_000_000), "State-funded primary": (20_000, 4_500_000),
              "State-funded secondary": (40_000, 3_500_000)})):
        for phase, (young_carers, pupils) in phases.items():
            row = dfe_row("202425", level, code, name, "Young carer", young_carers, pupils, la=la,
                       region=YORKS if la else "",
                       region_name="Yorkshire and The Humber" if la else "")
            row[HEADER.index("phase_type_grouping")] = phase
            rows.append(row)
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    values, _ = young_carer_values(dfe_warehouse(path))
    key = ("young_carers_identified_per_1000", ROTHERHAM, "AY2024")
    assert values.loc[(*key, "all")].value == pytest.approx(70 / 46_000 * 1000)
    secondary = values.loc[(*key, "phase: State-funded secondary")]
    assert secondary.value == pytest.approx(50 / 22_000 * 1000)
    assert secondary.england_value == pytest.approx(40_000 / 3_500_000 * 1000)
    assert secondary.lower_ci < secondary.value < secondary.upper_ci
