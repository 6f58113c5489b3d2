"""Disclosure control at its edges (each test kills mutants of reporting/disclosure.py that
survived tests/reporting/test_disclosure.py; see docs/testing.md). Every expected cell is worked
out by hand from the fixture."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from reporting.disclosure import SUPPRESSED, is_small, suppress
from tests.builders import outsider
from tests.builders.attack import attack, hidden_cells
from tests.builders.attack import row as _row

R, OTHER, THIRD = "E08000018", "E08000016", "E08000019"
YORKS, NORTH_EAST, ENGLAND = "E12000003", "E12000001", "E92000001"




def _hidden(out: pd.DataFrame) -> set[tuple]:
    return {(a, p, b) for _, a, p, b in hidden_cells(out)}


@pytest.mark.parametrize(("count", "small"), [
    (None, False), (float("nan"), False), (0, False), (1, True), (4, True), (4.5, True),
    (5, False), (120, False), ("3", True),
])
def test_what_counts_as_small(count, small):
    assert is_small(count) is small


def test_regions_adding_up_to_england_protect_a_hidden_region():
    # England is the sum of its regions here: 3 (hidden) + 40 + 60 = 103. Without secondary
    # suppression 103 - 40 - 60 gives the 3 away; the smaller other region (40) goes too.
    truth = pd.DataFrame([
        _row(area_code=YORKS, area_level="region", region_code=ENGLAND, numerator=3,
             is_sum_of_districts=True),
        _row(area_code=NORTH_EAST, area_level="region", region_code=ENGLAND, numerator=40,
             is_sum_of_districts=True),
        _row(area_code="E12000002", area_level="region", region_code=ENGLAND, numerator=60,
             is_sum_of_districts=True),
        _row(area_code=ENGLAND, area_level="country", region_code=None, numerator=103,
             is_sum_of_districts=True),
    ])
    out = suppress(truth, {"people"})
    assert _hidden(out) == {(YORKS, "FY2024", "all"), (NORTH_EAST, "FY2024", "all")}
    assert not set(hidden_cells(out)) & set(attack(out))


def test_another_country_summed_from_its_areas_is_not_taken_for_england():
    # As above, with Wales (its own total of 2, hidden) after England: England's set must still
    # be England's (103 = 3 + 40 + 60), so the 40 is hidden beside the 3.
    wales = "W92000004"
    truth = pd.DataFrame([
        _row(area_code=YORKS, area_level="region", region_code=ENGLAND, numerator=3,
             is_sum_of_districts=True),
        _row(area_code=NORTH_EAST, area_level="region", region_code=ENGLAND, numerator=40,
             is_sum_of_districts=True),
        _row(area_code="E12000002", area_level="region", region_code=ENGLAND, numerator=60,
             is_sum_of_districts=True),
        _row(area_code=ENGLAND, area_level="country", region_code=None, numerator=103,
             is_sum_of_districts=True),
        _row(area_code=wales, area_level="country", region_code=None, numerator=2,
             is_sum_of_districts=True),
    ])
    out = suppress(truth, {"people"})
    assert _hidden(out) == {(YORKS, "FY2024", "all"), (NORTH_EAST, "FY2024", "all"),
                            (wales, "FY2024", "all")}


def test_a_hidden_england_or_region_value_is_blanked_where_repeated_as_a_comparator():
    # England's 4 and Yorkshire's 2 are small; every row repeating them as a comparator
    # (with the comparison made against them) loses that value and comparison.
    truth = pd.DataFrame([
        _row(area_code=R, numerator=20, england_value=4.0, england_comparison="higher",
             region_value=2.0, region_comparison="higher"),
        _row(area_code=YORKS, area_level="region", region_code=ENGLAND, numerator=2,
             england_value=4.0, england_comparison="lower"),
        _row(area_code=ENGLAND, area_level="country", region_code=None, numerator=4),
    ])
    out = suppress(truth, {"people"}).set_index("area_code")
    for column in ("england_value", "england_comparison", "region_value", "region_comparison"):
        assert pd.isna(out.loc[R, column]), column
    assert out.loc[R, "numerator"] == 20


def test_a_comparator_that_is_not_hidden_stays():
    truth = pd.DataFrame([
        _row(area_code=R, numerator=3, england_value=50.0, england_comparison="lower",
             region_value=30.0, region_comparison="lower"),
        _row(area_code=OTHER, numerator=20, england_value=50.0, england_comparison="lower",
             region_value=30.0, region_comparison="lower"),
    ])
    out = suppress(truth, {"people"}).set_index("area_code")
    assert (out.loc[OTHER, "england_value"], out.loc[OTHER, "region_value"]) == (50.0, 30.0)
    assert (out.loc[OTHER, "england_comparison"], out.loc[OTHER, "region_comparison"]) \
        == ("lower", "lower")
    assert pd.isna(out.loc[R, "england_comparison"])  # the hidden row's own comparison


def test_a_small_denominator_is_hidden_and_protected_like_a_count():
    # 2 of 3 (a rate with a denominator of 3 people) beside 30 of 60 and 40 of 80, which add
    # up to the `all` row's 72 of 143: the 3 is hidden, and so is the smallest other
    # denominator (60), or 143 - 60 - 80 would give it away.
    truth = pd.DataFrame([
        _row(breakdown="all", numerator=72, denominator=143),
        _row(breakdown="a", numerator=2, denominator=3),
        _row(breakdown="b", numerator=30, denominator=60),
        _row(breakdown="c", numerator=40, denominator=80),
    ]).astype({"denominator": object})
    out = suppress(truth, {"people"}).set_index("breakdown")
    assert pd.isna(out.loc["a", "denominator"]) and pd.isna(out.loc["b", "denominator"])
    assert (out.loc["c", "denominator"], out.loc["all", "denominator"]) == (80, 143)
    assert SUPPRESSED in out.loc["a", "symbol"]


def test_protection_repeats_until_no_set_has_a_lone_hidden_cell():
    # Rotherham's `a` is 3, in two linked sets at once: its district's breakdowns and the
    # districts adding up to the region. Whatever cells the protection chooses, every hidden
    # cell must keep a feasible interval at least 5 wide against both sets together (the
    # linear-programming audit, and the independent outsider), and the 3 is among them.
    rows = []
    for area, a, b in ((R, 3, 10), (OTHER, 50, 11), (THIRD, 5, 40)):
        rows += [_row(area_code=area, breakdown="all", numerator=a + b),
                 _row(area_code=area, breakdown="a", numerator=a),
                 _row(area_code=area, breakdown="b", numerator=b)]
    for breakdown, total in (("all", 119), ("a", 58), ("b", 61)):
        rows.append(_row(area_code=YORKS, area_level="region", region_code=ENGLAND,
                         breakdown=breakdown, numerator=total, is_sum_of_districts=True))
    out = suppress(pd.DataFrame(rows), {"people"})
    assert (R, "FY2024", "a") in _hidden(out)
    assert not set(hidden_cells(out)) & set(attack(out))
    assert outsider.narrowed(outsider.intervals([out])) == {}


def test_a_table_without_series_or_comparator_columns_is_suppressed_all_the_same():
    truth = pd.DataFrame([_row(numerator=3), _row(area_code=OTHER, numerator=20)])
    bare = truth[["indicator_id", "area_code", "period_id", "breakdown", "numerator",
                  "denominator", "value", "symbol"]]
    out = suppress(bare, {"people"}).set_index("area_code")
    assert pd.isna(out.loc[R, "numerator"]) and out.loc[R, "symbol"] == SUPPRESSED
    assert out.loc[OTHER, "numerator"] == 20
    assert sorted(out.reset_index().columns) == sorted(bare.columns)


def test_symbols_are_kept_and_x_gives_way_to_c():
    truth = pd.DataFrame([_row(numerator=3, symbol="[x] [u]"), _row(area_code=OTHER,
                                                                    numerator=2, symbol=None)])
    out = suppress(truth, {"people"}).set_index("area_code")
    assert out.loc[R, "symbol"] == "[c] [u]"
    assert out.loc[OTHER, "symbol"] == "[c]"


def test_values_read_from_a_file_are_protected_like_literals():
    """Published tables are read from files: their strings are equal to, not the same objects
    as, the literals in the code ("all", "region", England's code)."""
    text = ("indicator_id,area_code,area_level,region_code,is_sum_of_districts,period_id,"
            "breakdown,numerator,denominator,value,symbol\n"
            "people,E08000018,district,E12000003,False,FY2024,all,25,,25,\n"
            "people,E08000018,district,E12000003,False,FY2024,a,3,,3,\n"
            "people,E08000018,district,E12000003,False,FY2024,b,10,,10,\n"
            "people,E08000018,district,E12000003,False,FY2024,c,12,,12,\n")
    truth = pd.read_csv(io.StringIO(text), dtype={"symbol": object})
    out = suppress(truth, {"people"})
    assert _hidden(out) == {(R, "FY2024", "a"), (R, "FY2024", "b")}
