"""Every chart the project draws: the one home for matplotlib (Agg, static PNG).

Charts the Fingertips way, read from one published edition:
- a spine chart of Rotherham's indicators against England: the range of areas, the middle
  half (quartiles), England at the centre, Rotherham coloured by significance;
- compare-areas bars (Rotherham's region) and a ranked plot of all districts, each with 95%
  intervals and coloured by significance against England (darker where it holds at 99.8%);
- a funnel plot of all districts for the census shares, with 95% and 99.8% limits;
- trends with intervals, broken at a break in series [b] and at missing periods, on axes
  that start at zero;
- one small chart per fact for the facts page, and the small-area dot plot.
Each chart has a short text alternative and a data table (the figures it draws). Charts that
draw illustrative data say so on the chart. Drawing is deterministic: the same data gives the
same bytes (no software or date stamp in the PNG)."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting.figure_cache import cached_chart, code_digest, digest
from reporting.illustrative import illustrative_indicators
from sources.periods import period_of
from warehouse.stats import Z95, Z998, number_or_none

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
SPINE_INDICATORS = (
    "census_unpaid_care_pct",
    "census_unpaid_care_50h_pct",
    "young_carers_identified_per_1000",
    "ascof_1d_carer_quality_of_life",
    "ascof_3d2_carers_easy_to_find_information",
    "ascof_1c1b_carers_self_directed_support",
    "ascof_1c2b_carers_direct_payments",
)
RANKED_INDICATOR = "census_unpaid_care_pct"
FUNNEL_INDICATORS = ("census_unpaid_care_pct", "census_unpaid_care_50h_pct")
# Fingertips' colours: better/worse green/red, higher/lower blues, similar amber-free grey.
COLOURS = {"better": "#92d050", "worse": "#c00000", "similar": "#ffc000",
           "higher": "#1f4e79", "lower": "#9dc3e6", None: "#bfbfbf"}
DARKER = {"better": "#00703c", "worse": "#7a0000", "higher": "#0b2a4a", "lower": "#4a90c8"}
HIGHLIGHT, ENGLAND_COLOUR, OTHER_COLOUR = "#b2182b", "#000000", "#9e9e9e"
ILLUSTRATIVE_LABEL = "ILLUSTRATIVE DATA: invented example returns, not council records"
PNG_METADATA = {"Software": None}


def write_charts(con: duckdb.DuckDBPyConnection, out_dir: Path,
                 cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """Write every chart the edition's data supports into out_dir; one dict per chart with
    `path` (PNG), `title`, `alt` (short), `table` (the figures drawn, as records),
    `indicators` and `illustrative`. Charts whose indicators are absent are left out, never
    drawn empty. With `cache_dir`, a chart whose data, illustrative flags and code are
    unchanged is reused from there (reporting/figure_cache.py), byte for byte the same."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables").fetchall()}
    if "indicator_values" not in tables:
        return []
    values = con.execute("select * from indicator_values where breakdown = 'all'").df()
    flagged = illustrative_indicators(con)
    key = digest(values, sorted(flagged), code_digest(write_charts)) \
        if cache_dir is not None else ""
    charts = []
    for make in (_spine, _trends, _compare_areas, _districts, _funnel):
        found = cached_chart(cache_dir, make.__name__.strip("_"), key,
                             lambda make=make: _drawn(make(values, out_dir, flagged)))
        if found is not None:
            png, chart = found
            path = out_dir / chart["path"]
            if not path.is_file():
                path.write_bytes(png)
            charts.append({**chart, "path": path})
    return charts


def _drawn(chart: dict[str, Any] | None) -> tuple[bytes, dict[str, Any]] | None:
    """A chart just drawn, as (png, its dict with the file name in place of the path and
    its data table as records, so the cache can keep it as JSON)."""
    if chart is None:
        return None
    table = chart.get("table")
    records = table.astype(object).where(table.notna(), None).to_dict("records") \
        if isinstance(table, pd.DataFrame) else table
    return chart["path"].read_bytes(), {**chart, "path": chart["path"].name,
                                        "table": records}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "carers"
    return plt


def _print(fig: Any, target: Any, dpi: int) -> None:
    """Write `fig` as PNG and close it. `tight_layout` leaves a placeholder layout engine on
    the figure, and `savefig` lays out every text once more (a draw with rendering disabled)
    for any figure with an engine: the layout is already done, so the placeholder goes. The
    PNG is byte-identical; drawing the shipped edition's charts takes about a fifth less CPU
    (docs/performance.md, fifth session)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)
    fig.savefig(target, format="png", dpi=dpi, metadata=PNG_METADATA)
    _pyplot().close(fig)


def _save(fig: Any, path: Path) -> Path:
    _print(fig, path, 100)
    return path


def _png(fig: Any, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    _print(fig, buffer, dpi)
    return buffer.getvalue()


def fmt(value: float | None, unit: str, places: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    text = f"{value:,.{places}f}"
    return f"{text}%" if unit == "%" else f"{text} {unit}".rstrip()


def _places(r: Any) -> int:
    value = getattr(r, "decimals", None)
    if value is not None and not pd.isna(value):
        return int(value)
    return 0 if getattr(r, "value_type", "") in ("count", "mean") else 1


def significance(comparison: Any, comparison_998: Any = None) -> tuple[str, str]:
    """(colour, words) for a comparison with England, two levels as Fingertips shows."""
    word = comparison if isinstance(comparison, str) and comparison else None
    colour = COLOURS.get(word, COLOURS[None])
    if word in DARKER and isinstance(comparison_998, str) and comparison_998 == word:
        return DARKER[word], f"{word} (99.8%)"
    return colour, (f"{word} (95%)" if word in DARKER else (word or "not compared"))


def _label_illustrative(fig: Any, indicators: set[str], flagged: set[str]) -> bool:
    if indicators & flagged:
        fig.text(0.5, 0.995, ILLUSTRATIVE_LABEL, ha="center", va="top", fontsize=9,
                 color="white", backgroundcolor="#d4351c", weight="bold")
        return True
    return False


# --- spine chart ----------------------------------------------------------------------------
def _spine(values: pd.DataFrame, out_dir: Path, flagged: set[str]) -> dict[str, Any] | None:
    rows = []
    for ind in SPINE_INDICATORS:
        mine = values[(values.indicator_id == ind) & (values.area_code == ROTHERHAM)
                      & values.value.notna() & values.england_value.notna()]
        if mine.empty:
            continue
        me = mine.sort_values("period_id").iloc[-1]
        peers = values[(values.indicator_id == ind) & (values.period_id == me.period_id)
                       & (values.area_level == me.area_level) & values.value.notna()]
        if len(peers) < 5:
            continue
        v = peers.value.astype(float)
        rows.append({"indicator_id": ind, "indicator": me.indicator_title,
                     "period": me.period_label, "unit": me.unit, "places": _places(me),
                     "rotherham": float(me.value), "england": float(me.england_value),
                     "lowest": v.min(), "q1": v.quantile(0.25), "q3": v.quantile(0.75),
                     "highest": v.max(), "areas": len(peers),
                     "comparison": me.england_comparison,
                     "comparison_998": getattr(me, "england_comparison_998", None)})
    if len(rows) < 2:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 0.62 * len(rows) + 1.6))
    for y, r in enumerate(reversed(rows)):
        # Centred on England: each side scaled to the farthest area on that row.
        half = max(r["england"] - r["lowest"], r["highest"] - r["england"]) or 1.0

        def pos(x: float, r: dict = r, half: float = half) -> float:
            return (x - r["england"]) / half

        ax.plot([pos(r["lowest"]), pos(r["highest"])], [y, y], color="#d9d9d9", linewidth=9,
                solid_capstyle="butt", zorder=1)
        ax.plot([pos(r["q1"]), pos(r["q3"])], [y, y], color="#8c8c8c", linewidth=9,
                solid_capstyle="butt", zorder=2)
        colour, words = significance(r["comparison"], r["comparison_998"])
        ax.scatter([pos(r["rotherham"])], [y], s=110, color=colour, edgecolor="black",
                   zorder=4)
        r["significance"] = words
        label = (f"{_short(r['indicator'], 52)} ({r['period']}): Rotherham "
                 f"{fmt(r['rotherham'], r['unit'], r['places'])}, England "
                 f"{fmt(r['england'], r['unit'], r['places'])}")
        ax.text(-1.05, y + 0.33, label, fontsize=8, va="bottom")
    ax.axvline(0, color=ENGLAND_COLOUR, linewidth=1.5, zorder=3)
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(-0.7, len(rows) - 0.1)
    ax.set_yticks([])
    ax.set_xticks([-1, 0, 1], ["lowest area", "England", "highest area"], fontsize=8)
    ax.set_title("Spine chart: Rotherham against England and all areas (light grey: range; "
                 "dark grey: middle half)", fontsize=10)
    for name, colour in (("similar to England", COLOURS["similar"]),
                         ("higher / better (95%)", COLOURS["higher"]),
                         ("lower / worse (95%)", COLOURS["lower"])):
        ax.scatter([], [], s=60, color=colour, edgecolor="black", label=name)
    ax.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, -0.28), ncol=3,
              frameon=False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    illustrative = _label_illustrative(fig, {r["indicator_id"] for r in rows}, flagged)
    path = _save(fig, out_dir / "facts_chart_spine.png")
    table = pd.DataFrame([{
        "Indicator": r["indicator"], "Period": r["period"], "Unit": r["unit"],
        "Rotherham": round(r["rotherham"], r["places"]), "England": round(r["england"],
                                                                           r["places"]),
        "Lowest area": round(r["lowest"], r["places"]),
        "25th percentile": round(r["q1"], r["places"]),
        "75th percentile": round(r["q3"], r["places"]),
        "Highest area": round(r["highest"], r["places"]), "Areas": r["areas"],
        "Compared with England": r["significance"]} for r in rows])
    alt = (f"Spine chart of {len(rows)} indicators: Rotherham's value against England and "
           "the range of areas; " + "; ".join(
               f"{_short(r['indicator'], 40)} {r['significance']}" for r in rows) + ".")
    return {"path": path, "title": "Rotherham against England: spine chart", "alt": alt,
            "table": table, "indicators": [r["indicator_id"] for r in rows],
            "illustrative": illustrative}


# --- trends -----------------------------------------------------------------------------------
def _consecutive(earlier: str, later: str) -> bool:
    """Whether two periods follow each other with none missing between them."""
    a, b = period_of(earlier), period_of(later)
    if a.period_type != b.period_type:
        return False
    if a.period_type == "census_day":
        return b.start_year - a.start_year == 10
    if a.period_type in ("calendar_month", "quarter"):
        months = 1 if a.period_type == "calendar_month" else 3
        return (b.start_date.year - a.start_date.year) * 12 \
            + b.start_date.month - a.start_date.month == months
    return b.start_year - a.start_year == 1


def segments(s: pd.DataFrame) -> list[list[int]]:
    """Positions of the points joined by lines: a new segment at a break in series [b] (the
    later period's symbol) or after a missing period."""
    out: list[list[int]] = []
    ids = s.period_id.tolist()
    symbols = s.symbol.fillna("").astype(str).tolist()
    for i, _ in enumerate(ids):
        if i == 0 or breaks_before(symbols, i) or not _consecutive(ids[i - 1], ids[i]):
            out.append([i])
        else:
            out[-1].append(i)
    return out


def breaks_before(symbols: list[str], i: int) -> bool:
    """A break in series between points i-1 and i: either carries [b] (a source marks the
    first period of a new series, or the last of the old one)."""
    return i > 0 and ("[b]" in symbols[i] or "[b]" in symbols[i - 1])


def _upper_limit(unit: str, values: list[float]) -> float:
    if unit == "%":
        return min(100.0, max(values) * 1.15) if values else 100.0
    if unit.startswith("score out of"):
        return float(unit.rsplit(" ", 1)[-1])
    return max(values) * 1.15 if values else 1.0


def _trends(values: pd.DataFrame, out_dir: Path, flagged: set[str]) -> dict[str, Any] | None:
    rows = values[(values.area_code == ROTHERHAM) & values.value.notna()]
    series = []
    for ind in TREND_INDICATORS:
        s = rows[rows.indicator_id == ind].copy()
        s["_start"] = s.period_id.map(lambda p: period_of(p).start_date)
        s = s.sort_values("_start").reset_index(drop=True)
        if len(s) >= 2:
            series.append((ind, s))
    if not series:
        return None
    plt = _pyplot()
    columns = 2 if len(series) > 1 else 1
    lines = math.ceil(len(series) / columns)
    fig, axes = plt.subplots(lines, columns, figsize=(10, 3.2 * lines), squeeze=False)
    table_rows = []
    for ax, (ind, s) in zip(axes.flat, series, strict=False):
        unit = str(s.unit.iloc[0])
        places = _places(s.iloc[0])
        x = list(range(len(s)))
        y = s.value.astype(float).tolist()
        for part in segments(s):
            ax.plot([x[i] for i in part], [y[i] for i in part], color=HIGHLIGHT, marker="o",
                    linewidth=1.6)
        has_ci = s.lower_ci.notna() & s.upper_ci.notna()
        if has_ci.any():
            lo = (s.value - s.lower_ci).where(has_ci, 0).astype(float).clip(lower=0).tolist()
            hi = (s.upper_ci - s.value).where(has_ci, 0).astype(float).clip(lower=0).tolist()
            ax.errorbar(x, y, yerr=[lo, hi], fmt="none", ecolor=HIGHLIGHT, capsize=4)
        england = s.england_value.astype(float)
        if england.notna().any() and str(s.value_type.iloc[0]) != "count":
            for part in segments(s):
                ax.plot([x[i] for i in part], [england.iloc[i] for i in part],
                        color=ENGLAND_COLOUR, linestyle="--", marker="s", markersize=4,
                        linewidth=1)
        symbols = s.symbol.fillna("").astype(str).tolist()
        for i in range(1, len(s)):
            if breaks_before(symbols, i):
                ax.axvline(i - 0.5, color="#555555", linestyle=":", linewidth=1)
                ax.text(i - 0.45, 0, "[b] break in series", fontsize=7, rotation=90,
                        va="bottom", color="#333333")
        drawn_england = england.dropna().tolist() if str(s.value_type.iloc[0]) != "count" \
            else []
        top = max([*y, *s.upper_ci.dropna().astype(float).tolist(), *drawn_england])
        ax.set_ylim(0, _upper_limit(unit, [top]))  # axes start at zero
        ax.set_xticks(x, s.period_label.astype(str).tolist(), fontsize=8)
        ax.set_xlim(-0.6, len(s) - 0.4)
        title = _short(str(s.indicator_title.iloc[0]), 60)
        if ind in flagged:
            title += "\n(illustrative data)"
        ax.set_title(title, fontsize=9, color="#d4351c" if ind in flagged else "black")
        ax.set_ylabel(unit, fontsize=8)
        ax.grid(axis="y", color="#dddddd")
        for r in s.itertuples(index=False):
            table_rows.append({
                "Indicator": r.indicator_title, "Period": r.period_label, "Unit": unit,
                "Rotherham": round(float(r.value), places),
                "Lower 95% limit": _rounded(r.lower_ci, places),
                "Upper 95% limit": _rounded(r.upper_ci, places),
                "England": _rounded(r.england_value, places)
                if str(r.value_type) != "count" else None,
                "Symbols": r.symbol if isinstance(r.symbol, str) else "",
                "Illustrative": "yes" if ind in flagged else "no"})
    for ax in list(axes.flat)[len(series):]:
        ax.set_visible(False)
    fig.suptitle("Rotherham over time (red; England dashed); gaps mark breaks in series "
                 "and missing years", fontsize=10, y=0.955)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    illustrative = _label_illustrative(fig, {ind for ind, _ in series}, flagged)
    path = _save(fig, out_dir / "facts_chart_trends.png")
    alt = ("Line charts of " + ", ".join(_short(str(s.indicator_title.iloc[0]), 40)
                                          for _, s in series)
           + " for Rotherham over time, axes from zero; the data table gives every point.")
    return {"path": path, "title": "Rotherham over time", "alt": alt,
            "table": pd.DataFrame(table_rows), "indicators": [i for i, _ in series],
            "illustrative": illustrative}


def _rounded(value: Any, places: int) -> float | None:
    number = number_or_none(value)
    return None if number is None else round(number, places)


# --- compare areas and ranked districts -------------------------------------------------------
def _latest_districts(values: pd.DataFrame, ind: str) -> tuple[pd.DataFrame, Any] | None:
    rows = values[(values.indicator_id == ind) & (values.area_level == "district")
                  & values.area_code.str.startswith("E") & values.value.notna()]
    if rows.empty:
        return None
    rows = rows[rows.period_id == rows.period_id.max()]
    me = rows[rows.area_code == ROTHERHAM]
    if me.empty:
        return None
    return rows.sort_values("value", ascending=False).reset_index(drop=True), me.iloc[0]


def _bar_colours(rows: pd.DataFrame) -> list[str]:
    col998 = rows["england_comparison_998"] if "england_comparison_998" in rows else \
        [None] * len(rows)
    return [significance(c, c9)[0] for c, c9 in zip(rows.england_comparison, col998,
                                                    strict=True)]


def _compare_areas(values: pd.DataFrame, out_dir: Path, flagged: set[str]
                   ) -> dict[str, Any] | None:
    found = _latest_districts(values, RANKED_INDICATOR)
    if found is None:
        return None
    rows, me = found
    region = rows[rows.region_code == me.region_code].reset_index(drop=True)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(region) + 1.8))
    y = list(range(len(region)))[::-1]
    colours = _bar_colours(region)
    ax.barh(y, region.value, color=colours, edgecolor=["black" if a == ROTHERHAM else
                                                       "none" for a in region.area_code])
    ax.errorbar(region.value, y, xerr=[(region.value - region.lower_ci).clip(lower=0),
                                       (region.upper_ci - region.value).clip(lower=0)],
                fmt="none", ecolor="black", capsize=2, linewidth=0.8)
    ax.set_yticks(y, [f"{n}" for n in region.area_name], fontsize=8)
    england = number_or_none(me.england_value)
    if england is not None:
        ax.axvline(england, color=ENGLAND_COLOUR, linestyle="--", linewidth=1)
        ax.text(england, len(region) - 0.3, f" England {england:.1f}%", fontsize=8)
    ax.set_xlim(0, float(region.upper_ci.max()) * 1.12)
    ax.set_xlabel("% of residents aged 5+ providing unpaid care, with 95% interval", fontsize=8)
    ax.set_title(f"Districts of Yorkshire and The Humber, Census {me.period_label}: coloured "
                 "by comparison with England", fontsize=10)
    fig.tight_layout()
    path = _save(fig, out_dir / "facts_chart_compare_areas.png")
    table = _district_table(region)
    higher = int((region.england_comparison == "higher").sum())
    alt = (f"Bar chart of {len(region)} districts in Yorkshire and The Humber: {higher} "
           f"significantly higher than England ({england:.1f}%); Rotherham "
           f"{me.value:.1f}% ({me.england_comparison}).")
    return {"path": path, "title": "Compare areas: Yorkshire and The Humber", "alt": alt,
            "table": table, "indicators": [RANKED_INDICATOR], "illustrative": False}


def _district_table(rows: pd.DataFrame) -> pd.DataFrame:
    col998 = rows["england_comparison_998"] if "england_comparison_998" in rows else \
        [None] * len(rows)
    return pd.DataFrame({
        "Area": rows.area_name, "Value (%)": rows.value.round(2),
        "Lower 95% limit (%)": rows.lower_ci.round(2),
        "Upper 95% limit (%)": rows.upper_ci.round(2),
        "Compared with England": [significance(c, c9)[1] for c, c9 in
                                  zip(rows.england_comparison, col998, strict=True)]})


def _districts(values: pd.DataFrame, out_dir: Path, flagged: set[str]
               ) -> dict[str, Any] | None:
    found = _latest_districts(values, RANKED_INDICATOR)
    if found is None:
        return None
    rows, me = found
    position = int(rows.index[rows.area_code == ROTHERHAM][0])
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.8))
    x = list(range(1, len(rows) + 1))
    colours = _bar_colours(rows)
    ax.errorbar(x, rows.value, yerr=[(rows.value - rows.lower_ci).clip(lower=0),
                                     (rows.upper_ci - rows.value).clip(lower=0)],
                fmt="none", ecolor="#bbbbbb", linewidth=0.7, zorder=1)
    ax.scatter(x, rows.value, c=colours, s=12, zorder=2)
    ax.scatter([position + 1], [me.value], s=90, facecolor="none", edgecolor=HIGHLIGHT,
               linewidth=2, zorder=3)
    england = number_or_none(me.england_value)
    if england is not None:
        ax.axhline(england, color=ENGLAND_COLOUR, linestyle="--", linewidth=1)
        ax.text(len(rows), england, f"England {england:.1f}% ", ha="right", va="bottom",
                fontsize=8)
    ax.annotate(f"Rotherham {me.value:.2f}%\n{_ordinal(position + 1)} highest of "
                f"{len(rows)}", (position + 1, me.value), xytext=(40, 25),
                textcoords="offset points", arrowprops={"arrowstyle": "-", "color": HIGHLIGHT},
                fontsize=9, color=HIGHLIGHT)
    ax.set_ylim(0, float(rows.upper_ci.max()) * 1.1)
    ax.set_xlabel(f"English districts ranked from highest to lowest ({len(rows)})", fontsize=9)
    ax.set_ylabel("% of residents aged 5+ providing unpaid care", fontsize=9)
    ax.grid(axis="y", color="#dddddd")
    for name, colour in (("higher than England (95%)", COLOURS["higher"]),
                         ("higher (99.8%)", DARKER["higher"]),
                         ("similar", COLOURS["similar"]),
                         ("lower than England (95%)", COLOURS["lower"])):
        ax.scatter([], [], c=colour, s=14, label=name)
    ax.legend(fontsize=7, loc="upper right")
    title = f"Rotherham among all English districts: unpaid care, Census {me.period_label}"
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    path = _save(fig, out_dir / "facts_chart_districts.png")
    counts = rows.england_comparison.value_counts()
    alt = (f"Ranked plot of {len(rows)} English districts with 95% intervals. Rotherham "
           f"{me.value:.2f}% is {_ordinal(position + 1)} highest; "
           f"{int(counts.get('higher', 0))} districts are significantly higher than England, "
           f"{int(counts.get('lower', 0))} lower.")
    return {"path": path, "title": title, "alt": alt, "table": _district_table(rows),
            "indicators": [RANKED_INDICATOR], "illustrative": False}


# --- funnel plot ------------------------------------------------------------------------------
def funnel_limits(p0: float, n: float, z: float) -> tuple[float, float]:
    """Control limits of a proportion p0 (0-1) for a denominator n (normal approximation,
    as Fingertips' funnel plots for large populations)."""
    spread = z * math.sqrt(p0 * (1 - p0) / n)
    return max(0.0, p0 - spread), min(1.0, p0 + spread)


def _funnel(values: pd.DataFrame, out_dir: Path, flagged: set[str]) -> dict[str, Any] | None:
    panels = []
    for ind in FUNNEL_INDICATORS:
        found = _latest_districts(values, ind)
        if found is None:
            continue
        rows, me = found
        rows = rows[rows.denominator.notna() & (rows.denominator > 0)]
        england = number_or_none(me.england_value)
        if england is None or rows.empty:
            continue
        panels.append((ind, rows, me, england))
    if not panels:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(10, 4.4), squeeze=False)
    table_rows = []
    for ax, (_ind, rows, me, england) in zip(axes.flat, panels, strict=True):
        p0 = england / 100
        n_lo, n_hi = float(rows.denominator.min()), float(rows.denominator.max())
        ns = [n_lo + (n_hi - n_lo) * i / 200 for i in range(201)]
        for z, style, label in ((Z95, "--", "95% limits"), (Z998, "-", "99.8% limits")):
            lims = [funnel_limits(p0, n, z) for n in ns]
            ax.plot([n / 1000 for n in ns], [a * 100 for a, _ in lims], color="#555555",
                    linestyle=style, linewidth=0.9, label=label)
            ax.plot([n / 1000 for n in ns], [b * 100 for _, b in lims], color="#555555",
                    linestyle=style, linewidth=0.9)
        ax.axhline(england, color=ENGLAND_COLOUR, linewidth=1, label=f"England {england:.1f}%")
        ax.scatter(rows.denominator / 1000, rows.value, s=9, color=OTHER_COLOUR, zorder=2)
        ax.scatter([me.denominator / 1000], [me.value], s=70, color=HIGHLIGHT, zorder=3,
                   label=f"Rotherham {me.value:.2f}%")
        ax.set_ylim(0, float(rows.value.max()) * 1.15)
        ax.set_xlabel("Residents aged 5+ (thousands)", fontsize=8)
        ax.set_ylabel("%", fontsize=8)
        ax.set_title(_short(str(me.indicator_title), 55), fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
        lo95, hi95 = funnel_limits(p0, float(me.denominator), Z95)
        lo998, hi998 = funnel_limits(p0, float(me.denominator), Z998)
        outside998 = int(sum(1 for v, n in zip(rows.value, rows.denominator, strict=True)
                             if not funnel_limits(p0, n, Z998)[0] * 100 <= v
                             <= funnel_limits(p0, n, Z998)[1] * 100))
        table_rows.append({"Indicator": me.indicator_title, "Period": me.period_label,
                           "Rotherham (%)": round(float(me.value), 2),
                           "England (%)": round(england, 2),
                           "95% limits at Rotherham's size (%)":
                               f"{lo95 * 100:.2f} to {hi95 * 100:.2f}",
                           "99.8% limits at Rotherham's size (%)":
                               f"{lo998 * 100:.2f} to {hi998 * 100:.2f}",
                           "Districts": len(rows),
                           "Districts outside 99.8% limits": outside998})
    fig.suptitle("Funnel plots: every English district against England, with 95% and 99.8% "
                 "limits", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    path = _save(fig, out_dir / "facts_chart_funnel.png")
    table = pd.DataFrame(table_rows)
    words = []
    for t in table_rows:
        limits = t["99.8% limits at Rotherham's size (%)"]
        low, high = (float(x) for x in limits.split(" to "))
        where = ("above" if t["Rotherham (%)"] > high else "below"
                 if t["Rotherham (%)"] < low else "within")
        words.append(f"{t['Indicator']}: Rotherham {t['Rotherham (%)']}% lies {where} the "
                     f"99.8% limits ({limits}%)")
    alt = ("Funnel plots of every English district against its population, England at the "
           "centre: " + "; ".join(words) + ".")
    return {"path": path, "title": "Funnel plots: districts against England", "alt": alt,
            "table": table, "indicators": [p[0] for p in panels], "illustrative": False}


# --- small charts for the facts page ----------------------------------------------------------
def fact_chart(r: Any, path: Path, illustrative: bool = False) -> Path:
    """A small horizontal bar chart of one fact: Rotherham (with its 95% interval) and
    England, on an axis from zero."""
    plt = _pyplot()
    unit = str(r.unit)
    places = _places(r)
    names, vals, colours = ["Rotherham"], [float(r.value)], [
        significance(r.england_comparison, getattr(r, "england_comparison_998", None))[0]
        if number_or_none(r.england_value) is not None else HIGHLIGHT]
    if number_or_none(r.england_value) is not None and str(r.value_type) != "count":
        names.insert(0, "England")
        vals.insert(0, float(r.england_value))
        colours.insert(0, "#505a5f")
    fig, ax = plt.subplots(figsize=(4.2, 0.45 * len(names) + 0.7))
    ax.barh(names, vals, color=colours, height=0.55)
    lo, hi = number_or_none(r.lower_ci), number_or_none(r.upper_ci)
    if lo is not None and hi is not None:
        ax.errorbar([float(r.value)], ["Rotherham"], xerr=[[max(float(r.value) - lo, 0)],
                                                           [max(hi - float(r.value), 0)]],
                    fmt="none", ecolor="black", capsize=3)
    right = max([*vals, hi or 0])
    for name, value in zip(names, vals, strict=True):
        ax.text(value, name, "  " + fmt(value, unit, places), va="center", fontsize=9)
    ax.set_xlim(0, _upper_limit(unit, [right * 1.35]) if unit.startswith("score") else
                right * 1.45 or 1)
    ax.tick_params(labelsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if illustrative:
        ax.set_title("Illustrative data", fontsize=8, color="#d4351c", loc="left")
    fig.tight_layout()
    return _save(fig, path)


# --- small areas -----------------------------------------------------------------------------
def small_area_dot_plot(table: pd.DataFrame, average: float | None) -> bytes:
    """Ranked dot plot of every Rotherham LSOA's % providing unpaid care with its 95%
    interval, the Rotherham average as a line, coloured by significance against it."""
    plt = _pyplot()
    table = table.iloc[::-1].reset_index(drop=True)  # highest at the top
    colours = ["#b2182b" if "significantly higher" in str(n) else
               "#2166ac" if "significantly lower" in str(n) else "#7f7f7f"
               for n in table["note"]]
    fig, ax = plt.subplots(figsize=(8.5, 26))
    y = range(len(table))
    ax.hlines(y, table["lower_ci"], table["upper_ci"], color=colours, linewidth=1.2)
    ax.scatter(table["pct_unpaid_care"], y, color=colours, s=14, zorder=3)
    if average is not None:
        ax.axvline(average, color="black", linestyle="--", linewidth=1)
        ax.text(average, len(table) + 0.5, f" Rotherham {average:.1f}%", va="bottom",
                fontsize=9)
    ax.set_yticks(list(y))
    ax.set_yticklabels(table["area_name"], fontsize=6.5)
    ax.set_ylim(-1, len(table) + 2)
    ax.set_xlim(0, float(table["upper_ci"].max()) * 1.05)
    ax.set_xlabel("Residents aged 5+ providing unpaid care (%), with 95% interval")
    ax.set_title(f"Where carers live: Rotherham's {len(table)} small areas (LSOAs), Census "
                 "2021\nred = significantly above the Rotherham average, blue = below, "
                 "grey = not different", fontsize=10)
    ax.grid(axis="x", color="#dddddd")
    fig.text(0.01, 0.003, "Source: ONS Census 2021 TS039 (LSOA). Small-area counts are "
             "perturbed by ONS.", fontsize=7)
    fig.tight_layout()
    return _png(fig, dpi=110)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"
