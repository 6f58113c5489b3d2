"""Small-number suppression for anything published about people.

Counts of people from 1 to 4 are shown as [c] (primary suppression). Secondary suppression
makes sure no hidden value can be worked back out of what is shown:

- totals: the breakdowns of one indicator, area and period add up to its `all` row, and the
  districts of a region (and the regions of England) add up to the region's (England's) row
  where those are sums of districts. In any such set where exactly one cell is hidden, the
  smallest other cell is hidden too (repeated until no set has a lone hidden cell). A hidden
  denominator is protected the same way.
- differences: the next period's `previous_value` and `change` (and its direction) would give
  a hidden value away, so they are blanked.
- comparators: a hidden England or region value is blanked where other rows repeat it as
  their comparator.
- rates: a hidden row keeps no value or interval, so a shown denominator cannot turn it back
  into a count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

THRESHOLD = 5
SUPPRESSED = "[c]"
ENGLAND = "E92000001"
HIDDEN_COLUMNS = ("numerator", "value", "lower_ci", "upper_ci", "lower_ci_998",
                  "upper_ci_998", "previous_value", "change", "england_value", "region_value")


# Also blanked on a hidden row: each would narrow down its value (rank 1 of 147 where the
# median of councils is 100% says the value is 100%).
RANKS_AND_COMPARISONS = ("england_comparison", "region_comparison", "england_comparison_998",
                         "region_comparison_998", "direction", "rank",
                         "rank_of", "mads_from_median", "council_rank", "council_rank_of")


def is_small(count: object) -> bool:
    return count is not None and not pd.isna(count) and 0 < float(count) < THRESHOLD


def _additive_sets(out: pd.DataFrame, about_people: pd.Series
                   ) -> list[tuple[int | None, list[int]]]:
    """(total row, member rows) for every set of people rows that adds up to a shown total."""
    sets: list[tuple[int | None, list[int]]] = []
    people = out[about_people]
    index = people.index.tolist()
    ind = people["indicator_id"].tolist()
    area = people["area_code"].tolist()
    period = people["period_id"].tolist()
    breakdown = people["breakdown"].tolist()
    # Breakdowns of one indicator, area and period, and their `all` row.
    groups: dict[tuple, list[int]] = defaultdict(list)
    totals: dict[tuple, int] = {}
    for i, k in enumerate(zip(ind, area, period, strict=True)):
        if breakdown[i] == "all":
            totals.setdefault(k, index[i])
        else:
            groups[k].append(index[i])
    sets.extend((totals.get(k), members) for k, members in groups.items())
    # Districts of a region, regions of England: only where the totals are sums of districts.
    if {"area_level", "region_code", "is_sum_of_districts"} <= set(out.columns):
        level = people["area_level"].tolist()
        region = people["region_code"].tolist()
        summed = people["is_sum_of_districts"].fillna(False).astype(bool).tolist()
        parts: dict[tuple, list[int]] = defaultdict(list)
        whole: dict[tuple, int] = {}
        for i in range(len(index)):
            cell = (ind[i], period[i], breakdown[i])
            if level[i] == "district":
                parts[(*cell, region[i])].append(index[i])
            elif level[i] == "region":
                parts[(*cell, ENGLAND)].append(index[i])
                if summed[i]:
                    whole[(*cell, area[i])] = index[i]
            elif area[i] == ENGLAND and summed[i]:
                whole[(*cell, ENGLAND)] = index[i]
        sets.extend((total, parts[k]) for k, total in whole.items() if parts.get(k))
    return sets


def _protect(sets: list[tuple[int | None, list[int]]], hidden: set[int],
             size: dict[int, float]) -> set[int]:
    """Hide more cells until no set has exactly one hidden cell among its known cells."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for total, members in sets:
            cells = [*members, *([total] if total is not None else [])]
            if len(cells) < 2:
                continue
            if sum(1 for c in cells if c in hidden) != 1:
                continue
            shown = [m for m in members if m not in hidden and m in size]
            if not shown and total is not None and total not in hidden and total in size:
                shown = [total]
            if shown:
                hidden.add(min(shown, key=lambda i: (size[i], i)))
                changed = True
    return hidden


def _keys(frame: pd.DataFrame, rows: Iterable[int], columns: list[str]) -> set[tuple]:
    rows = list(rows)
    if not rows:
        return set()
    return set(frame.loc[rows, columns].itertuples(index=False, name=None))


def suppress(values: pd.DataFrame, people_indicators: set[str]) -> pd.DataFrame:
    """A copy of indicator_values safe to publish: small counts of people hidden as [c]."""
    out = values.copy()
    about_people = out["indicator_id"].isin(people_indicators)
    primary = about_people & (out["numerator"].map(is_small) | out["denominator"].map(is_small))
    if not primary.any():
        return out
    sets = _additive_sets(out, about_people)
    numerators = out["numerator"][about_people].dropna()
    hide = _protect(sets, set(out.index[primary]), numerators.to_dict())

    # A hidden small denominator is protected like a hidden count.
    small_den = set(out.index[about_people & out["denominator"].map(is_small)])
    if small_den:
        denominators = out["denominator"][about_people].dropna()
        more = _protect(sets, small_den, denominators.to_dict())
        hide |= more
        small_den = more

    # One assignment per column for all hidden rows (cell by cell took seconds at scale).
    mask = out.index.isin(list(hide))
    for column in (*HIDDEN_COLUMNS, *RANKS_AND_COMPARISONS):
        if column in out.columns:
            out.loc[mask, column] = None
    den_mask = out.index.isin(list(small_den))
    if den_mask.any():
        out.loc[den_mask, "denominator"] = None

    def marked(symbol: object) -> str:
        text = "" if symbol is None or pd.isna(symbol) else str(symbol).replace("[x]", "")
        return " ".join(s for s in (SUPPRESSED, text.strip()) if s)

    out["symbol"] = out["symbol"].astype(object)
    out.loc[mask, "symbol"] = out.loc[mask, "symbol"].map(marked)
    _blank_what_points_at(out, hide)
    return out


def _among(out: pd.DataFrame, columns: list[str], keys: set[tuple], *extra: str
           ) -> list[bool]:
    """For each row, whether its values in `columns` (plus `extra`) form one of `keys`."""
    if not keys:
        return [False] * len(out)
    values = [out[c].tolist() for c in columns] + [[e] * len(out) for e in extra]
    return [k in keys for k in zip(*values, strict=True)]


def _blank_what_points_at(out: pd.DataFrame, hide: set[int]) -> None:
    """Blank the cells of other rows that repeat a hidden value: the next period's previous
    value and change, and comparators equal to a hidden England or region value."""
    series = ["indicator_id", "area_code", "breakdown"]
    if {"previous_period_id", *series} <= set(out.columns):
        hidden = _keys(out, hide, [*series, "period_id"])
        pointing = _among(out, [*series, "previous_period_id"], hidden)
        for column in ("previous_value", "change", "direction"):
            if column in out.columns:
                out.loc[pointing, column] = None
    slice_ = ["indicator_id", "period_id", "breakdown"]
    if not set(slice_) <= set(out.columns):
        return
    hidden_areas = _keys(out, hide, [*slice_, "area_code"])
    if "england_value" in out.columns:
        england = _among(out, slice_, hidden_areas, ENGLAND)
        out.loc[england, "england_value"] = None
        for column in ("england_comparison", "england_comparison_998"):
            if column in out.columns:
                out.loc[england, column] = None
    if {"region_value", "region_code"} <= set(out.columns):
        region = _among(out, [*slice_, "region_code"], hidden_areas)
        out.loc[region, "region_value"] = None
        for column in ("region_comparison", "region_comparison_998"):
            if column in out.columns:
                out.loc[region, column] = None
