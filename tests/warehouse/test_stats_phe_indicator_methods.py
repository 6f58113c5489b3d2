"""warehouse.stats against PHEindicatormethods' own expected values.

Expected figures from the R package PHEindicatormethods (UKHSA/OHID, the methods behind
Fingertips), repository ukhsa-collaboration/PHEindicatormethods at commit 093fd28 (package
version 2.0.2 era), tests/testthat/testdata_Byars_Wilson.xlsx, testdata_Proportion.xlsx and
testdata_Rate.xlsx, converted to CSV in ../shared/data/reference/phe_indicator_methods/ (see
SOURCES.md there). The figures carry over; the package's GPL-3 code does not: stats.py is
written from the published formulas. Every row of each file is tested at 95% and at 99.8%,
counts below 10 included (exact Poisson for rates, Wilson for proportions)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from warehouse import stats

HERE = Path(__file__).resolve()
REFERENCE = HERE.parents[2] / ".." / "shared" / "data" / "reference" / "phe_indicator_methods"
Z = {"95%": stats.Z95, "99.8%": stats.Z998}
REL = 1e-7  # the reference files keep 15-17 significant figures


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def test_reference_files_are_all_there():
    # 13 Byars/Wilson rows, 19 proportions, 20 rates, 11 grouped proportions, 12 grouped rates
    assert [len(_rows(n)) for n in ("testdata_B_W.csv", "testdata_Prop.csv",
                                    "testdata_Rate.csv", "testdata_Prop_g.csv",
                                    "testdata_Rate_g.csv")] == [13, 19, 20, 11, 12]


def _ungrouped(name: str) -> list[tuple]:
    cases = []
    for row in _rows(name):
        for level, lo, hi in (("95%", "lower95_0cl", "upper95_0cl"),
                              ("99.8%", "lower99_8cl", "upper99_8cl")):
            cases.append(pytest.param(row, level, lo, hi, id=f"{row['Area']}-"
                                      f"{row['multiplier']}-{level}"))
    return cases


def _grouped(name: str) -> list[tuple]:
    return [pytest.param(row, row["confidence"], "lowercl", "uppercl",
                         id=f"{row['Area']}-{row['confidence']}") for row in _rows(name)]


def _proportion(num: float, den: float, multiplier: float, z: float):
    lo, hi = stats.wilson(num, den, z)
    return num / den * multiplier, lo * multiplier, hi * multiplier


def _rate(num: float, den: float, multiplier: float, z: float):
    lo, hi = stats.rate_interval(int(num), den, multiplier, z)
    return num / den * multiplier, lo, hi


@pytest.mark.parametrize(("row", "level", "lo_col", "hi_col"),
                         _ungrouped("testdata_Prop.csv") + _grouped("testdata_Prop_g.csv"))
def test_proportion_wilson(row, level, lo_col, hi_col):
    num, den = _number(row["Numerator"]), _number(row["Denominator"])
    if num is None or den is None:  # the package gives no value; neither may we
        assert _number(row["value"]) is None and _number(row[lo_col]) is None
        return
    value, lo, hi = _proportion(num, den, float(row["multiplier"]), Z[level])
    assert value == pytest.approx(float(row["value"]), rel=REL)
    assert lo == pytest.approx(float(row[lo_col]), rel=REL)
    assert hi == pytest.approx(float(row[hi_col]), rel=REL)


@pytest.mark.parametrize(("row", "level", "lo_col", "hi_col"),
                         _ungrouped("testdata_Rate.csv") + _grouped("testdata_Rate_g.csv"))
def test_rate_exact_below_10_byars_from_10(row, level, lo_col, hi_col):
    num, den = _number(row["Numerator"]), _number(row["Denominator"])
    if num is None or den is None:
        assert _number(row["value"]) is None and _number(row[lo_col]) is None
        return
    value, lo, hi = _rate(num, den, float(row["multiplier"]), Z[level])
    assert row["method"] == ("Exact" if num < 10 else "Byars")
    assert value == pytest.approx(float(row["value"]), rel=REL)
    assert lo == pytest.approx(float(row[lo_col]), rel=REL)
    assert hi == pytest.approx(float(row[hi_col]), rel=REL)


@pytest.mark.parametrize("row", _rows("testdata_B_W.csv"),
                         ids=lambda r: f"{r['method']}-{r['x']}-{r['n']}-{r['confidence']}")
def test_byars_formula_and_wilson(row):
    z = Z[row["confidence"]]
    x = float(row["x"])
    if row["method"] == "Wilson":
        lo, hi = stats.wilson(x, float(row["n"]), z)
    else:  # the raw Byars formula, as the package's byars_lower/byars_upper give it
        lo, hi = stats.byars_formula(x, z)
    expected_lo = _number(row["lowercl"])
    if expected_lo is None:
        assert lo is None  # one event at 99.8%: the formula has no lower limit
    else:
        assert lo == pytest.approx(expected_lo, rel=REL)
    assert hi == pytest.approx(float(row["uppercl"]), rel=REL)


@pytest.mark.parametrize(("count", "lower", "upper"), [
    # PHEindicatormethods testdata_Rate.csv, multiplier 100 over 100: the count's own limits
    (1, 0.0010005003335835344, 9.233413476451585),
    (5, 0.739371731917839, 16.454745203680105),
])
def test_exact_limits_at_998_below_10(count, lower, upper):
    lo, hi = stats.byars(count, stats.Z998)
    assert lo == pytest.approx(lower, rel=REL)
    assert hi == pytest.approx(upper, rel=REL)
