"""Requests as people make them (issue 23): periods as people write them, misspelt areas,
area groups, indicators by words, breakdowns, whole counts, [z], rows tied to their sources
and notes, and errors that say what is held. On a small edition built by the publisher."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from pipelines.cli import main
from reporting import requests as rq
from tests.builders import requests_edition as ed


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return ed.build(tmp_path_factory.mktemp("requests") / "publish")


def ask(published, indicators, **kw):
    return rq.answer(published, rq.Request(indicators, **kw))


def cli(published, capsys, *args):
    code = main(["request", "--publish", str(published), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- periods ---------------------------------------------------------------------------

@pytest.mark.parametrize("period", ["2024/25", "2024-25", "FY2024", "fy2024", "202425",
                                    "2024/2025", "FY2024/25", "2024"])
def test_financial_year_however_written(published, period):
    result = ask(published, ["assessments_completed"], periods=[period])
    assert result.figures.period.tolist() == ["2024/25"]
    assert result.figures.value.tolist() == [63]
    assert any("financial year 2024/25 (April 2024 to March 2025)" in r
               for r in result.readings), result.readings


def test_plain_year_is_stated_per_indicator(published, capsys):
    """`--period 2024` is the financial year starting April 2024, the academic year of the
    January 2024 census and the calendar year 2024, and the answer says so."""
    code, out, err = cli(published, capsys, "-i", "assessments_completed",
                         "-i", "young_carers_identified", "-i", "young_carers_referrals",
                         "--period", "2024", "--breakdown", "all")
    assert code == 0, err
    assert ("Period '2024' read as: academic year 2023/24 (September 2023 to August 2024; "
            "school census January 2024); calendar year 2024; financial year 2024/25 (April "
            "2024 to March 2025).") in out
    assert "| Rotherham | 2023/24 | all | 40 |" in out  # the January 2024 census
    assert "| Rotherham | 2024/25 | all | 63 |" in out
    assert "| Rotherham | 2024 | all | 46 |" in out


def test_latest_and_ranges(published):
    latest = ask(published, ["young_carers_referrals", "assessments_completed"],
                 periods=["latest"], breakdowns=["all"])
    assert set(zip(latest.figures.indicator_id, latest.figures.period, strict=True)) == {
        ("young_carers_referrals", "2024"), ("assessments_completed", "2024/25")}
    span = ask(published, ["assessments_completed"], periods=["2023/24..2024/25"])
    assert span.figures.value.tolist() == [55, 63]
    words = ask(published, ["census_unpaid_care_pct"], periods=["2011 to 2021"])
    assert sorted(words.figures.period) == ["2011", "2021"]
    years = ask(published, ["young_carers_referrals"], periods=["2023-2024"],
                breakdowns=["all"])
    assert years.figures.value.tolist() == [38, 46]
    since = ask(published, ["young_carers_identified"], since=2024, areas=["Rotherham"])
    assert since.figures.period.tolist() == ["2023/24", "2024/25"]  # census January 2024 on


def test_unknown_period_lists_the_periods_held(published, capsys):
    code, _, err = cli(published, capsys, "-i", "census_unpaid_care_pct", "--period", "2099")
    assert code == 2
    assert "No published figures for period '2099' (read as Census 2099)" in err
    assert "census_unpaid_care_pct: census days 2011, 2021" in err


def test_a_span_that_is_not_a_year_is_refused_with_the_fix(published):
    with pytest.raises(rq.RequestError, match=r"second year must follow the first \(2024/25\)"):
        ask(published, ["assessments_completed"], periods=["2024/26"])


# --- comparators -----------------------------------------------------------------------

def test_compare_both_as_help_says(published, capsys):
    code, out, err = cli(published, capsys, "-i", "census_unpaid_care_pct", "--period", "2021",
                         "--compare", "both", "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), comment="#")
    assert {"england_value", "region_value"} <= set(table.columns)
    code, out, _ = cli(published, capsys, "-i", "census_unpaid_care_pct", "--compare", "none",
                       "--format", "csv")
    assert code == 0 and "england_value" not in out.splitlines()[0]


# --- areas -----------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [("Rotheram", "Rotherham"),
                                              ("Sheffeld", "Sheffield"),
                                              ("doncastr", "Doncaster")])
def test_misspelt_area_gets_near_names(published, typed, meant):
    with pytest.raises(rq.RequestError) as err:
        ask(published, ["census_unpaid_care_pct"], areas=[typed])
    assert f"Area {typed!r} is not in this edition. Did you mean: {meant}" in str(err.value)


def test_area_names_ignore_case_and_the(published):
    result = ask(published, ["census_unpaid_care_pct"], areas=["yorkshire & the humber"],
                 periods=["2021"])
    assert result.figures.area.tolist() == ["Yorkshire and The Humber"]


def test_area_without_figures_for_the_indicator_says_where_it_is_held(published, capsys):
    code, _, err = cli(published, capsys, "-i", "assessments_completed", "-a", "Sheffield")
    assert code == 2
    assert "Sheffield (E08000019) has no figures for assessments_completed" in err
    assert "1 area(s): Rotherham" in err
    assert "period" not in err.split("Held:")[0]  # it does not blame the periods


@pytest.mark.parametrize(("group", "areas"), [
    ("south-yorkshire", ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]),
    ("region", ["Barnsley", "Doncaster", "Rotherham", "Sheffield", "Leeds"]),
    ("all-districts", ["Manchester", "Barnsley", "Doncaster", "Rotherham", "Sheffield",
                       "Leeds"]),
])
def test_area_groups(published, group, areas):
    result = ask(published, ["census_unpaid_care_pct"], area_groups=[group], periods=["2021"])
    assert result.figures.area.tolist() == areas


def test_group_with_named_comparators(published, capsys):
    code, out, err = cli(published, capsys, "-i", "census_unpaid_care_pct", "--area-group",
                         "south-yorkshire", "-a", "England", "--period", "2021",
                         "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), comment="#")
    assert table.area.tolist() == ["England", "Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    rotherham = table[table.area == "Rotherham"].iloc[0]
    assert (rotherham.numerator, rotherham.denominator) == (26313, 251162)


# --- indicators ------------------------------------------------------------------------

def test_referred_by_schools_finds_the_referrals(published):
    result = ask(published, ["referred by schools"])
    assert list(dict.fromkeys(result.figures.indicator_id)) == [
        "young_carers_referrals_from_schools_pct", "young_carers_referrals"]
    assert any("--breakdown school" in r for r in result.readings)


def test_breakdown_filter(published):
    result = ask(published, ["young_carers_referrals"], breakdowns=["schools"])
    assert result.figures[["period", "breakdown", "value"]].values.tolist() == [
        ["2023", "school", 13], ["2024", "school", 21]]
    both = ask(published, ["schools"], breakdowns=["school", "all"], periods=["2023"])
    assert both.figures[["indicator_id", "breakdown", "value", "numerator",
                         "denominator"]].values.tolist() == [
        ["young_carers_referrals_from_schools_pct", "all", 34.21, 13, 38],
        ["young_carers_referrals", "all", 38, 38, "[z]"],
        ["young_carers_referrals", "school", 13, 13, "[z]"]]


def test_unknown_breakdown_lists_those_held(published):
    with pytest.raises(rq.RequestError) as err:
        ask(published, ["young_carers_referrals"], breakdowns=["hospital"])
    assert "No breakdown 'hospital'" in str(err.value)
    assert "breakdowns all, parent, school" in str(err.value)


def test_ambiguous_words_get_a_ranked_shortlist(published, monkeypatch):
    monkeypatch.setattr(rq, "MOST_MATCHES", 3)  # this edition has only 7 indicators
    with pytest.raises(rq.RequestError) as err:
        ask(published, ["carers"])
    assert str(err.value).splitlines() == [
        "'carers' matches 5 indicators; name one, by id or more words. Best matches first:",
        "  1. assessments_completed: Carers' assessments completed",
        "  2. young_carers_identified: Pupils recorded as young carers",
        "  3. assessment_wait_days_median: Carers' assessment waiting time, median",
        "  4. young_carers_referrals: Referrals to the young carers' service, by source",
        "  5. young_carers_referrals_from_schools_pct: Referrals to the young carers' service "
        "from schools"]  # not "unpaid care": `carers` does not find `care`


def test_unknown_indicator_is_a_list_not_a_block(published, capsys):
    code, _, err = cli(published, capsys, "-i", "xyzzy")
    assert code == 2
    lines = err.splitlines()
    assert "  small_grants_awards: Small grants: awards" in lines
    assert sum(line.startswith("  ") for line in lines) == len(ed.INDICATORS)
    code, _, err = cli(published, capsys, "-i", "young carers referred by hospitals")
    assert code == 2 and "Closest, best first:\n  1. young_carers_referrals" in err


def test_misspelt_indicator_words(published):
    result = ask(published, ["asessments completed"])
    assert set(result.figures.indicator_id) == {"assessments_completed"}


# --- what comes back -------------------------------------------------------------------

def test_counts_whole_median_numerator_not_applicable(published, capsys):
    code, out, err = cli(published, capsys, "-i", "assessments completed", "-i", "wait",
                         "--period", "2024/25", "--format", "csv", "--compare", "none")
    assert code == 0, err
    assert out.splitlines()[1].startswith(
        "assessments_completed,Carers' assessments completed,E08000018,Rotherham,2024/25,"
        "financial year,all,63,assessments,[z],[z],[z],[z],63,[z],,")
    table = pd.read_csv(io.StringIO(out), comment="#", dtype=str)
    median = table[table.indicator_id == "assessment_wait_days_median"].iloc[0]
    assert (median.value, median.numerator, median.denominator) == ("15.5", "[z]", "60")
    assert "# [z] not applicable" in out


def test_markdown_ties_sources_and_notes_to_rows_and_keys_every_symbol(published, capsys):
    code, out, err = cli(published, capsys, "-i", "census_unpaid_care_pct", "-a", "Rotherham",
                         "-a", "England")
    assert code == 0, err
    assert ("| Rotherham | 2011 | all | 12.05 | % | 11.05 | 13.05 | [x] | [x] | 31001 | 257280 "
            "| 9 | higher | 10 | similar | [b] | S1 N1 |") in out
    assert ("| England | 2021 | all | 8.76 | % | 7.76 | 9.76 | [x] | [x] | 4678260 | 53413087 "
            "| [z] | [z] | [z] | [z] |  | S1 |") in out
    assert "- S1 (Source): census_unpaid_care_pct.csv (sha256 0123456789ab) rows 2-9" in out
    assert f"- N1 (Note): {ed.CENSUS_2011_NOTE}" in out
    symbols = out.split("## Symbols", 1)[1]
    assert "`[b]` break in series" in symbols and "`[z]` not applicable" in symbols
    assert "`[c]`" not in symbols  # only the symbols the answer shows


def test_suppressed_symbol_keyed(published):
    # No count of 1-4 in this edition: [c] is not in the key. (test_requests.py covers [c].)
    result = ask(published, ["young_carers_referrals"])
    assert "[c]" not in result.symbols and "[z]" in result.symbols


def test_out_into_missing_folder_is_a_message_not_a_traceback(published, capsys, tmp_path):
    code, _, err = cli(published, capsys, "-i", "assessments_completed", "--format", "csv",
                       "--out", str(tmp_path / "nowhere" / "answer.csv"))
    assert code == 2
    assert "the folder" in err and "does not exist" in err and "Traceback" not in err


def test_list_says_what_is_held_for_each_indicator(published, capsys):
    code, out, _ = cli(published, capsys, "--list")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("young_carers_identified  Pupils recorded as young carers")
    assert lines[at + 1] == ("    academic years 2023/24, 2024/25; 2 area(s): Rotherham, England; "
                             "breakdowns all")
    assert "    census days 2011, 2021; 8 area(s): Rotherham, Manchester, Barnsley, Doncaster, " \
           "Sheffield, Leeds, Yorkshire and The Humber, England; breakdowns all" in lines


def test_a_named_area_without_the_latest_period_is_said(published):
    result = ask(published, ["young_carers_identified"], areas=["Rotherham", "England"],
                 periods=["latest"])
    assert result.figures.area.tolist() == ["Rotherham"]
    assert ("England: no figures for young_carers_identified in the periods asked (its "
            "latest: 2023/24).") in result.readings
