"""`carers refresh` end to end on the shipped data: the ASCOF acceptance figures with council
medians, the low-reliability flag, the LSOA reconciliation, ranked table and chart reach the
published edition, and the LSOA tolerance check ran as a blocking check and passed."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.slow
ROTHERHAM = "E08000018"


@pytest.fixture
def edition(shipped_edition):
    """The session's shared refresh on the shipped data (tests/conftest.py)."""
    return shipped_edition["edition"]


def test_published_ascof_figures_with_council_medians(edition):
    values = pd.read_csv(edition / "indicator_values.csv")
    rot = values[values.area_code == ROTHERHAM].set_index(["indicator_id", "period_id"])
    for ind, expected in {
        "ascof_1d_carer_quality_of_life": {"FY2016": (7.8, 7.6), "FY2018": (7.7, 7.4),
                                           "FY2021": (7.5, 7.2)},
        "ascof_3d2_carers_easy_to_find_information": {
            "FY2016": (64.5, 64.5), "FY2018": (66.0, 62.4), "FY2021": (61.8, 57.3)},
    }.items():
        for period, (value, median) in expected.items():
            row = rot.loc[(ind, period)]
            assert (row["value"], row["council_median"]) == (pytest.approx(value),
                                                            pytest.approx(median))
    sds = rot.loc[("ascof_1c1b_carers_self_directed_support", "FY2020")]
    assert sds["symbol"] == "[u]" and sds["denominator"] == 8


def test_lsoa_outputs_and_the_blocking_tolerance_check(edition):
    reconciliation = pd.read_csv(edition / "census_lsoa_reconciliation.csv")
    carers = reconciliation[reconciliation.measure == "providing unpaid care"].iloc[0]
    assert (carers.lsoas, carers.lsoa_sum, carers.district_total) == (170, 26319, 26313)
    ranked = pd.read_csv(edition / "lsoa_carers_ranked.csv")
    assert len(ranked) == 170 and ranked["rank"].iloc[0] == 1
    assert (edition / "lsoa_unpaid_care_dotplot.png").read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((edition / "manifest.json").read_text())
    checks = {c["check"]: c for c in manifest["checks"]}
    tolerance = checks["census_lsoa_sum_within_tolerance"]
    assert tolerance["asset"] == "census_lsoa_reconciliation" and tolerance["passed"]
    assert checks["stg_oflog_asc_suite"]["passed"]
    assert checks["stg_nhsd_ascof_carers_suite"]["passed"]
    [chart] = [f for f in manifest["files"] if f["file"] == "lsoa_unpaid_care_dotplot.png"]
    assert len(chart["sha256"]) == 64
