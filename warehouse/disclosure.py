"""Small-number suppression for anything published about people.

Counts of people from 1 to 4 are shown as [c]. Secondary suppression: where a suppressed cell
is part of a set that adds up to a published total (the breakdowns of one indicator, area and
period), the next smallest cell of that set is suppressed too, so the hidden value cannot be
recovered by subtraction.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

THRESHOLD = 5
SUPPRESSED = "[c]"
HIDDEN_COLUMNS = ("numerator", "value", "lower_ci", "upper_ci", "previous_value", "change",
                  "england_value", "region_value")


def is_small(count: object) -> bool:
    return count is not None and not pd.isna(count) and 0 < float(count) < THRESHOLD


def suppress(values: pd.DataFrame, people_indicators: set[str]) -> pd.DataFrame:
    """A copy of indicator_values safe to publish: small counts of people hidden as [c]."""
    out = values.copy()
    about_people = out["indicator_id"].isin(people_indicators)
    primary = about_people & (out["numerator"].map(is_small) | out["denominator"].map(is_small))
    hide = set(out.index[primary])

    groups: dict[tuple, list[int]] = defaultdict(list)
    for idx in out.index[about_people & (out["breakdown"] != "all")]:
        row = out.loc[idx]
        groups[(row["indicator_id"], row["area_code"], row["period_id"])].append(idx)
    for members in groups.values():
        hidden = [i for i in members if i in hide]
        shown = [i for i in members if i not in hide and not pd.isna(out.at[i, "numerator"])]
        if len(hidden) == 1 and shown:
            hide.add(min(shown, key=lambda i: out.at[i, "numerator"]))

    # One assignment per column for all hidden rows (cell by cell took seconds at scale).
    mask = out.index.isin(list(hide))
    if not mask.any():
        return out
    small_denominator = mask & out["denominator"].map(is_small).to_numpy(dtype=bool)
    for column in (*HIDDEN_COLUMNS, "england_comparison", "region_comparison", "direction",
                   "rank", "rank_of"):
        if column in out.columns:
            out.loc[mask, column] = None
    if small_denominator.any():
        out.loc[small_denominator, "denominator"] = None

    def marked(symbol: object) -> str:
        text = "" if symbol is None or pd.isna(symbol) else str(symbol).replace("[x]", "")
        return " ".join(s for s in (SUPPRESSED, text.strip()) if s)

    out["symbol"] = out["symbol"].astype(object)
    out.loc[mask, "symbol"] = out.loc[mask, "symbol"].map(marked)
    return out
