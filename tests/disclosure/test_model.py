"""The equations disclosure control builds from a table (reporting/disclosure.py build_model),
pinned exactly on small hand-made tables: which counts are linked, by what coefficients, and
which declared relations are dropped because the values do not follow them. Each test names
the route an attacker would have if the equation were missing or wrong."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd

from reporting.disclosure import (
    _distinct,
    build_model,
    disclosed_before,
    edition_links,
    edition_names,
    in_edition,
    protect,
    published_system,
)
from tests.builders.attack import row
from warehouse.catalogue import Ref, Relation

R, OTHER, THIRD = "E08000018", "E08000016", "E08000019"
YORKS, NE = "E12000003", "E12000001"
COUNTS = {"apps": "count", "inel": "count", "x": "count", "y": "count", "rate": "proportion"}


def cell(ind, part="n", breakdown="all", area=R, period="FY2024"):
    return (ind, area, period, breakdown, part)


def model_of(rows, relations=(), people=None, check=True):
    frame = pd.DataFrame(rows)
    return build_model(frame, list(relations), people or set(frame["indicator_id"]), COUNTS,
                       check=check)


def test_a_complement_is_the_whole_less_its_part_and_is_linked_to_both():
    # 30 applications, 3 ineligible: 27 eligible, a count of people never shown
    rel = Relation("complement", "t", total=Ref("apps"), refs=(Ref("inel"),))
    model = model_of([row(indicator_id="apps", numerator=30),
                      row(indicator_id="inel", numerator=3)], [rel])
    rest = cell("apps", "c")
    assert model.value[rest] == 27.0
    assert rest in model.derived
    assert model.equations == [{cell("apps"): 1.0, cell("inel"): -1.0, rest: -1.0}]


def test_undeclared_breakdowns_add_up_whatever_their_names_sort_before_or_after_all():
    # "aged_18_64" sorts before "all", "female" after it, and both come first in the table:
    # only `all` is the total
    rows = [row(indicator_id="x", breakdown="aged_18_64", numerator=4, denominator=15),
            row(indicator_id="x", breakdown="female", numerator=6, denominator=25),
            row(indicator_id="x", numerator=10, denominator=40)]
    model = model_of(rows)
    assert {cell("x"): 1.0, cell("x", breakdown="aged_18_64"): -1.0,
            cell("x", breakdown="female"): -1.0} in model.equations
    assert {cell("x", "d"): 1.0, cell("x", "d", "aged_18_64"): -1.0,
            cell("x", "d", "female"): -1.0} in model.equations
    assert len(model.equations) == 2


def test_an_indicator_with_other_relations_still_has_its_breakdowns_added_up():
    # x is declared the same count as y, not as having breakdowns: its breakdowns still add up
    rows = [row(indicator_id="x", numerator=10), row(indicator_id="y", numerator=10),
            row(indicator_id="x", breakdown="female", numerator=6),
            row(indicator_id="x", breakdown="male", numerator=4)]
    same = Relation("same", "t", refs=(Ref("x"), Ref("y")))
    model = model_of(rows, [same])
    total = model.canon(cell("x"))
    assert model.canon(cell("y")) == total
    assert {total: 1.0, cell("x", breakdown="female"): -1.0,
            cell("x", breakdown="male"): -1.0} in model.equations


def test_a_breakdown_with_one_part_is_an_equation_of_two_counts():
    model = model_of([row(indicator_id="x", numerator=7),
                      row(indicator_id="x", breakdown="female", numerator=7)],
                     [Relation("breakdowns", "t", indicator="x")])
    assert model.equations == [{cell("x"): 1.0, cell("x", breakdown="female"): -1.0}]


def test_a_declared_relation_the_values_do_not_follow_is_dropped_and_named():
    rel = Relation("sum", "t", total=Ref("apps"), refs=(Ref("inel"), Ref("x")))
    holds = model_of([row(indicator_id="apps", numerator=30),
                      row(indicator_id="inel", numerator=3), row(indicator_id="x", numerator=27)],
                     [rel])
    assert holds.equations == [{cell("apps"): 1.0, cell("inel"): -1.0, cell("x"): -1.0}]
    assert holds.dropped == []
    broken = model_of([row(indicator_id="apps", numerator=30),
                       row(indicator_id="inel", numerator=3),
                       row(indicator_id="x", numerator=26)], [rel])
    assert broken.equations == []
    assert broken.dropped == [f"sum {cell('apps')}"]


def test_one_count_under_two_indicators_both_hidden_is_still_one_count():
    # both rows published as [c]: no values to disagree, so they stay one unknown
    rows = [row(indicator_id="x", numerator=None, symbol="[c]"),
            row(indicator_id="y", numerator=None, symbol="[c]")]
    model = model_of(rows, [Relation("same", "t", refs=(Ref("x"), Ref("y")))])
    assert model.canon(cell("x")) == model.canon(cell("y"))
    assert model.dropped == []
    differ = model_of([row(indicator_id="x", numerator=3), row(indicator_id="y", numerator=4)],
                      [Relation("same", "t", refs=(Ref("x"), Ref("y")))])
    assert model.canon(cell("x")) != differ.canon(cell("y")) or differ.dropped
    assert differ.dropped == [f"same {[cell('x'), cell('y')]}"]


def test_districts_add_up_to_their_region_in_the_same_period_only():
    def area_rows(period, values):
        out = [row(indicator_id="x", period_id=period, area_code=a, numerator=v,
                   region_code=YORKS if a != THIRD else None)
               for a, v in zip((R, OTHER, THIRD), values, strict=True)]
        out.append(row(indicator_id="x", period_id=period, area_code=YORKS,
                       area_level="region", region_code=None,
                       numerator=sum(values)))
        out.append(row(indicator_id="x", period_id=period, area_code="E08000001",
                       region_code=NE, numerator=50))
        return out
    rel = Relation("areas", "t", indicator="x", from_level="district")
    model = model_of(area_rows("FY2023", [3, 10, 20]) + area_rows("FY2024", [4, 11, 22]), [rel])
    region = [e for e in model.equations if cell("x", area=YORKS) in e]
    # the district with no region code counts; the North East district does not
    assert region == [{cell("x", area=YORKS): 1.0, cell("x"): -1.0,
                       cell("x", area=OTHER): -1.0, cell("x", area=THIRD): -1.0}]
    earlier = [e for e in model.equations if cell("x", area=YORKS, period="FY2023") in e]
    assert earlier == [{cell("x", area=YORKS, period="FY2023"): 1.0,
                        cell("x", period="FY2023"): -1.0,
                        cell("x", area=OTHER, period="FY2023"): -1.0,
                        cell("x", area=THIRD, period="FY2023"): -1.0}]


def test_a_hidden_denominator_hides_its_numerator_even_when_that_is_zero():
    # 0 of 4: the 4 is small; showing 0 with the value 0% would give nothing, but the
    # numerator is hidden with its denominator (the value gives one from the other)
    truth = pd.DataFrame([row(indicator_id="rate", numerator=0, denominator=4, value=0.0)])
    _, decision = protect(truth, {"rate"}, [], COUNTS)
    assert {cell("rate", "n"), cell("rate", "d")} <= decision.hidden


def test_an_earlier_edition_discloses_a_count_only_around_its_true_value():
    # earlier edition: total 10 and a 7 shown, so the hidden part is 3 exactly
    eqs = [{"t": 1.0, "a": -1.0, "x": -1.0}]
    extra = [(eqs, {"t": 10.0, "a": 7.0}, {"x"})]
    assert disclosed_before(["x"], extra, {"x": 3.0}) == {"x": 0}
    # today the count is 8: the old edition's 3 is no longer true, so discloses nothing now
    assert disclosed_before(["x"], extra, {"x": 8.0}) == {}
    # an interval 5 wide does not disclose
    wide = [(eqs, {"t": 10.0}, {"x", "a"})]
    assert disclosed_before(["x"], wide, {"x": 3.0}) == {}


def test_earlier_editions_are_named_and_the_same_table_twice_is_one_system():
    a = pd.DataFrame([row(indicator_id="x", numerator=3)])
    b = pd.DataFrame([row(indicator_id="x", numerator=5)])
    frames = _distinct([a, b, a.copy()])
    assert edition_names(frames) == ["earlier edition 1, earlier edition 3",
                                     "earlier edition 2"]
    a.attrs["edition"] = "20260101T000000Z-aaaa"
    assert edition_names(_distinct([a])) == ["20260101T000000Z-aaaa"]
    assert "edition" not in b.attrs  # the caller's frames are not relabelled


def test_a_published_table_as_an_attacker_holds_it():
    rows = [row(indicator_id="rate", numerator=6, denominator=20, value=30.0),
            row(indicator_id="x", numerator=None, symbol="[c]"),
            row(indicator_id="x", breakdown="female", numerator=6),
            row(indicator_id="x", breakdown="male", numerator=None, symbol="[c]")]
    equations, known, unknown = published_system(pd.DataFrame(rows), [], {"rate", "x"},
                                                 COUNTS)
    assert known == {cell("rate"): 6.0, cell("rate", "d"): 20.0,
                     cell("x", breakdown="female"): 6.0}
    assert unknown == {cell("rate", "c"), cell("x"), cell("x", breakdown="male")}
    assert sorted(map(sorted, (e.items() for e in equations))) == sorted(map(sorted, (
        {cell("x"): 1.0, cell("x", breakdown="female"): -1.0,
         cell("x", breakdown="male"): -1.0}.items(),
        {cell("rate", "d"): 1.0, cell("rate"): -1.0, cell("rate", "c"): -1.0}.items())))


def test_council_ranks_are_given_among_shown_values_when_there_are_no_area_ranks():
    base = {"rank": None, "rank_of": None}
    rows = [row(indicator_id="rate", area_code=a, numerator=n, denominator=d, value=v,
                council_rank=k, council_rank_of=3, **base)
            for a, n, d, v, k in ((R, 3, 3, 100.0, 1), (OTHER, 50, 60, 83.3, 2),
                                  (THIRD, 40, 60, 66.7, 3))]
    out = protect(pd.DataFrame(rows), {"rate"}, [], COUNTS)[0]
    shown = out[out["area_code"] != R]
    assert pd.isna(out.loc[out["area_code"] == R, "value"].iloc[0])
    assert shown["council_rank"].tolist() == [1, 2]
    assert shown["council_rank_of"].tolist() == [2, 2]


def test_solving_prints_nothing_on_standard_output():
    # HiGHS prints a banner when the first solver of a process is made
    code = ("from reporting.disclosure import interval_audit; "
            "print(interval_audit([{'t': 1.0, 'a': -1.0, 'b': -1.0}, "
            "{'u': 1.0, 'b': -1.0, 'c': -1.0}], {'t': 6.0, 'u': 7.0}, {'a', 'b', 'c'}, "
            "['a']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout == "{'a': (0.0, 6.0)}\n"


def test_declared_breakdowns_are_one_equation_whatever_the_names():
    # parts named after `all` in sort order ("female", "male") are parts, never totals
    rows = [row(indicator_id="x", breakdown="female", numerator=6),
            row(indicator_id="x", breakdown="male", numerator=4),
            row(indicator_id="x", numerator=10)]
    model = model_of(rows, [Relation("breakdowns", "t", indicator="x")])
    assert model.equations == [{cell("x"): 1.0, cell("x", breakdown="female"): -1.0,
                                cell("x", breakdown="male"): -1.0}]
    assert model.dropped == []  # no "female = male" equation tried and found not to hold


def test_areas_add_up_breakdown_by_breakdown():
    rel = Relation("areas", "t", indicator="x", from_level="district")
    rows = []
    for breakdown, values in (("all", (3, 10)), ("female", (1, 6))):
        rows += [row(indicator_id="x", breakdown=breakdown, area_code=a, numerator=v)
                 for a, v in zip((R, OTHER), values, strict=True)]
        rows.append(row(indicator_id="x", breakdown=breakdown, area_code=YORKS,
                        area_level="region", region_code=None, numerator=sum(values)))
    model = model_of(rows, [rel])
    regions = [e for e in model.equations if any(c[1] == YORKS for c in e)]
    assert sorted(regions, key=str) == sorted([
        {cell("x", area=YORKS): 1.0, cell("x"): -1.0, cell("x", area=OTHER): -1.0},
        {cell("x", breakdown="female", area=YORKS): 1.0, cell("x", breakdown="female"): -1.0,
         cell("x", breakdown="female", area=OTHER): -1.0}], key=str)


def test_district_denominators_add_up_to_the_region_and_a_sum_that_is_off_is_not_used():
    def rows_with(region_den):
        return [row(indicator_id="x", area_code=R, numerator=3, denominator=40),
                row(indicator_id="x", area_code=OTHER, numerator=10, denominator=60),
                row(indicator_id="x", area_code=YORKS, area_level="region",
                    region_code="E92000001", is_sum_of_districts=True, numerator=13,
                    denominator=region_den)]
    model = model_of(rows_with(100))
    assert {cell("x", "d", area=YORKS): 1.0, cell("x", "d"): -1.0,
            cell("x", "d", area=OTHER): -1.0} in model.equations
    assert model.unused == []
    off = model_of(rows_with(101))  # the region's denominator is not the districts' sum
    assert not any(cell("x", "d", area=YORKS) in e for e in off.equations)
    assert off.unused == [f"district denominators {('x', 'FY2024', 'all', YORKS)}"]


def test_undeclared_breakdowns_off_by_one_are_not_used():
    rows = [row(indicator_id="x", numerator=11), row(indicator_id="x", breakdown="f",
                                                      numerator=6),
            row(indicator_id="x", breakdown="m", numerator=4)]
    model = model_of(rows)
    assert model.equations == []
    assert model.unused == [f"breakdowns of x {('x', R, 'FY2024', 'all')}"]


def test_a_complement_is_never_taken_as_shown():
    # 3 of 20 hidden: the 17 others are a count too, never shown, so the 20 alone leaves the
    # 3 anywhere in 0-20 and nothing more needs hiding
    truth = pd.DataFrame([row(indicator_id="rate", numerator=3, denominator=20, value=15.0)])
    _, decision = protect(truth, {"rate"}, [], COUNTS)
    assert decision.hidden == {cell("rate", "n")}
    assert decision.intervals[cell("rate", "n")] == (0.0, 20.0)


def test_an_unknown_in_no_equation_is_anywhere_from_zero_up():
    from reporting.disclosure import interval_audit

    # the first group has nothing to audit; the second is pinned; the third is free
    eqs = [{"t": 1.0, "a": -1.0, "b": -1.0}, {"u": 1.0, "c": -1.0}]
    intervals = interval_audit(eqs, {"t": 5.0, "u": 3.0}, {"a", "b", "c", "d"}, ["c", "d"])
    assert intervals == {"c": (3.0, 3.0), "d": (0.0, math.inf)}


def test_ranks_without_area_rank_columns_are_still_given_among_shown():
    rows = [row(indicator_id="rate", area_code=a, numerator=n, denominator=d, value=v,
                council_rank=k, council_rank_of=3)
            for a, n, d, v, k in ((R, 3, 3, 100.0, 1), (OTHER, 50, 60, 83.3, 2),
                                  (THIRD, 40, 60, 66.7, 3))]
    frame = pd.DataFrame(rows).drop(columns=["rank", "rank_of"])
    out = protect(frame, {"rate"}, [], COUNTS)[0]
    assert out.loc[out["area_code"] != R, "council_rank"].tolist() == [1, 2]


def test_the_refusal_names_each_narrowed_cell_and_its_interval():
    import pytest

    from reporting.disclosure import DisclosureError, audit_published

    truth = pd.DataFrame([row(indicator_id="x", numerator=10),
                          row(indicator_id="x", breakdown="f", numerator=3),
                          row(indicator_id="x", breakdown="m", numerator=7)])
    leaky = truth.copy()
    leaky[["numerator", "value"]] = leaky[["numerator", "value"]].astype(object)
    leaky.loc[1, ["numerator", "value", "symbol"]] = [None, None, "[c]"]
    with pytest.raises(DisclosureError) as refused:
        audit_published(leaky, truth, {"x"}, [], COUNTS)
    assert str(refused.value) == (
        f"1 hidden cell(s) could be narrowed to less than 5: {cell('x', breakdown='f')} "
        "in [3, 3]. Nothing was published.")
    # six such cells: all counted, the first five named
    many = pd.concat([leaky.assign(indicator_id=f"x{k}") for k in range(6)], ignore_index=True)
    truths = pd.concat([truth.assign(indicator_id=f"x{k}") for k in range(6)],
                       ignore_index=True)
    with pytest.raises(DisclosureError) as refused:
        audit_published(many, truths, {f"x{k}" for k in range(6)}, [], COUNTS)
    text = str(refused.value)
    assert text.startswith("6 hidden cell(s) could be narrowed to less than 5: ")
    assert [f"x{k}" in text for k in range(6)] == [True] * 5 + [False]


def test_a_row_hidden_in_an_earlier_edition_without_a_denominator_column_stays_hidden():
    earlier = pd.DataFrame([row(indicator_id="x", numerator=None, symbol="[c]")]).drop(
        columns=["denominator"])
    truth = pd.DataFrame([row(indicator_id="x", numerator=9)])
    out, decision = protect(truth, {"x"}, [], COUNTS, [earlier])
    assert decision.carried == {cell("x")}
    assert pd.isna(out.loc[0, "numerator"])


def test_a_complement_whose_part_sorts_before_its_whole():
    rel = Relation("complement", "t", total=Ref("x"), refs=(Ref("apps"),))
    model = model_of([row(indicator_id="x", numerator=30),
                      row(indicator_id="apps", numerator=3)], [rel])
    assert model.value[cell("x", "c")] == 27.0


def test_one_count_under_two_indicators_is_matched_breakdown_by_breakdown():
    # x's `all` is y's `all`; x's breakdown "aged_18_64" is not
    rows = [row(indicator_id="x", numerator=10), row(indicator_id="y", numerator=10),
            row(indicator_id="x", breakdown="aged_18_64", numerator=4),
            row(indicator_id="x", breakdown="female", numerator=6)]
    model = model_of(rows, [Relation("same", "t", refs=(Ref("x"), Ref("y")))])
    assert model.canon(cell("y")) == model.canon(cell("x"))
    assert model.alias == {cell("y"): cell("x")}
    assert model.dropped == []


def test_a_sum_over_every_breakdown_and_another_term():
    # t = every breakdown of x (not `all`) + y: 10 = (3 + 4) + 3
    rel = Relation("sum", "t", total=Ref("apps"), refs=(Ref("x", breakdown="*"), Ref("y")))
    rows = [row(indicator_id="apps", numerator=10), row(indicator_id="x", numerator=7),
            row(indicator_id="x", breakdown="a", numerator=3),
            row(indicator_id="x", breakdown="b", numerator=4),
            row(indicator_id="y", numerator=3)]
    model = model_of(rows, [rel])
    assert {cell("apps"): 1.0, cell("x", breakdown="a"): -1.0, cell("x", breakdown="b"): -1.0,
            cell("y"): -1.0} in model.equations
    assert model.dropped == []


def test_the_manifest_counts_what_earlier_editions_disclose_but_names_no_cell():
    from reporting.disclosure import disclosed_report

    found = {cell("x", "n", "female"): "e2", cell("rate", "c"): "e1",
             cell("y", "d", area=OTHER, period="FY2023"): "e2, e3"}
    # editions that published the same table are named together: each is to be withdrawn
    assert disclosed_report(found) == {"cells": 3, "editions": ["e1", "e2", "e3"]}


def test_districts_with_no_region_add_up_to_the_country():
    rel = Relation("areas", "t", indicator="x", from_level="district")
    rows = [row(indicator_id="x", area_code=a, numerator=v, region_code=None)
            for a, v in ((R, 3), (OTHER, 10))]
    rows.append(row(indicator_id="x", area_code="E92000001", area_level="country",
                    region_code=None, numerator=13))
    model = model_of(rows, [rel])
    assert model.equations == [{cell("x", area="E92000001"): 1.0, cell("x"): -1.0,
                                cell("x", area=OTHER): -1.0}]


def test_an_indicator_with_an_areas_relation_still_has_its_breakdowns_added_up():
    rel = Relation("areas", "t", indicator="x", from_level="district")
    rows = [row(indicator_id="x", numerator=10),
            row(indicator_id="x", breakdown="female", numerator=6),
            row(indicator_id="x", breakdown="male", numerator=4)]
    model = model_of(rows, [rel])
    assert model.equations == [{cell("x"): 1.0, cell("x", breakdown="female"): -1.0,
                                cell("x", breakdown="male"): -1.0}]


def test_declared_breakdowns_include_parts_named_before_all():
    rows = [row(indicator_id="x", numerator=10),
            row(indicator_id="x", breakdown="aged_18_64", numerator=6),
            row(indicator_id="x", breakdown="aged_65_plus", numerator=4)]
    model = model_of(rows, [Relation("breakdowns", "t", indicator="x")])
    assert model.equations == [{cell("x"): 1.0, cell("x", breakdown="aged_18_64"): -1.0,
                                cell("x", breakdown="aged_65_plus"): -1.0}]


def test_one_equation_with_a_coefficient_between_zero_and_one():
    import numpy as np

    from reporting.disclosure import _one_equation_bounds

    # 2a + b = 10: a is at most 5, b at most 10, both can be 0
    assert _one_equation_bounds(np.array([2.0, 1.0]), 10.0, 0) == (0.0, 5.0)
    assert _one_equation_bounds(np.array([2.0, 1.0]), 10.0, 1) == (0.0, 10.0)


def test_relations_are_found_whatever_row_of_the_indicator_comes_first():
    # a breakdown row of x (and of the total) comes before its `all` row in the table
    rows = [row(indicator_id="x", breakdown="female", numerator=6),
            row(indicator_id="x", numerator=10), row(indicator_id="y", numerator=10),
            row(indicator_id="apps", breakdown="female", numerator=9),
            row(indicator_id="apps", numerator=13), row(indicator_id="inel", numerator=3)]
    model = model_of(rows, [Relation("same", "t", refs=(Ref("x"), Ref("y"))),
                            Relation("sum", "t", total=Ref("apps"),
                                     refs=(Ref("x"), Ref("inel")))])
    assert model.canon(cell("y")) == model.canon(cell("x"))
    assert {cell("apps"): 1.0, cell("x"): -1.0, cell("inel"): -1.0} in model.equations


def test_a_sum_is_one_equation_whatever_breakdowns_its_total_has():
    # the total indicator has breakdown rows named before and after `all`, before it
    rel = Relation("sum", "t", total=Ref("apps"), refs=(Ref("x"), Ref("inel")))
    rows = [row(indicator_id="apps", breakdown="aged_18_64", numerator=5),
            row(indicator_id="apps", breakdown="female", numerator=9),
            row(indicator_id="apps", numerator=13), row(indicator_id="x", numerator=10),
            row(indicator_id="inel", numerator=3)]
    model = model_of(rows, [rel])
    assert [e for e in model.equations if cell("apps") in e] == [
        {cell("apps"): 1.0, cell("x"): -1.0, cell("inel"): -1.0}]
    assert model.dropped == []


def test_one_count_under_two_indicators_in_every_period_where_both_are_published():
    # 2023 has no y row: nothing to join there; 2024 has both
    rows = [row(indicator_id="x", period_id="FY2023", numerator=8),
            row(indicator_id="x", numerator=10), row(indicator_id="y", numerator=10)]
    model = model_of(rows, [Relation("same", "t", refs=(Ref("x"), Ref("y")))])
    assert model.alias == {cell("y"): cell("x")}


def test_an_earlier_editions_cells_are_its_own_unknowns_tied_to_todays_where_still_true():
    # each earlier edition's cells are separate unknowns, named after the edition; a count
    # hidden today is tied to the edition's copy where that showed today's true value
    female, male = cell("x", breakdown="female"), cell("x", breakdown="male")
    assert in_edition(female, 2) == ("x@2", R, "FY2024", "female", "n")
    assert in_edition(cell("x", "d", area=OTHER, period="FY2023"), 0) == (
        "x@0", OTHER, "FY2023", "all", "d")
    names = {c: in_edition(c, 0) for c in (cell("x"), female, male)}
    # the earlier edition showed 4 females (still true) and 9 males (today 2): only the
    # first is an equation an attacker may rightly use
    links = edition_links([], {cell("x"): 10.0}, {female, male}, {female, male},
                          {female: 4.0, male: 2.0}, {female: 4.0, male: 9.0}, set(), names)
    assert links == [{female: 1.0, ("x@0", R, "FY2024", "female", "n"): -1.0}]



def test_one_count_under_two_indicators_dropped_in_one_period_is_still_tied_in_the_next():
    # FY2023's values differ (3 and 4): not the same count there; FY2024's agree
    rows = [row(indicator_id="x", period_id="FY2023", numerator=3),
            row(indicator_id="y", period_id="FY2023", numerator=4),
            row(indicator_id="x", period_id="FY2024", numerator=7),
            row(indicator_id="y", period_id="FY2024", numerator=7)]
    model = model_of(rows, [Relation("same", "t", refs=(Ref("x"), Ref("y")))])
    assert model.dropped == [f"same {[cell('x', period='FY2023'), cell('y', period='FY2023')]}"]
    assert model.canon(cell("x", period="FY2024")) == model.canon(cell("y", period="FY2024"))
    assert model.canon(cell("x", period="FY2023")) != model.canon(cell("y", period="FY2023"))


def test_an_equation_whose_terms_cancel_once_counts_are_merged_is_not_kept():
    # x's total is declared the same count as its females: the breakdowns' equation
    # total - female - male becomes "- male = 0", which is no equation between two counts
    rows = [row(indicator_id="x", numerator=5), row(indicator_id="x", breakdown="female",
                                                    numerator=5),
            row(indicator_id="x", breakdown="male", numerator=0)]
    model = model_of(rows, [Relation("same", "t", refs=(Ref("x"),
                                                        Ref("x", breakdown="female")))])
    assert model.canon(cell("x")) == model.canon(cell("x", breakdown="female"))
    assert model.equations == []


def test_the_same_table_with_another_index_is_the_same_edition():
    a = pd.DataFrame([row(indicator_id="x", numerator=3), row(indicator_id="y", numerator=5)])
    # another index, or the rows in another order: the same equations
    assert len(_distinct([a, a.set_axis([7, 9]), a.iloc[::-1]])) == 1
    other = a.copy()
    other.loc[1, "numerator"] = 6
    assert len(_distinct([a, other])) == 2


def test_a_count_nothing_bounds_above_is_unbounded_whatever_the_equations():
    from reporting.disclosure import interval_audit

    # a = b and c = a, nothing known: two equations (the solver, not the closed form)
    eqs = [{"a": 1.0, "b": -1.0}, {"c": 1.0, "a": -1.0}]
    assert interval_audit(eqs, {}, {"a", "b", "c"}, ["a", "c"]) == {
        "a": (0.0, math.inf), "c": (0.0, math.inf)}
    # with a total of 6 over a and b and c = a, each is 0-6 and 0-3 ... 6
    bounded = [{"t": 1.0, "a": -1.0, "b": -1.0}, {"c": 1.0, "a": -1.0}]
    assert interval_audit(bounded, {"t": 6.0}, {"a", "b", "c"}, ["a", "b", "c"]) == {
        "a": (0.0, 6.0), "b": (0.0, 6.0), "c": (0.0, 6.0)}


def test_links_that_contradict_what_is_published_are_left_out_and_the_others_kept():
    from reporting.disclosure import consistent_links

    # a is 3 (t - a = 0 with t shown as 3); the earlier edition's s is 5: a = s cannot hold,
    # b = s can
    kept = consistent_links([{"t": 1.0, "a": -1.0}], {"t": 3.0, "s": 5.0}, {"a", "b"},
                            [{"a": 1.0, "s": -1.0}, {"b": 1.0, "s": -1.0}])
    assert kept == [{"b": 1.0, "s": -1.0}]


def test_an_earlier_edition_that_discloses_a_count_on_its_own_is_named_not_refused():
    from reporting.disclosure import audit_published

    # today: 10 carers, female and male both [c]; the earlier edition of the same figures
    # showed the 6 males (still true), so its 10 - 6 gives today's 4 females already
    truth = pd.DataFrame([row(indicator_id="x", numerator=10),
                          row(indicator_id="x", breakdown="female", numerator=4),
                          row(indicator_id="x", breakdown="male", numerator=6)])
    today = truth.copy()
    today.loc[1:, "numerator"] = None
    today.loc[1:, "symbol"] = "[c]"
    earlier = truth.copy()
    earlier.loc[1, "numerator"] = None
    earlier.loc[1, "symbol"] = "[c]"
    earlier.attrs["edition"] = "20260101T000000Z-aaaa"
    excused: dict = {}
    intervals = audit_published(today, truth, {"x"}, [], COUNTS, [earlier], excused)
    assert excused == {cell("x", breakdown="female"): "20260101T000000Z-aaaa"}
    assert intervals[cell("x", breakdown="female")] == (4.0, 4.0)
    # without the earlier edition, today's table alone leaves 0-10
    alone = audit_published(today, truth, {"x"}, [], COUNTS)
    assert alone[cell("x", breakdown="female")] == (0.0, 10.0)


def test_a_stock_is_last_years_stock_plus_this_years_joiners():
    # members at year end = members a year before + joined this year
    stock = Relation("sum", "t", total=Ref("x"), refs=(Ref("x", period="previous"),
                                                       Ref("y")))
    rows = [row(indicator_id="x", period_id="FY2023", numerator=20),
            row(indicator_id="x", numerator=26, previous_period_id="FY2023"),
            row(indicator_id="y", numerator=6, previous_period_id="FY2023")]
    model = model_of(rows, [stock])
    assert model.equations == [{cell("x"): 1.0, cell("x", period="FY2023"): -1.0,
                                cell("y"): -1.0}]


def test_a_term_whose_row_is_not_published_is_an_unknown_when_declared_so():
    # y's row is missing: "unknown" makes it a count nobody was shown (latent), "zero" none
    unknown = Relation("sum", "t", total=Ref("x"), refs=(Ref("z"), Ref("y", missing="unknown")))
    rows = [row(indicator_id="x", numerator=10), row(indicator_id="z", numerator=4)]
    latent = ("y", R, "FY2024", "all", "u")
    model = model_of(rows, [unknown])
    assert model.latent == {latent}
    assert model.equations == [{cell("x"): 1.0, cell("z"): -1.0, latent: -1.0}]
    zero = Relation("sum", "t", total=Ref("x"), refs=(Ref("z"), Ref("y")))
    assert model_of(rows, [zero], check=False).equations == [{cell("x"): 1.0, cell("z"): -1.0}]


def test_a_rate_hidden_in_an_earlier_edition_without_a_denominator_column_keeps_both_hidden():
    earlier = pd.DataFrame([row(indicator_id="rate", numerator=None, symbol="[c]")]).drop(
        columns=["denominator"])
    truth = pd.DataFrame([row(indicator_id="rate", numerator=30, denominator=90, value=33.3)])
    _, decision = protect(truth, {"rate"}, [], COUNTS, [earlier])
    assert decision.carried == {cell("rate", "n"), cell("rate", "d")}


def test_districts_add_up_to_regions_and_regions_to_england_when_regions_carry_their_code():
    # as marts.dim_area has it, a region row's region_code is its own code: it is still a
    # part of England, not of itself
    eng = "E92000001"
    total = {"is_sum_of_districts": True}
    rows = [row(indicator_id="x", numerator=3), row(indicator_id="x", area_code=OTHER,
                                                    numerator=10),
            row(indicator_id="x", area_code=YORKS, area_level="region", region_code=YORKS,
                numerator=13, **total),
            row(indicator_id="x", area_code="E06000047", region_code=NE, numerator=5),
            row(indicator_id="x", area_code=NE, area_level="region", region_code=NE,
                numerator=5, **total),
            row(indicator_id="x", area_code=eng, area_level="country", region_code=None,
                numerator=18, **total)]
    model = model_of(rows)
    assert sorted(map(sorted, (e.items() for e in model.equations))) == sorted(map(sorted, (
        {cell("x", area=YORKS): 1.0, cell("x"): -1.0, cell("x", area=OTHER): -1.0}.items(),
        {cell("x", area=NE): 1.0, cell("x", area="E06000047"): -1.0}.items(),
        {cell("x", area=eng): 1.0, cell("x", area=YORKS): -1.0,
         cell("x", area=NE): -1.0}.items())))
    assert model.dropped == []


def test_a_cell_with_no_shown_neighbour_takes_its_linked_groups_shown_cells():
    from reporting.disclosure import Model, _shown_neighbours, equations_by_cell

    a, b, c, d, e = (cell(x) for x in "abcde")
    model = Model(value={a: 1.0, b: 2.0, c: 3.0, d: 1.0, e: 2.0},
                  equations=[{c: 1.0, a: -1.0, b: -1.0}, {c: 1.0, d: -1.0, e: -1.0}])
    holding = equations_by_cell(model.equations)
    assert holding[c] == model.equations and holding[d] == model.equations[1:]
    # a's own equation has only hidden cells: the group's shown cells are the candidates
    assert _shown_neighbours(model, a, {a, b, c}, holding) == [d, e]
    assert _shown_neighbours(model, a, {a, c}, holding) == [b]
    assert _shown_neighbours(model, a, {a, b, c, d, e}, holding) == []


def test_value_types_are_read_per_indicator():
    from reporting.disclosure import _value_types

    frame = pd.DataFrame([row(indicator_id="rate", value_type="proportion"),
                          row(indicator_id="rate", value_type="proportion", area_code=OTHER),
                          row(indicator_id="x", value_type="count")], index=[5, 7, 9])
    assert _value_types(frame) == {"rate": "proportion", "x": "count"}
    assert _value_types(frame.drop(columns=["value_type"])) == {}
