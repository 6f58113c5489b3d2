"""Suppression on a mixed table: what is hidden, what is left, column by column. (The
cell-by-cell reference this file once compared with was the rule before issue 17's linked-table
protection, which no longer hides a partner where no total links it.)"""

from __future__ import annotations

import pandas as pd

from reporting.disclosure import HIDDEN_COLUMNS, SUPPRESSED, is_small, suppress


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


def test_suppression_hides_the_small_counts_and_nothing_unlinked():
    frame = _frame()
    new = suppress(frame, {"people"})
    hidden = new[new["symbol"].fillna("").str.contains(SUPPRESSED, regex=False)]
    # row 0 (3 people), row 2 (denominator 2), row 3 (2 people); breakdowns a, b, c have no
    # `all` row, so nothing links row 3 to the others and no partner is hidden; never the
    # events count or the [x] row
    assert sorted(hidden.index) == [0, 2, 3]
    assert new.at[4, "numerator"] == 9
    assert new.at[2, "symbol"] == SUPPRESSED and pd.isna(new.at[2, "denominator"])
    assert new.at[6, "numerator"] == 1
    assert pd.isna(new.at[0, "value"]) and new.at[0, "denominator"] == 100
    assert new.at[1, "symbol"] == "[b]"
    assert frame.at[0, "numerator"] == 3  # the input is not changed
    assert all(pd.isna(new.at[3, c]) for c in HIDDEN_COLUMNS if c in new.columns)
    assert is_small(4) and not is_small(5) and not is_small(0)
