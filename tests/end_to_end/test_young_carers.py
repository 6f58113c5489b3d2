"""`carers refresh` end to end: the shipped young-carer figures reach the published edition
with their provenance and reconciliation, no case reference is published, and a real-format
DfE file dropped in the landing folder replaces the shipped figures."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pipelines.cli import main
from sources.files import EXAMPLES_DIR
from tests.builders.dfe import many_authorities
from tests.builders.env import isolated_env

pytestmark = pytest.mark.slow
ROTHERHAM, ENGLAND = "E08000018", "E92000001"


@pytest.fixture
def edition(shipped_edition):
    """The session's shared refresh on the shipped data (tests/conftest.py)."""
    return shipped_edition["edition"]


def _row(values, ind, area, period, breakdown="all"):
    row = values[(values.indicator_id == ind) & (values.area_code == area)
                 & (values.period_id == period) & (values.breakdown == breakdown)]
    assert len(row) == 1, (ind, area, period, breakdown)
    return row.iloc[0]


def test_published_table_shows_2023_against_england_and_2025_with_its_reconciliation(edition):
    values = pd.read_csv(edition / "indicator_values.csv")
    rate = _row(values, "young_carers_identified_per_1000", ROTHERHAM, "AY2022")
    assert (rate.numerator, rate.denominator, round(rate.value, 2)) == (20, 45_627, 0.44)
    assert rate.period_label == "2022/23" and rate.england_value == 5.0
    england = _row(values, "young_carers_identified_per_1000", ENGLAND, "AY2022")
    assert england.numerator == 38_983 and not england.is_sum_of_districts
    later = _row(values, "young_carers_identified_per_1000", ROTHERHAM, "AY2024")
    assert later.numerator == 82 and later.symbol == "[x]" and pd.isna(later.value)
    assert "dfe_young_carers_published_figures.csv" in later.source
    assert "2026-31" in later.note and "2022/23 figure" in later.note
    assert _row(values, "young_carers_one_to_one", ROTHERHAM, "CY2025").value == 34
    reconciliation = pd.read_csv(edition / "young_carers_reconciliation.csv")
    assert dict(zip(reconciliation.claim_id, reconciliation.result, strict=True)) == {
        "strategy_2026_31_p6_young_carers": "circular",
        "strategy_2026_31_p6_pupils": "held for another period",
        "strategy_2026_31_p6_rate_implied": "no source held"}


def test_every_figure_traces_to_its_rows_and_no_case_reference_is_published(edition):
    values = pd.read_csv(edition / "indicator_values.csv")
    lineage = pd.read_csv(edition / "indicator_lineage.csv")
    ours = values[values.indicator_id.str.startswith("young_carers")]
    assert len(ours) > 20
    keys = ["indicator_id", "area_code", "period_id", "breakdown"]
    traced = set(map(tuple, lineage[keys].values))
    assert set(map(tuple, ours[keys].values)) <= traced
    refs = set(pd.read_csv(EXAMPLES_DIR / "council_young_carers_support_2023-2025.csv",
                           skiprows=1).case_ref)
    assert len(refs) > 100
    for path in edition.iterdir():
        if path.suffix in (".csv", ".json", ".md"):
            text = path.read_text()
            assert not any(ref in text for ref in refs), path.name


def test_a_real_dfe_file_in_the_landing_folder_replaces_the_shipped_figures(tmp_path,
                                                                            monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    truth = many_authorities(landing / "spc_young_carers_202425.csv")
    shutil.copy(EXAMPLES_DIR / "council_young_carers_support_2023-2025.csv", landing)
    monkeypatch.chdir(tmp_path)
    paths = isolated_env(tmp_path, monkeypatch, landing=landing)
    assert main(["refresh"]) == 0
    values = pd.read_csv(paths["publish"] / "latest" / "indicator_values.csv")
    school, parent, pupils = truth[ROTHERHAM]
    rate = _row(values, "young_carers_identified_per_1000", ROTHERHAM, "AY2024")
    assert (rate.numerator, rate.denominator) == (school + parent, pupils)
    assert "spc_young_carers_202425.csv" in rate.source
    ours = values[values.indicator_id == "young_carers_identified_per_1000"]
    assert ours.area_code.nunique() == 153 and set(ours.period_id) == {"AY2024"}


def test_the_select_commission_question_since_2023_includes_the_january_2023_census(edition):
    from reporting import requests as rq

    result = rq.answer(edition.parent, rq.Request(
        ["young_carers_identified_per_1000"], areas=["Rotherham", "England"], since=2023,
        comparators=["england"]))
    f = result.figures
    assert set(zip(f.area_code, f.period, strict=True)) == {
        (ROTHERHAM, "2022/23"), (ROTHERHAM, "2024/25"), (ENGLAND, "2022/23"),
        (ENGLAND, "2023/24")}
    first = f[(f.area_code == ROTHERHAM) & (f.period == "2022/23")].iloc[0]
    assert first.compared_with_england == "worse"
