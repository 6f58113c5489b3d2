"""Confidence intervals and benchmarking, as public-health profiles publish them.

Written from the published formulas (Wilson 1927; Byars via Breslow and Day 1987; exact
Poisson limits from the chi-squared relation), not copied from GPL reference code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)  # 1.959964...


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


def poisson_exact(count: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) limits for a Poisson count."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    # Both limits solve a tail probability of alpha/2; each f below falls as mu rises.
    lower = 0.0 if count == 0 else _bisect(
        lambda mu: alpha / 2 - (1 - _poisson_cdf(count - 1, mu)), 0.0, count)
    upper = _bisect(lambda mu: _poisson_cdf(count, mu) - alpha / 2, count, count + 50 + 10 * count)
    return lower, upper


def byars(count: int, z: float = Z95) -> tuple[float, float]:
    """Byars' approximation to Poisson limits for a count, exact below 10 events."""
    if count < 10:
        return poisson_exact(count)
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    up = count + 1
    upper = up * (1 - 1 / (9 * up) + z / (3 * math.sqrt(up))) ** 3
    return lower, upper


def rate_interval(count: int, denominator: float, multiplier: float) -> tuple[float, float]:
    lo, hi = byars(count)
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


def direction(current: float | None, previous: float | None, polarity: str) -> str | None:
    """Direction of travel between two periods: improving/worsening by polarity, else up/down."""
    if current is None or previous is None:
        return None
    if current == previous:
        return "no change"
    up = current > previous
    if polarity == "higher_is_better":
        return "improving" if up else "worsening"
    if polarity == "lower_is_better":
        return "worsening" if up else "improving"
    return "up" if up else "down"
