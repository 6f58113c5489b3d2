"""Rung 1: the edges of the statistics, where a silent defect hides (each test here kills a
mutant that survived the hand-worked tests: see docs/testing.md).

Expected values come from PHEindicatormethods' own test data (shared/data/reference/
phe_indicator_methods, 95% columns), published chi-squared tables, or hand working; never
from warehouse.stats itself."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from warehouse import stats

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference" \
    / "phe_indicator_methods"


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["Numerator"] and r["Denominator"]]


RATES = [(int(r["Numerator"]), float(r["Denominator"]), float(r["multiplier"]),
          float(r["lower95_0cl"]), float(r["upper95_0cl"])) for r in _rows("testdata_Rate.csv")]
GROUPED_RATES = [(int(r["Numerator"]), float(r["Denominator"]), float(r["multiplier"]),
                  float(r["lowercl"]), float(r["uppercl"])) for r in _rows("testdata_Rate_g.csv")]


def test_reference_files_are_there():
    # 8 areas at two multipliers and Area12; 8 grouped areas and Area12 (rows without a
    # numerator or denominator are left out): no reference row silently lost
    assert len(RATES) == 17 and len(GROUPED_RATES) == 9


@pytest.mark.parametrize(("count", "denominator", "multiplier", "lower", "upper"),
                         RATES + GROUPED_RATES)
def test_rate_interval_matches_phe_indicator_methods(count, denominator, multiplier, lower,
                                                      upper):
    """phe_rate: exact Poisson below 10 events, Byars from 10 (10 of 200 is Area2 grouped)."""
    lo, hi = stats.rate_interval(count, denominator, multiplier)
    assert lo == pytest.approx(lower, rel=1e-6)
    assert hi == pytest.approx(upper, rel=1e-6)


def test_exact_below_10_and_byars_from_10():
    # 9 events: exact limits are chi-squared quantiles / 2 (published tables: chi2(0.025, 18)
    # = 8.2307 and chi2(0.975, 20) = 34.1696) -> 4.1154 to 17.0848. Byars' formula would give
    # a lower limit of 4.1069, so this pins the switch at exactly 10.
    lo, hi = stats.byars(9)
    assert lo == pytest.approx(4.1154, abs=2e-4)
    assert hi == pytest.approx(17.0848, abs=2e-4)
    # 10 events: Byars by hand, 10 * (1 - 1/90 - z/(3 * sqrt(10)))^3 = 10 * 0.782294^3
    # = 4.7875; 11 * (1 - 1/99 + z/(3 * sqrt(11)))^3 = 11 * 1.186883^3 = 18.3915. The exact
    # limits differ (chi2(0.025, 20)/2 = 4.7954, chi2(0.975, 22)/2 = 18.3904).
    lo, hi = stats.byars(10)
    assert lo == pytest.approx(4.7875, abs=2e-4)
    assert hi == pytest.approx(18.3915, abs=2e-4)


def test_exact_poisson_zero_and_refusals():
    assert stats.poisson_exact(0) == (0.0, pytest.approx(3.688879, abs=1e-6))
    with pytest.raises(ValueError, match="negative"):
        stats.poisson_exact(-1)
    # 99% limits for 1 event (chi-squared tables: chi2(0.005, 2)/2 = 0.0050, chi2(0.995, 4)/2
    # = 7.4301): alpha reaches both limits.
    lo, hi = stats.poisson_exact(1, alpha=0.01)
    assert lo == pytest.approx(0.0050, abs=1e-4)
    assert hi == pytest.approx(7.4301, abs=1e-4)


def test_wilson_of_a_fraction_of_one():
    """PHEindicatormethods' Wilson row x = 0.445, n = 1 (testdata_B_W.csv): a denominator of 1
    is a proportion in its own right."""
    lower, upper = stats.wilson(0.445, 1)
    assert lower == pytest.approx(0.04381744772058822, rel=1e-9)
    assert upper == pytest.approx(0.9334621276979156, rel=1e-9)


@pytest.mark.parametrize(("numerator", "denominator", "message"), [
    (0, 0, "denominator above zero"), (0, -3, "denominator above zero"),
    (-1, 20, "between 0 and 20"), (-0.5, 20, "between 0 and 20"), (21, 20, "between 0 and 20"),
])
def test_wilson_refuses_what_is_not_a_proportion(numerator, denominator, message):
    with pytest.raises(ValueError, match=message):
        stats.wilson(numerator, denominator)


def test_wilson_at_the_ends_is_clamped_and_exact():
    # 0 of 20: lower limit 0; upper z^2 / (20 + z^2) = 3.841459 / 23.841459 = 0.161125.
    lower, upper = stats.wilson(0, 20)
    assert lower == 0.0 and upper == pytest.approx(0.161125, abs=1e-6)
    lower, upper = stats.wilson(20, 20)
    assert upper == 1.0 and lower == pytest.approx(1 - 0.161125, abs=1e-6)
    # A different z narrows or widens the interval: z = 1 for 1 of 10 (by hand: centre 3,
    # spread sqrt(1 + 3.6) = 2.144761, scale 22) -> 0.038875 to 0.233853.
    lower, upper = stats.wilson(1, 10, z=1.0)
    assert (lower, upper) == (pytest.approx(0.038875, abs=1e-6), pytest.approx(0.233853,
                                                                                abs=1e-6))


@pytest.mark.parametrize(("comparator", "expected"), [
    (0.4, "similar"), (0.6, "similar"),          # on a limit is inside the interval
    (0.3999999, "higher"), (0.6000001, "lower"),
])
def test_compare_at_the_limits(comparator, expected):
    assert stats.compare(0.4, 0.6, comparator, "no_judgement") == expected


@pytest.mark.parametrize("missing", [
    (None, 0.6, 0.5), (0.4, None, 0.5), (0.4, 0.6, None), (math.nan, 0.6, 0.5),
    (0.4, math.nan, 0.5), (0.4, 0.6, math.nan),
])
def test_compare_needs_both_limits_and_a_comparator(missing):
    assert stats.compare(*missing, "higher_is_better") is None


def test_polarity_read_from_a_file_is_honoured():
    """Polarity comes from YAML: an equal string that is not the same object as the literal."""
    higher = "".join(["higher", "_is_better"])
    lower = "".join(["lower", "_is_better"])
    assert stats.compare(0.4, 0.6, 0.1, higher) == "better"
    assert stats.compare(0.4, 0.6, 0.1, lower) == "worse"
    assert stats.compare(0.4, 0.6, 0.9, lower) == "better"


@pytest.mark.parametrize(("cell", "expected"), [
    (None, None), ("[c]", None), ("", None), (float("nan"), None), ("nan", None),
    ([1, 2], None), (object(), None), ("3", 3.0), (" 12.5 ", 12.5), (0, 0.0), (7, 7.0),
])
def test_number_or_none(cell, expected):
    assert stats.number_or_none(cell) == expected


@pytest.mark.parametrize(("current", "previous"), [(None, 4.0), (4.0, None), (None, None)])
def test_no_direction_without_both_values(current, previous):
    assert stats.direction(current, previous, "higher_is_better") is None
