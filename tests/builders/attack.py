"""The disclosure attacker: everything a reader of published values can work out by repeated
arithmetic (breakdowns, totals, districts, differences, rates)."""

from __future__ import annotations

import math
import re

import pandas as pd

from reporting.disclosure import SUPPRESSED

ENGLAND = "E92000001"
ROTHERHAM, YORKSHIRE = "E08000018", "E12000003"


def row(**kw) -> dict:
    """One indicator_values row of a made-up people indicator (Rotherham, FY2024, `all`);
    keywords replace any column. The value is the numerator unless given."""
    base = {"indicator_id": "people", "area_code": ROTHERHAM, "area_level": "district",
            "region_code": YORKSHIRE, "is_sum_of_districts": False, "period_id": "FY2024",
            "breakdown": "all", "numerator": None, "denominator": None, "value": None,
            "lower_ci": None, "upper_ci": None, "england_value": None,
            "england_comparison": None, "region_value": None, "region_comparison": None,
            "previous_period_id": None, "previous_value": None, "change": None,
            "direction": None, "rank": None, "rank_of": None, "symbol": None}
    base.update(kw)
    if base["value"] is None and base["numerator"] is not None:
        base["value"] = float(base["numerator"])
    return base


def shown(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def per(unit: object) -> float | None:
    """What a published unit says a value is per: "%" per 100, "per 1,000" per 1,000."""
    text = str(unit or "").strip().lower()
    if text in {"%", "per cent", "percent", "percentage"}:
        return 100.0
    found = re.fullmatch(r"(?:rate )?per ([\d,]+)(?: .*)?", text)
    return float(found.group(1).replace(",", "")) if found else None


def attack(published: pd.DataFrame) -> dict[tuple, float]:
    """Everything an attacker can work out, by repeating simple arithmetic until nothing new
    comes out: known[(indicator, area, period, breakdown)] = count."""
    known: dict[tuple, float] = {}
    rows = published.to_dict("records")
    key = lambda r: (r["indicator_id"], r["area_code"], r["period_id"], r["breakdown"])  # noqa: E731
    for r in rows:
        if shown(r["numerator"]):
            known[key(r)] = r["numerator"]
        elif shown(r.get("value")) and shown(r.get("denominator")) and per(r.get("unit")):
            # a proportion or rate times its denominator is the count (as published: the
            # unit says what the value is per)
            known[key(r)] = round(r["value"] * r["denominator"] / per(r.get("unit")), 6)
    changed = True
    while changed:
        changed = False
        found: dict[tuple, float] = {}
        # breakdowns add up to `all`
        groups: dict[tuple, list[dict]] = {}
        for r in rows:
            groups.setdefault((r["indicator_id"], r["area_code"], r["period_id"]), []).append(r)
        for members in groups.values():
            total = [m for m in members if m["breakdown"] == "all"]
            parts = [m for m in members if m["breakdown"] != "all"]
            if total and parts:
                cells = [total[0], *parts]
                unknown = [c for c in cells if key(c) not in known]
                if len(unknown) == 1:
                    u = unknown[0]
                    rest = sum(known[key(p)] for p in parts if p is not u)
                    found[key(u)] = (known[key(total[0])] - rest) if u is not total[0] \
                        else rest
        # districts add up to their region where the region is a sum of districts
        for region in [r for r in rows if r["area_level"] == "region"
                       and r["is_sum_of_districts"]]:
            parts = [r for r in rows if r["area_level"] == "district"
                     and r["region_code"] == region["area_code"]
                     and (r["indicator_id"], r["period_id"], r["breakdown"])
                     == (region["indicator_id"], region["period_id"], region["breakdown"])]
            cells = [region, *parts]
            unknown = [c for c in cells if key(c) not in known]
            if len(unknown) == 1 and unknown[0] is not region:
                u = unknown[0]
                found[key(u)] = known[key(region)] - sum(known[key(p)] for p in parts
                                                         if p is not u)
        # differences: previous_value is the previous period's value; value - change too
        for r in rows:
            prev = (r["indicator_id"], r["area_code"], r["previous_period_id"], r["breakdown"])
            if r["previous_period_id"] and shown(r["previous_value"]):
                found.setdefault(prev, r["previous_value"])
            if r["previous_period_id"] and shown(r["change"]) and key(r) in known:
                found.setdefault(prev, known[key(r)] - r["change"])
            if r["previous_period_id"] and shown(r["change"]) and prev in known:
                found.setdefault(key(r), known[prev] + r["change"])
        # comparators repeat the England and region values
        for r in rows:
            if shown(r.get("region_value")):
                found.setdefault((r["indicator_id"], r["region_code"], r["period_id"],
                                  r["breakdown"]), r["region_value"])
            if shown(r.get("england_value")):
                found.setdefault((r["indicator_id"], ENGLAND, r["period_id"], r["breakdown"]),
                                 r["england_value"])
        for k, v in found.items():
            if k not in known:
                known[k] = v
                changed = True
    return known


def hidden_cells(out: pd.DataFrame) -> list[tuple]:
    marked = out[out["symbol"].fillna("").str.contains(SUPPRESSED, regex=False)]
    return [tuple(r) for r in marked[["indicator_id", "area_code", "period_id", "breakdown"]]
            .itertuples(index=False, name=None)]
