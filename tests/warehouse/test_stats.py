"""Rung 1: statistics against hand-worked and published values."""

from __future__ import annotations

import pytest

from warehouse import stats


def test_wilson_hand_worked_1_of_10():
    # p = 0.1, z = 1.959964, z^2 = 3.841459: centre 2 + z^2 = 5.841459,
    # spread z * sqrt(z^2 + 4 * 1 * 0.9) = 5.346593, scale 2 * (10 + z^2) = 27.682918
    # -> (0.494866 / 27.682918, 11.188052 / 27.682918) = (0.017876, 0.404150)
    lower, upper = stats.wilson(1, 10)
    assert lower == pytest.approx(0.017876, abs=1e-6)
    assert upper == pytest.approx(0.404150, abs=1e-6)


def test_wilson_rotherham_carers_2021():
    lower, upper = stats.wilson(26313, 251162)
    assert pytest.approx(0.104765, abs=1e-6) == 26313 / 251162
    assert lower == pytest.approx(0.103573, abs=1e-6)
    assert upper == pytest.approx(0.105969, abs=1e-6)


def test_wilson_edges():
    assert stats.wilson(0, 20)[0] == 0.0
    assert stats.wilson(20, 20)[1] == 1.0
    with pytest.raises(ValueError):
        stats.wilson(5, 0)
    with pytest.raises(ValueError):
        stats.wilson(6, 5)


@pytest.mark.parametrize(("count", "lower", "upper"), [
    (0, 0.0, 3.688879), (1, 0.025318, 5.571643), (5, 1.623486, 11.668332),
])
def test_exact_poisson_below_10(count, lower, upper):
    lo, hi = stats.byars(count)
    assert lo == pytest.approx(lower, abs=1e-5)
    assert hi == pytest.approx(upper, abs=1e-5)


def test_byars_at_100():
    lo, hi = stats.byars(100)
    assert lo == pytest.approx(81.3621, abs=1e-3)
    assert hi == pytest.approx(121.6280, abs=1e-3)


@pytest.mark.parametrize(("polarity", "comparator", "expected"), [
    ("no_judgement", 0.5, "similar"),
    ("no_judgement", 0.1, "higher"),
    ("no_judgement", 0.9, "lower"),
    ("higher_is_better", 0.1, "better"),
    ("higher_is_better", 0.9, "worse"),
    ("lower_is_better", 0.1, "worse"),
    ("lower_is_better", 0.9, "better"),
])
def test_compare(polarity, comparator, expected):
    assert stats.compare(0.4, 0.6, comparator, polarity) == expected


def test_compare_without_interval_is_not_judged():
    assert stats.compare(None, None, 0.5, "no_judgement") is None


def test_direction_needs_non_overlapping_intervals():
    apart_up = ((4.8, 5.2), (3.8, 4.2))
    assert stats.direction(5, 4, "higher_is_better", *apart_up) == "improving"
    assert stats.direction(5, 4, "lower_is_better", *apart_up) == "worsening"
    assert stats.direction(4, 5, "higher_is_better", (3.8, 4.2), (4.8, 5.2)) == "worsening"
    assert stats.direction(3, 4, "no_judgement", (2.9, 3.1), (3.9, 4.1)) == "down"
    assert stats.direction(5, 4, "no_judgement", *apart_up) == "up"
    # overlapping (touching bounds count as overlapping) -> no significant change
    assert stats.direction(5, 4, "higher_is_better", (4.2, 5.8), (3.5, 4.2)) \
        == "no significant change"
    assert stats.direction(4, 4, "no_judgement", (3, 5), (3, 5)) == "no significant change"


def test_direction_without_intervals_is_not_assessed():
    # ASCOF 1D 7.8 -> 7.7: published rounded to 0.1, no interval: no verdict, not "worsening"
    assert stats.direction(7.7, 7.8, "higher_is_better") is None
    assert stats.direction(7.7, 7.8, "higher_is_better", (7.5, 7.9), (None, None)) is None
    assert stats.direction(None, 7.8, "higher_is_better", (1, 2), (1, 2)) is None


def test_intervals_overlap():
    assert stats.intervals_overlap((1, 2), (2, 3)) is True
    assert stats.intervals_overlap((1, 2), (2.001, 3)) is False
    assert stats.intervals_overlap((3, 4), (1, 2)) is False
    assert stats.intervals_overlap((1, None), (1, 2)) is None


@pytest.mark.parametrize(("outer", "expected"), [
    ((0.30, 0.70), "higher (95%)"),       # outside the 95% interval, inside the 99.8%
    ((0.35, 0.65), "higher (99.8%)"),     # outside both
    ((None, None), "higher (95%)"),       # no 99.8% limits: the 95% verdict alone
])
def test_compare_two_level(outer, expected):
    assert stats.compare_two_level(0.4, 0.6, *outer, 0.32, "no_judgement") == expected


def test_compare_two_level_similar_and_polarity():
    assert stats.compare_two_level(0.4, 0.6, 0.3, 0.7, 0.5, "higher_is_better") == "similar"
    assert stats.compare_two_level(0.4, 0.6, 0.35, 0.65, 0.9, "higher_is_better") \
        == "worse (99.8%)"
    assert stats.compare_two_level(None, None, None, None, 0.9, "higher_is_better") is None


def test_z_levels_and_alpha():
    assert pytest.approx(3.090232, abs=1e-6) == stats.Z998
    assert stats.alpha_of(stats.Z95) == pytest.approx(0.05, abs=1e-12)
    assert stats.alpha_of(stats.Z998) == pytest.approx(0.002, abs=1e-12)


def test_byars_honours_z_below_10():
    # The example: byars(1, 3.0902) gave the 95% limits 0.0253-5.57; at 99.8% the
    # exact limits are 0.0010-9.23 (PHEindicatormethods, testdata_Rate.csv Area1 x 100).
    lo, hi = stats.byars(1, stats.Z998)
    assert lo == pytest.approx(0.0010005003335835344, rel=1e-6)
    assert hi == pytest.approx(9.233413476451585, rel=1e-6)


@pytest.mark.parametrize(("lower", "upper", "expected"), [
    # England 0.5% of pupils, rounded to 0.1%: 5.0 per 1,000, known only as 4.5 to 5.5
    (0.26, 0.68, "lower"),      # Rotherham 2023: 20 of 45,627 (Wilson 95% limits)
    (4.0, 4.6, "similar"),      # below 5.0 but inside England's rounding
    (5.4, 6.0, "similar"),
    (5.6, 6.2, "higher"),
])
def test_compare_rounded_allows_for_the_comparators_rounding(lower, upper, expected):
    assert stats.compare_rounded(lower, upper, 5.0, 0.5, "no_judgement") == expected


def test_compare_rounded_without_a_half_step_is_compare():
    assert stats.compare_rounded(4.0, 4.6, 5.0, None, "no_judgement") == "lower"
    assert stats.compare_rounded(None, None, 5.0, 0.5, "no_judgement") is None
