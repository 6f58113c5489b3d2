"""A small published edition for the facts page tests: the published tables the page reads
(indicator_values, indicator_lineage, indicators) with Census 2021 figures as published for
Rotherham, its region and England, a handful of other districts, young carers, and a
manifest.json beside the database. Each row says which behaviour it is there for."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

EDITION = "20260101T000000Z-fixture0"
TS039 = ("census2021-ts039-ltla.csv",
         "5f12db69531e703e155978dee8d2bcfdc33cc5df5af3384dd9f42b6c59138776")
TS007 = ("census2021-ts007-age-single-year-ltla.csv",
         "eb3157bcae15071df80199ebf3c945d0250a80bf6c0b67db286a361ad87740d5")
DFE = ("dfe_young_carers_published_figures.csv", "731cdfeb6cf7" + "0" * 52)
ROTHERHAM, REGION, ENGLAND = "E08000018", "E12000003", "E92000001"


def _row(indicator_id: str, area_code: str, period_id: str, value: float | None, *,
         numerator: float | None = None, denominator: float | None = None,
         breakdown: str = "all", **extra) -> dict:
    base = {
        "indicator_id": indicator_id, "indicator_title": TITLES[indicator_id],
        "area_code": area_code, "area_name": NAMES.get(area_code, area_code),
        "area_level": extra.pop("area_level", "district"), "period_id": period_id,
        "period_label": LABELS[period_id], "breakdown": breakdown, "numerator": numerator,
        "denominator": denominator, "value": value, "lower_ci": None, "upper_ci": None,
        "unit": UNITS[indicator_id], "value_type": TYPES[indicator_id],
        "england_value": None, "england_comparison": None, "region_code": REGION,
        "region_value": None, "region_comparison": None, "symbol": None, "note": None}
    base.update(extra)
    return base


TITLES = {"census_unpaid_care_pct": "Residents providing unpaid care",
          "census_population": "Usual residents (Census 2021)",
          "young_carers_identified": "Pupils recorded as young carers",
          "young_carers_identified_per_1000": "Pupils recorded as young carers, per 1,000 pupils",
          "ascof_3d2_carers_easy_to_find_information": "Carers who find it easy to find "
                                                       "information about support (ASCOF 3D2)"}
UNITS = {"census_unpaid_care_pct": "%", "census_population": "people",
         "young_carers_identified": "pupils",
         "young_carers_identified_per_1000": "per 1,000 pupils",
         "ascof_3d2_carers_easy_to_find_information": "%"}
TYPES = {"census_unpaid_care_pct": "proportion", "census_population": "count",
         "ascof_3d2_carers_easy_to_find_information": "percentage",
         "young_carers_identified": "count", "young_carers_identified_per_1000": "proportion"}
LABELS = {"CD2011": "2011", "CD2021": "2021", "AY2022": "2022/23", "AY2024": "2024/25",
          "FY2021": "2021/22"}
NAMES = {ROTHERHAM: "Rotherham", REGION: "Yorkshire and The Humber", ENGLAND: "England",
         "E06000001": "Hartlepool", "E08000016": "Barnsley", "E09000032": "Wandsworth",
         "E07000137": "East Lindsey"}


def rows() -> list[dict]:
    pct = "census_unpaid_care_pct"
    out = [
        # Rotherham 2021 as published: 26,313 of 251,162 residents aged 5+ (10.48%).
        _row(pct, ROTHERHAM, "CD2021", 10.476505, numerator=26313, denominator=251162,
             lower_ci=10.357339, upper_ci=10.59688, england_value=8.75864,
             england_comparison="higher", region_value=9.107957, region_comparison="higher"),
        # 2011: 31,001 of all 257,280 residents, a break in series.
        _row(pct, ROTHERHAM, "CD2011", 12.049518, numerator=31001, denominator=257280,
             lower_ci=11.924293, upper_ci=12.175876, england_value=10.2, symbol="[b]"),
        _row(pct, REGION, "CD2021", 9.107957, area_level="region"),
        _row(pct, ENGLAND, "CD2021", 8.75864, area_level="country"),
        # Other districts for the ranked dot plot: two above Rotherham, two below.
        _row(pct, "E07000137", "CD2021", 11.88, region_code="E12000004"),
        _row(pct, "E08000016", "CD2021", 10.9),
        _row(pct, "E06000001", "CD2021", 9.4, region_code="E12000001"),
        _row(pct, "E09000032", "CD2021", 5.73, region_code="E12000007"),
        # A Welsh district: not English, so never in the ranking.
        _row(pct, "W06000001", "CD2021", 12.5, region_code=None),
        # All usual residents (TS007), and aged 5+.
        _row("census_population", ROTHERHAM, "CD2021", 265806, numerator=265806),
        _row("census_population", ROTHERHAM, "CD2021", 251161, numerator=251161,
             breakdown="aged_5_and_over"),
        # Young carers: the 2025 count, and 45,627 pupils held only for 2022/23.
        # As the pipeline publishes it: the only source row quotes the strategy itself.
        _row("young_carers_identified", ROTHERHAM, "AY2024", 82, numerator=82,
             note="Published in: Rotherham all-age carers strategy 2026-31 (page 6): 82 "
                  "young carers identified in the 2025 school census."),
        _row("young_carers_identified", ROTHERHAM, "AY2022", 20, numerator=20),
        _row("young_carers_identified_per_1000", ROTHERHAM, "AY2022", 0.438337,
             numerator=20, denominator=45627, lower_ci=0.283786, upper_ci=0.676999,
             england_value=5.0, england_comparison="worse"),
        _row("young_carers_identified_per_1000", ROTHERHAM, "AY2024", None, numerator=82,
             symbol="[x]"),
        # ASCOF: the published comparator is the median of all councils, not region/England.
        _row("ascof_3d2_carers_easy_to_find_information", ROTHERHAM, "FY2021", 61.8,
             council_median=57.3),
    ]
    return out


def lineage(values: pd.DataFrame) -> pd.DataFrame:
    source = {"census_unpaid_care_pct": TS039, "census_population": TS007,
              "young_carers_identified": DFE, "young_carers_identified_per_1000": DFE,
              "ascof_3d2_carers_easy_to_find_information": ("oflog_ASC_data.csv", "7" * 64)}
    out = values[["indicator_id", "area_code", "period_id", "breakdown"]].copy()
    out["source_file"] = [source[i][0] for i in out.indicator_id]
    out["source_sha256"] = [source[i][1] for i in out.indicator_id]
    out["source_rows"] = ["259" if a == ROTHERHAM else "2-310" for a in out.area_code]
    return out


def indicators() -> pd.DataFrame:
    return pd.DataFrame([
        {"indicator_id": i, "title": t, "definition": f"Definition of {t.lower()}",
         "numerator": f"Numerator of {t.lower()}", "denominator": f"Denominator of {t.lower()}"}
        for i, t in TITLES.items()])


def build(folder: Path, values: list[dict] | None = None) -> Path:
    """Write published.duckdb and manifest.json into folder; return the database path."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(values if values is not None else rows())
    tables = {"indicator_values": frame, "indicator_lineage": lineage(frame),
              "indicators": indicators()}
    path = folder / "published.duckdb"
    con = duckdb.connect(str(path))
    try:
        for name, table in tables.items():
            con.register("frame", table)
            con.execute(f"create table {name} as select * from frame")
            con.unregister("frame")
    finally:
        con.close()
    (folder / "manifest.json").write_text(json.dumps({"edition": EDITION}))
    return path
