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
    # By hand (z^2 = 3.841459): centre 2 * 26313 + z^2 = 52629.841459, spread
    # z * sqrt(z^2 + 4 * 26313 * (1 - 26313/251162)) = 1.959964 * 306.967604 = 601.645449,
    # scale 2 * (251162 + z^2) = 502331.682918 -> 0.103573 to 0.105969 (10.357% to 10.597%)
    lower, upper = stats.wilson(26313, 251162)
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


def test_direction():
    assert stats.direction(5, 4, "higher_is_better") == "improving"
    assert stats.direction(5, 4, "lower_is_better") == "worsening"
    assert stats.direction(3, 4, "no_judgement") == "down"
    assert stats.direction(4, 4, "no_judgement") == "no change"
