"""Confidence intervals and benchmarking, as public-health profiles publish them.

Written from the published formulas (Wilson 1927; Byars via Breslow and Day 1987; exact
Poisson limits from the chi-squared relation), not copied from GPL reference code.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)  # 1.959964...
Z998 = NormalDist().inv_cdf(0.999)  # 3.090232...: Fingertips' outer (99.8%) level


def alpha_of(z: float) -> float:
    """The two-sided tail probability a z value stands for: 1.96 -> 0.05, 3.09 -> 0.002."""
    return 2 * (1 - NormalDist().cdf(z))


def number_or_none(x: object) -> float | None:
    """A published cell as a number: None for blanks, NaN and symbols such as "[c]"."""
    if x is None:
        return None
    try:
        number = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def wilson(numerator: float, denominator: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as (lower, upper) on the 0-1 scale."""
    if denominator <= 0:
        raise ValueError("a proportion needs a denominator above zero")
    if not 0 <= numerator <= denominator:
        raise ValueError(f"numerator {numerator} must lie between 0 and {denominator}")
    p = numerator / denominator
    z2 = z * z
    centre = 2 * numerator + z2
    spread = z * math.sqrt(z2 + 4 * numerator * (1 - p))
    scale = 2 * (denominator + z2)
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def _poisson_cdf(k: int, mu: float) -> float:
    term = math.exp(-mu)
    total = term
    for i in range(1, k + 1):
        term *= mu / i
        total += term
    return total


def _bisect(f: Callable[[float], float], lo: float, hi: float) -> float:
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# Kept per (count, alpha): byars asks only for counts below 10, at two levels, thousands of
# times a refresh (each an exact search of 400 tail sums).
@functools.cache
def poisson_exact(count: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) limits for a Poisson count."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    # Both limits solve a tail probability of alpha/2; each f below falls as mu rises.
    lower = 0.0 if count == 0 else _bisect(
        lambda mu: alpha / 2 - (1 - _poisson_cdf(count - 1, mu)), 0.0, count)
    upper = _bisect(lambda mu: _poisson_cdf(count, mu) - alpha / 2, count, count + 50 + 10 * count)
    return lower, upper


def byars_formula(count: float, z: float = Z95) -> tuple[float | None, float]:
    """Byars' approximation alone (no exact branch). The lower limit is None where the
    formula's cube root base goes negative (one event at 99.8%, say)."""
    base = 1 - 1 / (9 * count) - z / (3 * math.sqrt(count)) if count > 0 else -1.0
    lower = count * base ** 3 if base >= 0 else None
    up = count + 1
    upper = up * (1 - 1 / (9 * up) + z / (3 * math.sqrt(up))) ** 3
    return lower, upper


def byars(count: int, z: float = Z95) -> tuple[float, float]:
    """Limits for a count as Fingertips publishes them: exact Poisson below 10 events at the
    confidence level `z` stands for, Byars' approximation from 10."""
    if count < 10:
        return poisson_exact(count, alpha_of(z))
    lower, upper = byars_formula(count, z)
    assert lower is not None  # the base is positive for any count of 10 or more
    return lower, upper


def rate_interval(count: int, denominator: float, multiplier: float,
                  z: float = Z95) -> tuple[float, float]:
    lo, hi = byars(count, z)
    return lo / denominator * multiplier, hi / denominator * multiplier


def compare(lower: float | None, upper: float | None, comparator: float | None,
            polarity: str) -> str | None:
    """Benchmark a local value against a comparator, the Fingertips way.

    The comparator inside the local 95% interval is 'similar'; outside it the local value is
    'better'/'worse' by polarity, or 'higher'/'lower' where the indicator has no polarity.
    """
    if lower is None or upper is None or comparator is None:
        return None
    if any(isinstance(x, float) and math.isnan(x) for x in (lower, upper, comparator)):
        return None
    if lower <= comparator <= upper:
        return "similar"
    higher = lower > comparator
    if polarity == "higher_is_better":
        return "better" if higher else "worse"
    if polarity == "lower_is_better":
        return "worse" if higher else "better"
    return "higher" if higher else "lower"


def compare_two_level(lower95: float | None, upper95: float | None,
                      lower998: float | None, upper998: float | None,
                      comparator: float | None, polarity: str) -> str | None:
    """Fingertips' two-level comparison (95% and 99.8%), as one word and a level:
    'similar', or e.g. 'better (95%)' or 'worse (99.8%)'. The 99.8% level is named when the
    comparator also lies outside the 99.8% interval."""
    inner = compare(lower95, upper95, comparator, polarity)
    if inner is None or inner == "similar":
        return inner
    outer = compare(lower998, upper998, comparator, polarity)
    return f"{inner} (99.8%)" if outer not in (None, "similar") else f"{inner} (95%)"


def intervals_overlap(a: tuple[float | None, float | None],
                      b: tuple[float | None, float | None]) -> bool | None:
    """Whether two intervals share a point (bounds included); None if either is missing."""
    if None in a or None in b:
        return None
    return not (a[1] < b[0] or b[1] < a[0])  # type: ignore[operator]


def direction(current: float | None, previous: float | None, polarity: str,
              current_ci: tuple[float | None, float | None] = (None, None),
              previous_ci: tuple[float | None, float | None] = (None, None)) -> str | None:
    """Direction of travel between two periods, only where the change is significant.

    The test is Fingertips' overlapping-intervals one: the two periods' 95% intervals do not
    overlap. Then improving/worsening by polarity (up/down without one); 'no significant
    change' where they overlap; None (not assessed) where either period has no interval,
    since a plain difference of published figures (rounded, say, to 0.1) is no evidence."""
    if current is None or previous is None:
        return None
    overlap = intervals_overlap(current_ci, previous_ci)
    if overlap is None:
        return None
    if overlap:
        return "no significant change"
    up = current > previous
    if polarity == "higher_is_better":
        return "improving" if up else "worsening"
    if polarity == "lower_is_better":
        return "worsening" if up else "improving"
    return "up" if up else "down"


def compare_rounded(lower: float | None, upper: float | None, comparator: float | None,
                    half_step: float | None, polarity: str) -> str | None:
    """Benchmark against a comparator the publisher gave already rounded, known only to
    within `half_step` either side (England's young-carers rate: 0.5% of pupils rounded to
    0.1%, so 4.5 to 5.5 per 1,000). 'similar' when that range meets the local interval;
    otherwise as `compare`. With no half step it is `compare`."""
    if half_step is None or comparator is None or lower is None or upper is None:
        return compare(lower, upper, comparator, polarity)
    if intervals_overlap((lower, upper), (comparator - half_step, comparator + half_step)):
        return "similar"
    return compare(lower, upper, comparator, polarity)
