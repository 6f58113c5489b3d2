"""Tables built to leak, one per family of indicators: small counts planted where the issue 17
attacker found routes (breakdowns, one count under two indicators, numerators that are counts
elsewhere, complements, stock and flow, money behind few awards, districts). Each is protected
with the catalogue's relations, audited, and attacked by the outsider (tests/builders/
outsider.py), who must pin nothing and narrow nothing into 1-4; the same attack on the table
with primary suppression only does recover the planted counts (the attack is real)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from reporting.disclosure import (
    SUPPRESSED,
    DisclosureError,
    audit_published,
    protect,
)
from tests.builders import outsider
from warehouse.catalogue import load

R, REGION, ENGLAND = "E08000018", "E12000003", "E92000001"
CATALOGUE = load()
PEOPLE = {i.id for i in CATALOGUE.indicators if i.disclosure == "people"}
TYPES = {i.id: i.value_type for i in CATALOGUE.indicators}


def row(indicator: str, period: str, n=None, d=None, breakdown: str = "all", area: str = R,
        **kw) -> dict:
    base = {"indicator_id": indicator, "area_code": area, "area_level": "district",
            "region_code": REGION, "is_sum_of_districts": False, "period_id": period,
            "breakdown": breakdown, "numerator": n, "denominator": d, "value": None,
            "lower_ci": None, "upper_ci": None, "value_type": TYPES.get(indicator, "count"),
            "england_value": None, "england_comparison": None, "region_value": None,
            "region_comparison": None, "rank": None, "rank_of": None,
            "previous_period_id": None, "previous_value": None, "change": None,
            "direction": None, "symbol": None, "note": None, "council_median": None,
            "mads_from_median": None, "council_rank": None, "council_rank_of": None}
    base.update(kw)
    if base["value"] is None and n is not None:
        base["value"] = n / d * 100 if d and TYPES.get(indicator) in ("proportion",
                                                                      "percentage") else n
    return base


def young_carers() -> list[dict]:
    # 1 referral from schools (also the schools percentage's numerator), 3 from parents
    return [row("young_carers_referrals", "CY2024", 20), row("young_carers_referrals",
            "CY2024", 1, breakdown="school"),
            row("young_carers_referrals", "CY2024", 3, breakdown="parent"),
            row("young_carers_referrals", "CY2024", 16, breakdown="health"),
            row("young_carers_referrals_from_schools_pct", "CY2024", 1, 20),
            row("young_carers_identified", "AY2024", 3),
            row("young_carers_identified_per_1000", "AY2024", 3, 45000, value=3 / 45)]


def assessments() -> list[dict]:
    # stock and flow: 0 + 10 - 8 = 2 waiting, then 2 + 12 - 13 = 1; outcomes add to requests
    out = []
    for period, req, done, wait, prev in (("FY2023", 10, 8, 2, None),
                                          ("FY2024", 12, 13, 1, "FY2023")):
        out += [row("carer_assessments_requested", period, req),
                row("carer_assessments_completed", period, done),
                row("carer_assessments_waiting_at_period_end", period, wait,
                    previous_period_id=prev),
                row("carer_assessment_wait_days_median", period, None, req, value=20.0),
                row("carer_assessment_wait_days_p90", period, None, req, value=60.0)]
    out += [row("carer_assessment_outcomes", "FY2023", 6, breakdown="support_plan"),
            row("carer_assessment_outcomes", "FY2023", 2, breakdown="no_eligible_needs"),
            row("carer_assessment_outcomes", "FY2023", 2, breakdown="pending"),
            row("carer_assessment_outcomes", "FY2024", 8, breakdown="support_plan"),
            row("carer_assessment_outcomes", "FY2024", 3, breakdown="no_eligible_needs"),
            row("carer_assessment_outcomes", "FY2024", 1, breakdown="pending"),
            row("carer_needs_met_at_review_pct", "FY2024", 97, 99)]
    return out


def events() -> list[dict]:
    # co-production attendance 3 is the co-production sessions' 3 in the attendance total
    return [row("event_attendance_total", "FY2024", 50),
            row("event_attendance_total", "FY2024", 3, breakdown="coproduction_session"),
            row("event_attendance_total", "FY2024", 40, breakdown="carers_week"),
            row("event_attendance_total", "FY2024", 7, breakdown="peer_support"),
            row("coproduction_attendance", "FY2024", 3),
            row("network_meeting_attendance_mean", "FY2024", 3, 1, value=3.0),
            row("network_meeting_attendance_rate", "FY2024", 3, 24),
            row("network_members", "FY2024", 24),
            row("carer_reps_at_strategic_meetings", "FY2024", 2),
            row("information_pack_requests", "FY2024", 30),
            row("information_pack_requests", "FY2024", 2, breakdown="email"),
            row("information_pack_requests", "FY2024", 28, breakdown="phone")]


def grants() -> list[dict]:
    # 30 applications, 3 ineligible, a flat £200 to each of the 27 others; 28 asked under £250
    return [row("covid_grant_applications", "FY2020", 30),
            row("covid_grant_ineligible", "FY2020", 3),
            row("covid_grant_amount_awarded_gbp", "FY2020", None, value=5400.0),
            row("covid_grant_requests_under_250_pct", "FY2020", 28, 30),
            row("grant_outcome_improved_wellbeing_pct", "FY2022", 268, 270,
                breakdown="mental"),
            row("small_grants_beneficiaries", "FY2022", 4)]


def districts() -> list[dict]:
    # three districts add up to the region; one is 2
    ind = "health_wellbeing_checks"
    return [row(ind, "FY2024", 2), row(ind, "FY2024", 30, area="E08000016"),
            row(ind, "FY2024", 9, area="E08000019"),
            row(ind, "FY2024", 41, area=REGION, area_level="region", region_code=ENGLAND,
                is_sum_of_districts=True)]


def ascof() -> list[dict]:
    ind = "ascof_1c2b_carers_direct_payments"
    return [row(ind, "FY2020", 4, 4, area="E09000003", council_rank=1, council_rank_of=3,
                note="Median of all councils 100.0%; rank 1 of 3 councils (1 = highest)."),
            row(ind, "FY2020", 200, 282, area="E06000012", council_rank=3, council_rank_of=3,
                note="Median of all councils 100.0%; rank 3 of 3 councils (1 = highest)."),
            row(ind, "FY2020", 100, 100, area="E08000001", council_rank=1, council_rank_of=3,
                note="Median of all councils 100.0%; rank 1 of 3 councils (1 = highest).")]


FAMILIES = {"young_carers": young_carers, "assessments": assessments, "events": events,
            "grants": grants, "districts": districts, "ascof": ascof}


def _protected(truth: pd.DataFrame, earlier=()) -> pd.DataFrame:
    out, _ = protect(truth, PEOPLE, CATALOGUE.relations, TYPES, earlier)
    audit_published(out, truth, PEOPLE, CATALOGUE.relations, TYPES, earlier)
    return out


def _primary_only(truth: pd.DataFrame) -> pd.DataFrame:
    naive = truth.copy()
    small = naive["indicator_id"].isin(PEOPLE) & (
        naive["numerator"].map(lambda x: x is not None and not pd.isna(x) and 0 < x < 5)
        | naive["denominator"].map(lambda x: x is not None and not pd.isna(x) and 0 < x < 5))
    for column in ("numerator", "value", "denominator"):
        naive[column] = naive[column].astype(object)
        naive.loc[small, column] = None
    naive.loc[small, "symbol"] = SUPPRESSED
    return naive


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_the_outsider_pins_nothing_and_narrows_nothing_into_1_to_4(family):
    truth = pd.DataFrame(FAMILIES[family]())
    out = _protected(truth)
    assert outsider.hidden_mask(out).any()
    result = outsider.intervals([out])
    assert outsider.narrowed(result) == {}
    # every interval holds the true value: the outsider's arithmetic is sound
    true = {(r["indicator_id"], r["area_code"], r["period_id"], r["breakdown"]):
            (r["numerator"], r["denominator"]) for r in truth.to_dict("records")}
    for (_, *key, part), (lo, hi) in result.items():
        if tuple(key) not in true:
            continue
        value = true[tuple(key)][0 if part == "n" else 1]
        if value is not None and not pd.isna(value):
            assert lo - 1e-6 <= value <= hi + 1e-6, (key, part, value, lo, hi)


@pytest.mark.parametrize("family", sorted(set(FAMILIES) - {"ascof"}))
def test_primary_suppression_alone_leaks_each_family(family):
    # the attack is real: with only the 1-4 cells hidden, the outsider narrows or pins some
    truth = pd.DataFrame(FAMILIES[family]())
    assert outsider.narrowed(outsider.intervals([_primary_only(truth)]))


def test_every_planted_small_count_is_hidden():
    truth = pd.DataFrame([r for f in FAMILIES.values() for r in f()])
    out = _protected(truth)
    people = out["indicator_id"].isin(PEOPLE)
    small = truth["numerator"].map(lambda x: x is not None and not pd.isna(x) and 0 < x < 5)
    assert (outsider.hidden_mask(out) | ~(small & people)).all()
    # the co-production count is hidden under both its indicators
    both = out[(out.indicator_id == "coproduction_attendance")
               | ((out.indicator_id == "event_attendance_total")
                  & (out.breakdown == "coproduction_session"))]
    assert outsider.hidden_mask(both).all()
    # the amount behind the awards is hidden with the ineligible count (5400 / 200 = 27)
    amount = out[out.indicator_id == "covid_grant_amount_awarded_gbp"].iloc[0]
    assert pd.isna(amount["value"]) and SUPPRESSED in amount["symbol"]
    # the complement of a shown proportion (270 - 268 = 2) hides the proportion's numerator
    wellbeing = out[out.indicator_id == "grant_outcome_improved_wellbeing_pct"].iloc[0]
    assert pd.isna(wellbeing["numerator"]) and pd.isna(wellbeing["value"])
    assert wellbeing["denominator"] == 270


def test_hidden_rows_keep_no_note_and_ranks_leave_no_gap():
    truth = pd.DataFrame(ascof())
    out = _protected(truth)
    hidden = out[outsider.hidden_mask(out)]
    assert hidden["note"].isna().all() and hidden["council_rank"].isna().all()
    shown = out[~outsider.hidden_mask(out)].sort_values("council_rank")
    assert shown["council_rank"].tolist() == [1, 2] and set(shown["council_rank_of"]) == {2}
    assert "rank 2 of 2 councils" in shown["note"].iloc[1]
    assert outsider.rank_gaps(out) == []


def test_two_editions_one_row_apart_give_nothing_away():
    # edition 1: 20 referrals, school 1 and parent 3 hidden; edition 2: one more referral
    # from parents (4). Set side by side, nothing is pinned in either.
    first_truth = pd.DataFrame(young_carers())
    first = _protected(first_truth)
    second_truth = first_truth.copy()
    for b in ("all", "parent"):
        pick = (second_truth.indicator_id == "young_carers_referrals") & (
            second_truth.breakdown == b)
        second_truth.loc[pick, ["numerator", "value"]] += 1
    pick = second_truth.indicator_id == "young_carers_referrals_from_schools_pct"
    second_truth.loc[pick, "denominator"] = 21
    second = _protected(second_truth, earlier=[first])
    truths = [first_truth, second_truth]
    assert outsider.recovered(outsider.intervals([first, second], truths), truths) == {}
    assert outsider.recovered(outsider.intervals([first, second]), truths) == {}
    # what was hidden in the first stays hidden in the second
    key = ["indicator_id", "breakdown", "period_id"]
    was = set(first.loc[outsider.hidden_mask(first), key].itertuples(index=False, name=None))
    now = set(second.loc[outsider.hidden_mask(second), key].itertuples(index=False,
                                                                       name=None))
    assert was <= now


def test_a_newly_small_cell_beside_an_earlier_edition_is_protected():
    # edition 1 shows parent 5; edition 2 has parent 4 (one referral withdrawn). Hiding only
    # the new small cell and its partner would let the earlier 5 give it away.
    base = young_carers()
    first_truth = pd.DataFrame(base)
    pick = (first_truth.indicator_id == "young_carers_referrals")
    first_truth.loc[pick & (first_truth.breakdown == "parent"), ["numerator", "value"]] = 5
    first_truth.loc[pick & (first_truth.breakdown == "all"), ["numerator", "value"]] = 22
    first_truth.loc[pick & (first_truth.breakdown == "school"), ["numerator", "value"]] = 6
    first_truth.loc[pick & (first_truth.breakdown == "health"), ["numerator", "value"]] = 11
    first_truth.loc[first_truth.indicator_id == "young_carers_referrals_from_schools_pct",
                    ["numerator", "denominator"]] = [6, 22]
    first = _protected(first_truth)
    second_truth = first_truth.copy()
    second_truth.loc[pick & (second_truth.breakdown == "parent"), ["numerator", "value"]] = 4
    second_truth.loc[pick & (second_truth.breakdown == "all"), ["numerator", "value"]] = 21
    second_truth.loc[second_truth.indicator_id == "young_carers_referrals_from_schools_pct",
                     "denominator"] = 21
    second = _protected(second_truth, earlier=[first])
    truths = [first_truth, second_truth]
    editions = [first, second]
    assert outsider.recovered(outsider.intervals(editions, truths), truths, editions) == {}
    # the route is real: hiding only the new small cell and its smallest partner leaks it
    naive = second_truth.copy()
    for b in ("parent", "school"):
        pick_b = pick & (naive.breakdown == b)
        naive[["numerator", "value"]] = naive[["numerator", "value"]].astype(object)
        naive.loc[pick_b, ["numerator", "value"]] = None
        naive.loc[pick_b, "symbol"] = SUPPRESSED
    naive.loc[naive.indicator_id == "young_carers_referrals_from_schools_pct",
              ["numerator", "value"]] = None
    naive.loc[naive.indicator_id == "young_carers_referrals_from_schools_pct",
              "symbol"] = SUPPRESSED
    assert outsider.recovered(outsider.intervals([first, naive], truths), truths,
                              [first, naive])


def test_the_audit_refuses_a_table_that_leaks():
    truth = pd.DataFrame(young_carers())
    with pytest.raises(DisclosureError, match="narrowed"):
        audit_published(_primary_only(truth), truth, PEOPLE, CATALOGUE.relations, TYPES)


def test_protection_is_exact_on_a_pinned_example():
    # 20 = 1 + 3 + 16: the 1 and 3 are hidden and sum to 4, too narrow; the 16 goes too, so
    # each hidden cell lies in [0, 20]
    out = _protected(pd.DataFrame(young_carers()[:4]))
    hidden = out.loc[outsider.hidden_mask(out), "breakdown"].tolist()
    assert sorted(hidden) == ["health", "parent", "school"]
    assert out.loc[out.breakdown == "all", "numerator"].iloc[0] == 20
    widths = [hi - lo for cell, (lo, hi) in outsider.intervals([out]).items() if cell[-1] == "n"]
    assert len(widths) == 3 and all(math.isclose(w, 20) for w in widths)


def test_an_earlier_edition_that_leaks_on_its_own_is_named_not_repeated():
    # An edition published under older rules (primary suppression only) already gives away
    # school 1 and parent 3 on its own. Nothing published now can take that back: the next
    # edition must still publish, add no recovery of its own, and name the leaking edition.
    truth = pd.DataFrame(young_carers())
    leaky = _primary_only(truth)
    leaky.attrs["edition"] = "20250101T000000Z-old"
    on_its_own = outsider.recovered(outsider.intervals([leaky], [truth]), [truth])
    assert {c[1:] for c in on_its_own} == {
        ("young_carers_referrals", R, "CY2024", "parent", "n"),
        ("young_carers_referrals", R, "CY2024", "school", "n"),
        ("young_carers_referrals_from_schools_pct", R, "CY2024", "all", "n"),
        # the percentage's hidden base is the 20 referrals shown beside it
        ("young_carers_referrals_from_schools_pct", R, "CY2024", "all", "d")}
    out, decision = protect(truth, PEOPLE, CATALOGUE.relations, TYPES, [leaky])
    excused: dict = {}
    audit_published(out, truth, PEOPLE, CATALOGUE.relations, TYPES, [leaky], excused)
    named = {c[:4] for c in decision.disclosed_before} | {c[:4] for c in excused}
    assert ("young_carers_referrals", R, "CY2024", "parent") in named
    assert set(decision.disclosed_before.values()) | set(excused.values()) == {
        "20250101T000000Z-old"}
    report = decision.report()["disclosed_by_earlier_editions"]
    assert report == {"cells": len(decision.disclosed_before),
                      "editions": ["20250101T000000Z-old"]}
    assert report["cells"] > 0
    # the new edition alone gives nothing away, and beside the old one adds nothing to it
    assert outsider.recovered(outsider.intervals([out], [truth]), [truth]) == {}
    both = outsider.recovered(outsider.intervals([leaky, out], [truth, truth]),
                              [truth, truth], [leaky, out])
    assert {c[1:] for c in both} <= {c[1:] for c in on_its_own}
