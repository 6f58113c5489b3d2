"""Disclosure control on fixtures built to leak: an attacker who knows the rules (breakdowns
add up to `all`, districts to their region, change = value - previous value, a rate times its
denominator is the count) tries to recover every hidden count, and fails."""

from __future__ import annotations

import math

import pandas as pd

from reporting.board import board_table
from reporting.disclosure import SUPPRESSED, suppress
from tests.builders.attack import attack, hidden_cells, shown
from tests.builders.attack import row as _row
from warehouse.catalogue import load

R, REGION, OTHER, ENGLAND = "E08000018", "E12000003", "E08000016", "E92000001"




def _assert_nothing_recovered(truth: pd.DataFrame, out: pd.DataFrame) -> None:
    known = attack(out)
    hidden = hidden_cells(out)
    assert hidden, "the fixture must hide something"
    for k in hidden:
        assert k not in known, f"{k} recovered as {known.get(k)}"
    # and the attacker's arithmetic is right where it does get an answer (the attack is real)
    true = {tuple(r[:4]): r[4] for r in truth[["indicator_id", "area_code", "period_id",
                                               "breakdown", "numerator"]]
            .itertuples(index=False, name=None)}
    for k, v in known.items():
        if k in true and shown(true[k]):
            assert math.isclose(v, true[k]), (k, v, true[k])


def test_breakdowns_that_add_up_to_a_total_do_not_give_the_hidden_one_away():
    # 3 + 10 + 12 = 25: without secondary suppression 25 - 10 - 12 = 3
    truth = pd.DataFrame([_row(breakdown="all", numerator=25), _row(breakdown="a", numerator=3),
                          _row(breakdown="b", numerator=10), _row(breakdown="c", numerator=12)])
    out = suppress(truth, {"people"})
    assert len(hidden_cells(out)) == 2  # the 3 and the 10, the smallest other
    assert out.loc[out.breakdown == "all", "numerator"].iloc[0] == 25
    _assert_nothing_recovered(truth, out)
    naive = truth.copy()
    naive.loc[1, ["numerator", "value"]] = None
    naive.loc[1, "symbol"] = SUPPRESSED
    assert attack(naive)[("people", R, "FY2024", "a")] == 3  # the attack works on a leak


def test_a_hidden_total_is_protected_too():
    # the `all` row is 4 and its breakdowns 0 + 4: both 4s hidden, the 0 is not a small count
    truth = pd.DataFrame([_row(breakdown="all", numerator=4), _row(breakdown="a", numerator=0),
                          _row(breakdown="b", numerator=4)])
    out = suppress(truth, {"people"})
    _assert_nothing_recovered(truth, out)
    assert sorted(b for *_, b in hidden_cells(out)) == ["all", "b"]
    assert out.loc[out.breakdown == "a", "numerator"].iloc[0] == 0


def test_a_hidden_previous_period_is_not_given_away_by_the_change():
    truth = pd.DataFrame([
        _row(period_id="FY2023", numerator=3),
        _row(period_id="FY2024", numerator=20, previous_period_id="FY2023",
             previous_value=3.0, change=17.0, direction="up"),
        _row(period_id="FY2025", numerator=4, previous_period_id="FY2024",
             previous_value=20.0, change=-16.0, direction="down"),
    ])
    out = suppress(truth, {"people"})
    nxt = out[out.period_id == "FY2024"].iloc[0]
    assert nxt["numerator"] == 20 and pd.isna(nxt["previous_value"]) and pd.isna(nxt["change"])
    _assert_nothing_recovered(truth, out)
    naive = truth.copy()
    naive.loc[0, ["numerator", "value"]] = None
    naive.loc[0, "symbol"] = SUPPRESSED
    assert attack(naive)[("people", R, "FY2023", "all")] == 3


def test_districts_that_add_up_to_their_region_do_not_give_rotherham_away():
    truth = pd.DataFrame([
        _row(area_code=R, numerator=2, region_value=40.0),
        _row(area_code=OTHER, numerator=30, region_value=40.0),
        _row(area_code="E08000019", numerator=8, region_value=40.0),
        _row(area_code=REGION, area_level="region", region_code=ENGLAND,
             is_sum_of_districts=True, numerator=40, england_value=None),
    ])
    out = suppress(truth, {"people"})
    assert len(hidden_cells(out)) == 2
    _assert_nothing_recovered(truth, out)


def test_a_hidden_region_is_not_repeated_as_a_comparator():
    truth = pd.DataFrame([
        _row(area_code=R, numerator=2, region_value=3.0),
        _row(area_code=OTHER, numerator=1, region_value=3.0),
        _row(area_code=REGION, area_level="region", region_code=ENGLAND,
             is_sum_of_districts=True, numerator=3),
    ])
    out = suppress(truth, {"people"})
    assert out["region_value"].isna().all()
    _assert_nothing_recovered(truth, out)


def test_a_rate_with_a_shown_denominator_does_not_give_the_count_away():
    truth = pd.DataFrame([_row(numerator=3, denominator=120, value=2.5, lower_ci=0.5,
                               upper_ci=7.3, unit="%")])
    out = suppress(truth, {"people"})
    row = out.iloc[0]
    assert row["denominator"] == 120
    assert all(pd.isna(row[c]) for c in ("numerator", "value", "lower_ci", "upper_ci"))
    _assert_nothing_recovered(truth, out)
    # the attacker's route is real: 2.5% of 120 is the hidden 3
    naive = truth.copy()
    naive.loc[0, "numerator"] = None
    naive.loc[0, "symbol"] = SUPPRESSED
    assert attack(naive)[("people", R, "FY2024", "all")] == 3
    naive.loc[0, ["value", "unit"]] = [25.0, "per 1,000"]
    assert attack(naive)[("people", R, "FY2024", "all")] == 3


def test_a_hidden_value_keeps_no_rank_or_distance_from_the_median():
    # rank 1 of 147 with a council median of 100% would say the hidden value is 100%
    truth = pd.DataFrame([_row(numerator=3, denominator=3, value=100.0, council_median=100.0,
                               mads_from_median=0.0, council_rank=1, council_rank_of=147,
                               rank=1, rank_of=147)])
    row = suppress(truth, {"people"}).iloc[0]
    assert all(pd.isna(row[c]) for c in ("value", "mads_from_median", "council_rank",
                                         "council_rank_of", "rank", "rank_of"))
    assert row["council_median"] == 100.0  # the comparator itself is not about this row


def test_counts_not_about_people_are_left_alone():
    truth = pd.DataFrame([_row(indicator_id="events", numerator=2)])
    out = suppress(truth, {"people"})
    assert out.iloc[0]["numerator"] == 2 and out.iloc[0]["symbol"] is None


def test_the_board_table_shows_c_where_the_published_value_is_hidden():
    catalogue = load()
    ind = next(i for i in catalogue.indicators if i.disclosure == "people"
               and i.value_type == "count")
    truth = pd.DataFrame([
        _row(indicator_id=ind.id, period_id="FY2023", numerator=3),
        _row(indicator_id=ind.id, period_id="FY2024", numerator=20, previous_period_id="FY2023",
             previous_value=3.0, change=17.0, direction="up"),
    ])
    truth["area_name"] = "Rotherham"
    truth["period_label"] = truth["period_id"].map({"FY2023": "2023/24", "FY2024": "2024/25"})
    truth["note"] = None
    board = board_table(suppress(truth, {ind.id}), catalogue, [])
    row = board[board.indicator_id == ind.id].iloc[0]
    assert row["value"] == 20 and row["period_id"] == "FY2024"
    assert pd.isna(row["previous_value"]) and pd.isna(row["change"])
    assert pd.isna(row["direction"])
    only_hidden = board_table(suppress(truth[truth.period_id == "FY2023"], {ind.id}),
                              catalogue, [])
    hidden_row = only_hidden[only_hidden.indicator_id == ind.id].iloc[0]
    assert "[c]" in hidden_row["symbol"] and pd.isna(hidden_row["value"])
