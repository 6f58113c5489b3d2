"""Suppression, made column-at-a-time for speed, hides exactly what the cell-by-cell rules did."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from reporting.disclosure import HIDDEN_COLUMNS, SUPPRESSED, is_small, suppress


# The cell-by-cell implementation this replaced, kept as the reference.
def reference_suppress(values: pd.DataFrame, people_indicators: set[str]) -> pd.DataFrame:
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

    for idx in hide:
        for column in HIDDEN_COLUMNS:
            if column in out.columns:
                out.at[idx, column] = None
        for column in ("england_comparison", "region_comparison", "direction", "rank",
                       "rank_of"):
            if column in out.columns:
                out.at[idx, column] = None
        if is_small(out.at[idx, "denominator"]):
            out.at[idx, "denominator"] = None
        symbol = out.at[idx, "symbol"]
        symbol = "" if symbol is None or pd.isna(symbol) else str(symbol).replace("[x]", "")
        out.at[idx, "symbol"] = " ".join(s for s in (SUPPRESSED, symbol.strip()) if s)
    return out


def _frame() -> pd.DataFrame:
    rows = []
    for i, (ind, breakdown, num, den, symbol) in enumerate([
        ("people", "all", 3, 100, None), ("people", "all", 50, 100, "[b]"),
        ("people", "all", 7, 2, "[x]"), ("people", "a", 2, 40, None),
        ("people", "b", 9, 40, None), ("people", "c", 29, 40, None),
        ("events", "all", 1, None, None), ("people", "all", None, None, "[x]"),
    ]):
        rows.append({"indicator_id": ind, "area_code": "E08000018", "period_id": f"FY{2020+i}"
                     if breakdown == "all" else "FY2024", "breakdown": breakdown,
                     "numerator": num, "denominator": den,
                     "value": None if num is None else float(num), "lower_ci": 0.1,
                     "upper_ci": 0.9, "rank": i + 1, "direction": "up", "symbol": symbol})
    return pd.DataFrame(rows)


def test_suppression_matches_the_cell_by_cell_rules():
    frame = _frame()
    new = suppress(frame, {"people"})
    old = reference_suppress(frame, {"people"})
    pd.testing.assert_frame_equal(new.astype(object).where(new.notna(), None),
                                  old.astype(object).where(old.notna(), None))
    hidden = new[new["symbol"].fillna("").str.contains(SUPPRESSED, regex=False)]
    # row 0 (3 people), row 2 (denominator 2), row 3 (2 people) and row 4 (secondary, the
    # smallest other breakdown of the same set); never the events count or the [x] row
    assert sorted(hidden.index) == [0, 2, 3, 4]
    assert new.at[2, "symbol"] == SUPPRESSED and pd.isna(new.at[2, "denominator"])
    assert new.at[6, "numerator"] == 1
    assert pd.isna(new.at[0, "value"]) and new.at[0, "denominator"] == 100
    assert new.at[1, "symbol"] == "[b]"
    assert frame.at[0, "numerator"] == 3  # the input is not changed
    assert all(pd.isna(new.at[3, c]) for c in HIDDEN_COLUMNS if c in new.columns)
    assert is_small(4) and not is_small(5) and not is_small(0)
