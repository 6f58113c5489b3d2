"""The Board's tables: the indicator table for Rotherham and the coverage of the strategy.

Both are built from the published (disclosure-controlled) indicator values, so nothing hidden
there can reappear here: a suppressed latest value stays [c], and a previous value or change
that would give a hidden value away is already blank."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from reporting.targets import NO_DATA, NO_TARGET, Target
from sources.periods import period_of
from warehouse.catalogue import Catalogue
from warehouse.stats import number_or_none

ROTHERHAM = "E08000018"
NOT_EVIDENCED = "not evidenced yet"

BOARD_COLUMNS = [
    "indicator_id", "indicator_title", "commitments", "measures_of_success", "area_code",
    "area_name", "breakdown", "period_id", "period_label", "unit", "value", "lower_ci",
    "upper_ci", "previous_period_id", "previous_period_label", "previous_value", "change",
    "direction", "england_value", "england_comparison", "region_value", "region_comparison",
    "target", "target_direction", "target_period_id", "target_status", "target_set_by",
    "symbol", "note",
]
COVERAGE_COLUMNS = ["framework", "code", "wording", "indicator_ids", "indicator_titles",
                    "indicators_with_data", "status"]


def period_end(period_id: str) -> date:
    """When a period's figure is known, for "the latest period by the year's end": its last
    day, except an academic year, whose figures come from the January school census (the
    2024/25 figure is the January 2025 census, inside the 2024/25 financial year)."""
    period = period_of(period_id)
    if period.period_type == "academic_year":
        return date(period.start_year + 1, 1, 31)
    return period.end_date


def period_label(period_id: str | None) -> str | None:
    return period_of(period_id).label if period_id else None


def _text(x: Any) -> str | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def board_table(values: pd.DataFrame, catalogue: Catalogue, targets: list[Target],
                area_code: str = ROTHERHAM, until: date | None = None) -> pd.DataFrame:
    """One row per catalogue indicator: its latest value for the area (breakdown `all`, up to
    `until` if given), the previous value, change, direction, interval, comparators, target
    and status. An indicator with no value gets a row with [x] and a note saying why."""
    if until is not None and not values.empty:  # nothing after the year's end, targets too
        values = values[values["period_id"].map(period_end) <= until]
    mine = values[(values["area_code"] == area_code) & (values["breakdown"] == "all")]
    by_indicator = {k: g for k, g in mine.groupby("indicator_id", sort=False)}
    area_name = next(iter(values.loc[values["area_code"] == area_code, "area_name"]), None)
    rows = []
    for ind in catalogue.indicators:
        row: dict[str, Any] = {
            "indicator_id": ind.id, "indicator_title": ind.title,
            "commitments": "; ".join(ind.commitments),
            "measures_of_success": "; ".join(ind.measures), "area_code": area_code,
            "area_name": area_name, "breakdown": "all", "unit": ind.unit}
        group = by_indicator.get(ind.id)
        if group is None or group.empty:
            by_breakdown = ((values["indicator_id"] == ind.id)
                            & (values["area_code"] == area_code)).any()
            row["symbol"] = "[x]"
            row["note"] = ("Published by breakdown only: see indicator_values."
                           if by_breakdown else "No value for this area in the period.")
            rows.append(_with_target(row, None, targets, values))
            continue
        latest = group.loc[group["period_id"].map(lambda p: period_of(p).start_date).idxmax()]
        for column in ("period_id", "period_label", "previous_period_id", "direction",
                       "england_comparison", "region_comparison", "symbol", "note"):
            row[column] = _text(latest.get(column))
        for column in ("value", "lower_ci", "upper_ci", "previous_value", "change",
                       "england_value", "region_value"):
            row[column] = number_or_none(latest.get(column))
        row["previous_period_label"] = period_label(row["previous_period_id"])
        rows.append(_with_target(row, latest, targets, values))
    return pd.DataFrame(rows, columns=BOARD_COLUMNS)


def _with_target(row: dict[str, Any], latest: Any, targets: list[Target],
                 values: pd.DataFrame) -> dict[str, Any]:
    mine = [t for t in targets if t.indicator_id == row["indicator_id"]
            and t.area_code == row["area_code"] and t.breakdown == row["breakdown"]]
    if not mine:
        row["target_status"] = NO_TARGET
        return row
    same = [t for t in mine if t.period_id == row.get("period_id")]
    target = same[0] if same else max(mine, key=lambda t: period_of(t.period_id).start_date)
    if same:
        value = row.get("value")
    else:  # a target for another period: judged on that period's value, if one is shown
        hit = values[(values["indicator_id"] == target.indicator_id)
                     & (values["area_code"] == target.area_code)
                     & (values["breakdown"] == target.breakdown)
                     & (values["period_id"] == target.period_id)]
        value = number_or_none(hit["value"].iloc[0]) if len(hit) else None
    row.update(target=target.target, target_direction=target.direction,
               target_period_id=target.period_id, target_set_by=target.set_by,
               target_status=target.status(value))
    if row["target_status"] == NO_DATA and not same:
        row["note"] = " ".join(filter(None, [row.get("note"), (
            f"The target is for {period_label(target.period_id)}, which has no value yet.")]))
    return row


def coverage_table(catalogue: Catalogue, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every 2022-25 measure of success and 2026-31 commitment with the indicators that
    evidence it; "not evidenced yet" where no indicator with data does."""
    have = set(values["indicator_id"]) if values is not None else None
    rows = []
    frames = [("2026-31 commitment", catalogue.commitments, "commitments"),
              ("2022-25 measure of success", catalogue.measures, "measures")]
    for framework, items, attribute in frames:
        for code, wording in items.items():
            evidence = [i for i in catalogue.indicators if code in getattr(i, attribute)]
            with_data = [i for i in evidence if have is None or i.id in have]
            if with_data:
                status = "evidenced"
            elif evidence:
                status = f"{NOT_EVIDENCED} (indicators defined, no data published)"
            else:
                status = NOT_EVIDENCED
            rows.append({
                "framework": framework, "code": code, "wording": wording,
                "indicator_ids": "; ".join(i.id for i in evidence) or None,
                "indicator_titles": "; ".join(i.title for i in evidence) or None,
                "indicators_with_data": len(with_data), "status": status})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
