"""Charts for the facts page and the workbook: static PNGs (matplotlib, Agg) read from one
published edition, each with a text alternative that states every figure it shows."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting.figure_cache import cached_chart, code_digest, digest
from warehouse.stats import number_or_none

ROTHERHAM = "E08000018"
ENGLAND = "E92000001"
TREND_INDICATORS = (
    "census_unpaid_care_pct",
    "ascof_1d_carer_quality_of_life",
    "ascof_3d2_carers_easy_to_find_information",
    "young_carers_identified",
    "young_carers_one_to_one",
    "carer_assessment_wait_days_median",
)
COMPARATOR_INDICATORS = (
    "census_unpaid_care_pct",
    "census_unpaid_care_50h_pct",
    "young_carers_identified_per_1000",
    "ascof_1d_carer_quality_of_life",
    "ascof_3d2_carers_easy_to_find_information",
    "ascof_1c1b_carers_self_directed_support",
    "ascof_1c2b_carers_direct_payments",
)
RANKED_INDICATOR = "census_unpaid_care_pct"
HIGHLIGHT, REGION_COLOUR, OTHER_COLOUR, ENGLAND_COLOUR = "#b2182b", "#2166ac", "#9e9e9e", "#000000"


def write_charts(con: duckdb.DuckDBPyConnection, out_dir: Path,
                 cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """Write every chart the edition's data supports into out_dir; one dict per chart with
    `path` (PNG), `title`, `alt` (the figures shown, in words) and `indicators` (ids drawn).
    Charts whose indicators are absent from the edition are left out, never drawn empty.
    With `cache_dir`, a chart whose data and code are unchanged since it was last drawn is
    reused from there (reporting/figure_cache.py), byte for byte the same file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables").fetchall()}
    if "indicator_values" not in tables:
        return []
    values = con.execute(
        "select * from indicator_values where breakdown = 'all'").df()
    key = digest(values, code_digest(write_charts)) if cache_dir is not None else ""
    charts = []
    for make in (_trends, _comparators, _districts):
        found = cached_chart(cache_dir, make.__name__.strip("_"), key,
                             lambda make=make: _drawn(make(values, out_dir)))
        if found is not None:
            png, chart = found
            path = out_dir / chart["path"]
            if not path.is_file():
                path.write_bytes(png)
            charts.append({**chart, "path": path})
    return charts


def _drawn(chart: dict[str, Any] | None) -> tuple[bytes, dict[str, Any]] | None:
    """A chart just drawn, as (png, its dict with the file name in place of the path)."""
    if chart is None:
        return None
    return chart["path"].read_bytes(), {**chart, "path": chart["path"].name}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _fmt(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    if float(value).is_integer() and unit not in ("%",):
        text = f"{int(value):,}"
    else:
        text = f"{value:,.1f}" if abs(value) >= 10 or unit == "%" else f"{value:,.2f}"
    return f"{text}%" if unit == "%" else f"{text} {unit}".rstrip()


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, format="png", dpi=100)
    _pyplot().close(fig)
    return path


def _trends(values: pd.DataFrame, out_dir: Path) -> dict[str, Any] | None:
    rows = values[(values.area_code == ROTHERHAM) & values.value.notna()]
    series = [(ind, rows[rows.indicator_id == ind].sort_values("period_id"))
              for ind in TREND_INDICATORS]
    series = [(ind, s) for ind, s in series if len(s) >= 2]
    if not series:
        return None
    plt = _pyplot()
    columns = 2 if len(series) > 1 else 1
    lines = math.ceil(len(series) / columns)
    fig, axes = plt.subplots(lines, columns, figsize=(10, 3.1 * lines), squeeze=False)
    alt = ["Rotherham over time, with 95% confidence intervals where the value is a "
           "proportion or rate, and England where comparable; [b] marks a break in series."]
    for ax, (_ind, s) in zip(axes.flat, series, strict=False):
        unit = str(s.unit.iloc[0])
        labels = s.period_label.astype(str).tolist()
        x = list(range(len(s)))
        y = s.value.astype(float).tolist()
        has_ci = s.lower_ci.notna() & s.upper_ci.notna()
        ax.plot(x, y, color=HIGHLIGHT, marker="o", linewidth=1.5, label="Rotherham")
        if has_ci.any():
            lo = (s.value - s.lower_ci).where(has_ci, 0).astype(float).clip(lower=0).tolist()
            hi = (s.upper_ci - s.value).where(has_ci, 0).astype(float).clip(lower=0).tolist()
            ax.errorbar(x, y, yerr=[lo, hi], fmt="none", ecolor=HIGHLIGHT, capsize=4)
        england = s.england_value.astype(float)
        if england.notna().any() and str(s.value_type.iloc[0]) != "count":  # counts: not on
            # the same scale as England's
            ax.plot(x, england.tolist(), color=ENGLAND_COLOUR, linestyle="--", marker="s",
                    markersize=4, linewidth=1, label="England")
        breaks = s.symbol.fillna("").astype(str).str.contains(r"\[b\]")
        for xi, yi, b in zip(x, y, breaks, strict=True):
            if b:  # the period the catalogue or source marks as a break in series
                ax.annotate("[b]", (xi, yi), xytext=(6, 6), textcoords="offset points",
                            fontsize=8, color="#333333")
        ax.set_xticks(x)
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_title(_wrap(str(s.indicator_title.iloc[0]), 55), fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.grid(axis="y", color="#dddddd")
        ax.legend(fontsize=7, loc="best")
        points = []
        for _, r in s.iterrows():
            text = f"{r.period_label}: {_fmt(number_or_none(r.value), unit)}"
            if number_or_none(r.lower_ci) is not None and number_or_none(r.upper_ci) is not None:
                text += (f" (95% interval {_fmt(number_or_none(r.lower_ci), unit)} to "
                         f"{_fmt(number_or_none(r.upper_ci), unit)})")
            if number_or_none(r.england_value) is not None and r.value_type != "count":
                text += f", England {_fmt(number_or_none(r.england_value), unit)}"
            if isinstance(r.symbol, str) and "[b]" in r.symbol:
                text += " [b] (break in series: compare with caution)"
            points.append(text)
        alt.append(f"{s.indicator_title.iloc[0]}: " + "; ".join(points) + ".")
    for ax in list(axes.flat)[len(series):]:
        ax.set_visible(False)
    fig.suptitle("Rotherham over time", fontsize=11)
    fig.tight_layout()
    path = _save(fig, out_dir / "facts_chart_trends.png")
    return {"path": path, "title": "Rotherham over time", "alt": " ".join(alt),
            "indicators": [ind for ind, _ in series]}


def _comparators(values: pd.DataFrame, out_dir: Path) -> dict[str, Any] | None:
    median = values["council_median"] if "council_median" in values else pd.Series(
        None, index=values.index, dtype="float64")
    values = values.assign(council_median=median)
    rows = values[(values.area_code == ROTHERHAM) & values.value.notna()
                  & (values.england_value.notna() | values.region_value.notna()
                     | values.council_median.notna())]
    latest = []
    for ind in COMPARATOR_INDICATORS:
        s = rows[rows.indicator_id == ind].sort_values("period_id")
        if len(s):
            latest.append(s.iloc[-1])
    if not latest:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(len(latest), 1, figsize=(10, 1.5 * len(latest) + 0.8),
                             squeeze=False)
    alt = ["Rotherham against Yorkshire and The Humber and England (or the median of all "
           "councils where that is the published comparator), latest period held."]
    for ax, r in zip(axes.flat, latest, strict=True):
        unit = str(r.unit)
        names = ["England", "Median of all councils", "Yorkshire and The Humber", "Rotherham"]
        vals = [number_or_none(v) for v in (r.england_value, r.council_median, r.region_value,
                                            r.value)]
        colours = [ENGLAND_COLOUR, OTHER_COLOUR, REGION_COLOUR, HIGHLIGHT]
        shown = [(n, v, c) for n, v, c in zip(names, vals, colours, strict=True)
                 if v is not None]
        ax.barh([n for n, _, _ in shown], [v for _, v, _ in shown],
                color=[c for _, _, c in shown], height=0.6)
        if number_or_none(r.lower_ci) is not None and number_or_none(r.upper_ci) is not None:
            ax.errorbar([r.value], ["Rotherham"],
                        xerr=[[max(r.value - r.lower_ci, 0)], [max(r.upper_ci - r.value, 0)]],
                        fmt="none", ecolor="black", capsize=3)
        for name, value, _ in shown:
            right = value
            if name == "Rotherham" and number_or_none(r.upper_ci) is not None:
                right = max(value, float(r.upper_ci))
            label = _fmt(value, unit) if unit == "%" else _fmt(value, "")
            if name == "Rotherham" and isinstance(r.symbol, str) and "[u]" in r.symbol:
                label += " [u] low reliability"
            ax.text(right, name, f"  {label}", va="center", fontsize=8)
        ax.set_xlabel(unit, fontsize=8)
        ax.set_title(_wrap(f"{r.indicator_title} ({r.period_label})", 90), fontsize=9,
                     loc="left")
        ax.tick_params(labelsize=8)
        ax.set_xlim(0, max(v for _, v, _ in shown) * 1.25 or 1)
        ax.grid(axis="x", color="#eeeeee")
        text = (f"{r.indicator_title}, {r.period_label}: "
                f"Rotherham {_fmt(number_or_none(r.value), unit)}")
        if isinstance(r.symbol, str) and "[u]" in r.symbol:
            text += " [u] (low reliability)"
        if number_or_none(r.lower_ci) is not None and number_or_none(r.upper_ci) is not None:
            text += (f" (95% interval {_fmt(number_or_none(r.lower_ci), unit)} to "
                     f"{_fmt(number_or_none(r.upper_ci), unit)})")
        if vals[1] is not None:
            text += f"; median of all councils {_fmt(vals[1], unit)}"
        if vals[2] is not None:
            text += f"; Yorkshire and The Humber {_fmt(vals[2], unit)}"
            if isinstance(r.region_comparison, str) and r.region_comparison:
                text += f" (Rotherham {r.region_comparison})"
        if vals[0] is not None:
            text += f"; England {_fmt(vals[0], unit)}"
            if isinstance(r.england_comparison, str) and r.england_comparison:
                text += f" (Rotherham {r.england_comparison})"
        alt.append(text + ".")
    fig.suptitle("Rotherham against the region and England", fontsize=11)
    fig.tight_layout()
    path = _save(fig, out_dir / "facts_chart_comparators.png")
    return {"path": path, "title": "Rotherham against the region and England",
            "indicators": [str(r.indicator_id) for r in latest],
            "alt": " ".join(alt)}


def _districts(values: pd.DataFrame, out_dir: Path) -> dict[str, Any] | None:
    rows = values[(values.indicator_id == RANKED_INDICATOR) & (values.area_level == "district")
                  & values.area_code.str.startswith("E") & values.value.notna()]
    if rows.empty:
        return None
    period = rows.period_id.max()
    rows = rows[rows.period_id == period].sort_values("value", ascending=False)
    rows = rows.reset_index(drop=True)
    here = rows.index[rows.area_code == ROTHERHAM]
    if len(here) == 0:
        return None
    position = int(here[0])
    me = rows.iloc[position]
    region = str(me.region_code)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.8))
    x = list(range(1, len(rows) + 1))
    groups = ((rows.region_code != region, OTHER_COLOUR, 12, 2),
              ((rows.region_code == region) & (rows.area_code != ROTHERHAM), REGION_COLOUR, 16, 3),
              (rows.area_code == ROTHERHAM, HIGHLIGHT, 70, 4))
    for mask, colour, size, order in groups:  # region and Rotherham drawn on top
        ax.scatter([xi for xi, m in zip(x, mask, strict=True) if m], rows.value[mask],
                   c=colour, s=size, zorder=order)
    england = number_or_none(me.england_value)
    if england is not None:
        ax.axhline(england, color=ENGLAND_COLOUR, linestyle="--", linewidth=1)
        ax.text(len(rows), england, f"England {england:.1f}% ", ha="right", va="bottom",
                fontsize=8)
    ax.annotate(f"Rotherham {me.value:.2f}%\n{_ordinal(position + 1)} highest of "
                f"{len(rows)}",
                (position + 1, me.value), xytext=(40, 25), textcoords="offset points",
                arrowprops={"arrowstyle": "-", "color": HIGHLIGHT}, fontsize=9,
                color=HIGHLIGHT)
    ax.set_xlabel(f"English districts ranked from highest to lowest ({len(rows)})", fontsize=9)
    ax.set_ylabel("% of residents aged 5+ providing unpaid care", fontsize=9)
    ax.grid(axis="y", color="#dddddd")
    ax.scatter([], [], c=REGION_COLOUR, s=12, label="other Yorkshire and The Humber districts")
    ax.scatter([], [], c=OTHER_COLOUR, s=12, label="other English districts")
    ax.legend(fontsize=8, loc="upper right")
    title = f"Rotherham among all English districts: unpaid care, Census {me.period_label}"
    ax.set_title(title, fontsize=11)
    fig.text(0.01, 0.01, "Source: ONS Census 2021 TS039. Region and England are sums of "
             "districts.", fontsize=7)
    fig.tight_layout()
    path = _save(fig, out_dir / "facts_chart_districts.png")
    top, bottom = rows.iloc[0], rows.iloc[-1]
    in_region = rows[rows.region_code == region].reset_index(drop=True)
    region_position = int(in_region.index[in_region.area_code == ROTHERHAM][0]) + 1
    alt = (f"{title}. Dot plot of the percentage of residents aged 5 and over providing unpaid "
           f"care in each of {len(rows)} English districts, highest first. Rotherham "
           f"{me.value:.2f}% is {_ordinal(position + 1)} highest of {len(rows)} (and "
           f"{_ordinal(region_position)} of {len(in_region)} districts in Yorkshire and The "
           f"Humber). Highest: "
           f"{top.area_name} {top.value:.2f}%; lowest: {bottom.area_name} {bottom.value:.2f}%; "
           f"median {rows.value.median():.2f}%"
           + (f"; England {england:.2f}%." if england is not None else "."))
    return {"path": path, "title": title, "alt": alt, "indicators": [RANKED_INDICATOR]}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
