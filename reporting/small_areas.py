"""Published outputs for where carers live: the ranked table of Rotherham's LSOAs and a
map-free ranked dot plot with 95% intervals. Both are built from the published (disclosure
controlled) indicator values, so they show exactly what the edition publishes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reporting.charts import small_area_dot_plot
from reporting.figure_cache import cached_chart, code_digest, digest

INDICATORS = ("lsoa_unpaid_care_pct", "lsoa_unpaid_care_50h_pct")
CHART_NAME = "lsoa_unpaid_care_dotplot.png"


def ranked_table(values: pd.DataFrame) -> pd.DataFrame:
    """One row per LSOA, ranked by % providing unpaid care (1 = most carers per head), with
    the 50+ hours figure beside it, intervals, significance notes and sources."""
    mine = values[values.indicator_id.isin(INDICATORS) & (values.area_level == "lsoa")]
    if mine.empty:
        return pd.DataFrame()
    keep = ["area_code", "area_name", "numerator", "denominator", "value", "lower_ci",
            "upper_ci", "symbol", "note"]
    any_care = mine[mine.indicator_id == INDICATORS[0]][[*keep, "source"]]
    heavy = mine[mine.indicator_id == INDICATORS[1]][keep].rename(
        columns={c: f"{c}_50h" for c in keep if c not in ("area_code", "area_name")})
    table = any_care.merge(heavy, on=["area_code", "area_name"], how="left")
    table = table.rename(columns={"numerator": "carers", "denominator": "residents_5_plus",
                                  "value": "pct_unpaid_care", "numerator_50h": "carers_50h",
                                  "value_50h": "pct_50h"}).drop(columns="denominator_50h")
    table = table.sort_values(["pct_unpaid_care", "area_code"], ascending=[False, True])
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index(drop=True)


def dot_plot(values: pd.DataFrame, cache_dir: Path | None = None) -> bytes | None:
    """Ranked dot plot (PNG) of every Rotherham LSOA's % providing unpaid care with its 95%
    interval, the Rotherham average as a line, and colour showing significance. With
    `cache_dir`, reused from there while what it draws and this module are unchanged."""
    table = ranked_table(values)
    if table.empty:
        return None
    district = values[(values.indicator_id == INDICATORS[0])
                      & (values.area_level == "district")]["value"]
    key = (digest(table, district.tolist(), code_digest(dot_plot, small_area_dot_plot))
           if cache_dir is not None else "")
    found = cached_chart(cache_dir, "lsoa_dotplot", key,
                         lambda: (_draw_dot_plot(values, table), {}))
    return found[0] if found else None


def _draw_dot_plot(values: pd.DataFrame, table: pd.DataFrame) -> bytes:
    """Drawn by reporting/charts.py, the one home for matplotlib."""
    district = values[(values.indicator_id == INDICATORS[0])
                      & (values.area_level == "district")]["value"]
    average = float(district.iloc[0]) if len(district) else None
    return small_area_dot_plot(table, average)


def published_outputs(tables: dict[str, pd.DataFrame], cache_dir: Path | None = None
                      ) -> tuple[dict[str, pd.DataFrame], dict[str, bytes]]:
    """Extra tables and files for an edition (empty when there are no LSOA values); the
    chart is reused from `cache_dir` while its data is unchanged."""
    values = tables.get("indicator_values")
    if values is None:
        return {}, {}
    table = ranked_table(values)
    chart = dot_plot(values, cache_dir)
    return ({"lsoa_carers_ranked": table} if not table.empty else {},
            {CHART_NAME: chart} if chart else {})
