"""A small published edition for the request tests, built by the real publisher: one
indicator for each way a period is counted (financial, academic and calendar years, census
days), a count, a median, a rate, breakdowns, and areas enough for the groups (South
Yorkshire, the rest of the region, a district elsewhere, the region and England). Each
value is written here by hand, so a test can pin what a request must show."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reporting.editions import publish_edition

EDITION = "20260202T000000Z-requests"
ROTHERHAM, BARNSLEY, DONCASTER, SHEFFIELD = "E08000018", "E08000016", "E08000017", "E08000019"
LEEDS, MANCHESTER, REGION, ENGLAND = "E08000035", "E08000003", "E12000003", "E92000001"
NAMES = {ROTHERHAM: "Rotherham", BARNSLEY: "Barnsley", DONCASTER: "Doncaster",
         SHEFFIELD: "Sheffield", LEEDS: "Leeds", MANCHESTER: "Manchester",
         REGION: "Yorkshire and The Humber", ENGLAND: "England"}
LEVELS = {REGION: "region", ENGLAND: "country"}
REGIONS = {MANCHESTER: "E12000002", REGION: ENGLAND, ENGLAND: None}

# id: (title, definition, numerator, denominator, unit, value_type, disclosure)
INDICATORS = {
    "assessments_completed": (
        "Carers' assessments completed", "Assessments completed in the financial year.",
        "Completed assessments", None, "assessments", "count", "people"),
    "assessment_wait_days_median": (
        "Carers' assessment waiting time, median", "Median days from request to completion.",
        "Median waiting days", "Assessments requested in the year (the people the median is "
        "over)", "days", "median", "people"),
    "young_carers_referrals": (
        "Referrals to the young carers' service, by source", "Referrals in the calendar year, "
        "in total and by source.", "Referrals", None, "referrals", "count", "people"),
    "young_carers_referrals_from_schools_pct": (
        "Referrals to the young carers' service from schools", "Referrals from schools as a "
        "percentage of all referrals.", "Referrals from schools", "All referrals", "%",
        "proportion", "people"),
    "young_carers_identified": (
        "Pupils recorded as young carers", "Pupils recorded as young carers in the January "
        "school census.", "Pupils recorded as young carers", None, "pupils", "count",
        "people"),
    "census_unpaid_care_pct": (
        "Residents providing unpaid care", "Usual residents providing unpaid care.",
        "Residents providing unpaid care", "Usual residents", "%", "proportion", "none"),
    "small_grants_awards": (
        "Small grants: awards", "Small grants awarded in the financial year.", "Awards", None,
        "awards", "count", "none"),
}
PERIOD_TYPES = {"FY": "financial_year", "AY": "academic_year", "CY": "calendar_year",
                "CD": "census_day"}
CENSUS_2011_NOTE = "2011 counts all usual residents; not comparable with 2021."


def _label(period_id: str) -> str:
    year = int(period_id[2:])
    return str(year) if period_id[:2] in ("CY", "CD") else f"{year}/{(year + 1) % 100:02d}"


def value(ind: str, area: str, period_id: str, num: float | None, den: float | None = None,
          val: float | None = None, breakdown: str = "all", symbol: str | None = None,
          note: str | None = None, source: str | None = None) -> dict:
    title, _, _, _, unit, kind, _ = INDICATORS[ind]
    if val is None and num is not None:
        val = num if den is None else 100 * num / den
    return {
        "indicator_id": ind, "indicator_title": title, "area_code": area,
        "area_name": NAMES[area], "area_level": LEVELS.get(area, "district"),
        "is_sum_of_districts": area in LEVELS, "period_id": period_id,
        "period_type": PERIOD_TYPES[period_id[:2]], "period_label": _label(period_id),
        "breakdown": breakdown, "numerator": num, "denominator": den, "value": val,
        "lower_ci": None if kind in ("count", "median") or val is None else val - 1,
        "upper_ci": None if kind in ("count", "median") or val is None else val + 1,
        "unit": unit, "value_type": kind, "polarity": None,
        "england_value": 9.0 if ind == "census_unpaid_care_pct" else None,
        "england_comparison": "higher" if ind == "census_unpaid_care_pct" else None,
        "region_code": REGIONS.get(area, REGION),
        "region_value": 10.0 if ind == "census_unpaid_care_pct" else None,
        "region_comparison": "similar" if ind == "census_unpaid_care_pct" else None,
        "rank": None, "rank_of": None, "previous_period_id": None, "previous_value": None,
        "change": None, "direction": None, "symbol": symbol, "note": note,
        "source": source or f"{ind}.csv (sha256 0123456789ab) rows 2-9",
    }


def rows() -> list[dict]:
    out = [
        # A count in financial years: 55 then 63, whole numbers.
        value("assessments_completed", ROTHERHAM, "FY2023", 55),
        value("assessments_completed", ROTHERHAM, "FY2024", 63),
        # A median: no numerator (not applicable), the people it is over as denominator.
        value("assessment_wait_days_median", ROTHERHAM, "FY2023", None, 60, val=22.0),
        value("assessment_wait_days_median", ROTHERHAM, "FY2024", None, 60, val=15.5,
              note="Median over 60 assessments requested in 2024/25."),
        # Calendar years with breakdowns: 13 of 38 referrals from schools in 2023.
        value("young_carers_referrals", ROTHERHAM, "CY2023", 38),
        value("young_carers_referrals", ROTHERHAM, "CY2023", 13, breakdown="school"),
        value("young_carers_referrals", ROTHERHAM, "CY2023", 25, breakdown="parent"),
        value("young_carers_referrals", ROTHERHAM, "CY2024", 46),
        value("young_carers_referrals", ROTHERHAM, "CY2024", 21, breakdown="school"),
        value("young_carers_referrals", ROTHERHAM, "CY2024", 25, breakdown="parent"),
        value("young_carers_referrals_from_schools_pct", ROTHERHAM, "CY2023", 13, 38),
        value("young_carers_referrals_from_schools_pct", ROTHERHAM, "CY2024", 21, 46),
        # Academic years: AY2023 is 2023/24 (January 2024 census), AY2024 is 2024/25.
        value("young_carers_identified", ROTHERHAM, "AY2023", 40),
        value("young_carers_identified", ROTHERHAM, "AY2024", 82),
        value("young_carers_identified", ENGLAND, "AY2023", 53976),
        # Financial-year grants in 2022/23 only.
        value("small_grants_awards", ROTHERHAM, "FY2022", 31),
    ]
    census_2021 = {ROTHERHAM: (26313, 251162), BARNSLEY: (25000, 231109),
                   DONCASTER: (30000, 291164), SHEFFIELD: (45000, 526342),
                   LEEDS: (70000, 770000), MANCHESTER: (40000, 520000),
                   REGION: (500000, 5300000), ENGLAND: (4678260, 53413087)}
    for area, (num, den) in census_2021.items():
        out.append(value("census_unpaid_care_pct", area, "CD2021", num, den))
    out.append(value("census_unpaid_care_pct", ROTHERHAM, "CD2011", 31001, 257280,
                     symbol="[b]", note=CENSUS_2011_NOTE))
    return out


def indicators() -> pd.DataFrame:
    return pd.DataFrame([{
        "indicator_id": i, "title": t, "definition": d, "rationale": "why", "numerator": n,
        "numerator_source": "Council return", "denominator": den,
        "denominator_source": "Council return" if den else None, "unit": u, "value_type": k,
        "polarity": None, "period_type": "", "frequency": "annual", "disclosure": disc,
        "caveats": f"Caveat about {i}.", "series_breaks": "", "commitments": "",
        "measures_of_success": ""} for i, (t, d, n, den, u, k, disc) in INDICATORS.items()])


def build(root: Path) -> Path:
    """Publish the edition under `root` (the publish folder) and return `root`."""
    publish_edition(root, EDITION, {"indicator_values": pd.DataFrame(rows()),
                                    "indicators": indicators()}, {"run_id": "requests"})
    return root
