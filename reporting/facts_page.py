"""Two pages regenerated from one published edition, both self-contained (no scripts, no
outside requests, charts inlined) and readable on a phone:

- facts.html, "Facts about carers in Rotherham": for residents and councillors. Each fact is
  a short sentence with its figure, its comparison with England and a small chart; sources
  are numbered footnotes. Figures come only from the edition's published (disclosure
  controlled) values, at each indicator's published precision.
- method.html, "How these figures were made": definitions, the Fingertips-style charts with
  their data tables, the reconciliation of every figure the strategy documents and Cabinet
  minutes quote (one status vocabulary), and the lineage with sha256 hashes.

Plus facts.csv (the claims we hold a figure for) and facts_reconciliation.csv (every claim).
Wherever a figure comes from illustrative example data, the page says so at the top and on
the fact or chart."""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting import claims as claims_module
from reporting.charts import fact_chart, fmt, significance, write_charts
from reporting.illustrative import BANNER, illustrative_indicators
from reporting.requests import SYMBOLS
from sources.safe_text import neutralise_frame

FACT_COLUMNS = ["claim_id", "document", "fact", "published_figure", "our_figure", "our_value",
                "unit", "indicator_id", "area_code", "period_id", "period_label", "definition",
                "source_file", "source_sha256", "source_rows", "status"]
STATUSES = claims_module.STATUSES
ROTHERHAM = "E08000018"
PAGES = ("facts.html", "method.html")

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0 auto;
max-width:48rem;padding:1rem;color:#0b0c0c;line-height:1.5;font-size:1.05rem;
overflow-wrap:anywhere}
h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0}h2{font-size:1.3rem;margin-top:2rem;
border-bottom:3px solid #b2182b;padding-bottom:.2rem}h3{font-size:1.1rem;margin:.2rem 0}
.banner{background:#d4351c;color:#fff;padding:.75rem;font-weight:bold;margin:.5rem 0}
.fact{border-left:6px solid #b2182b;padding:.25rem 0 .25rem .8rem;margin:1.5rem 0}
.figure{font-size:2rem;font-weight:bold;line-height:1.1;display:block}
.compare{color:#505a5f}.tag{display:inline-block;background:#d4351c;color:#fff;
font-size:.8rem;padding:0 .4rem;font-weight:bold}
img{max-width:100%;height:auto;display:block}
figure{margin:1.5rem 0}figcaption{font-weight:bold;margin:.3rem 0}
.meta{color:#505a5f;font-size:.9rem}
.sha{font-family:monospace;font-size:.8rem;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.4rem 0}
th,td{border:1px solid #b1b4b6;padding:.3rem .45rem;vertical-align:top;text-align:left}
thead th{background:#f3f2f1}
ol.notes{font-size:.9rem;padding-left:1.4rem}
@media (max-width:40rem){
  table.stack thead{position:absolute;left:-9999px}
  table.stack,table.stack tbody,table.stack tr,table.stack th,table.stack td{display:block;
  width:100%}
  table.stack tr{border:1px solid #b1b4b6;margin:0 0 .8rem}
  table.stack td,table.stack tbody th{border:none;border-bottom:1px solid #e5e5e5}
  table.stack td::before{content:attr(data-label) ": ";font-weight:bold}
}
"""


@dataclass(frozen=True)
class Fact:
    """One fact on the residents' page: an indicator's latest figure for Rotherham, said in
    a sentence. `sentence` is formatted with figure (the value at its precision), count (the
    numerator), period and unit."""
    indicator_id: str
    sentence: str


FACTS = (
    Fact("census_unpaid_care_pct", "{count} people in Rotherham give unpaid care: {figure} "
         "of residents aged 5 and over (Census {period})."),
    Fact("census_unpaid_care_50h_pct", "{count} of them care for 50 hours or more a week: "
         "{figure} of residents aged 5 and over (Census {period})."),
    Fact("young_carers_identified", "{figure} pupils were recorded as young carers in the "
         "{period} school census."),
    Fact("ascof_1d_carer_quality_of_life", "Carers' quality of life scored {figure} "
         "({period}, survey of carers)."),
    Fact("ascof_3d2_carers_easy_to_find_information", "{figure} of carers found it easy to "
         "find information about support ({period})."),
    Fact("young_carers_one_to_one", "{figure} had one-to-one support in {period}."),
    Fact("carer_assessments_completed", "{figure} were completed in {period}."),
)


def write_facts(con: duckdb.DuckDBPyConnection, out_dir: Path,
                charts: list[dict] | None = None, *, edition: str | None = None,
                claims: list[claims_module.Claim] | None = None) -> list[Path]:
    """Write facts.html, method.html, facts.csv and facts_reconciliation.csv (and the small
    fact charts they inline are drawn to memory only) from the edition `con` reads."""
    out_dir.mkdir(parents=True, exist_ok=True)
    reconciliation = claims_module.reconcile(con, claims)
    facts = fact_table(reconciliation)
    edition = edition or _edition_of(con) or "unknown edition"
    flagged = illustrative_indicators(con)
    paths = [out_dir / "facts.html", out_dir / "method.html", out_dir / "facts.csv",
             out_dir / "facts_reconciliation.csv"]
    paths[0].write_text(render_facts(con, edition, flagged, out_dir), encoding="utf-8")
    paths[1].write_text(render_method(con, reconciliation, charts or [], edition, flagged),
                        encoding="utf-8")
    neutralise_frame(facts).to_csv(paths[2], index=False, lineterminator="\n")
    neutralise_frame(reconciliation).to_csv(paths[3], index=False, lineterminator="\n")
    return paths


def write_page(con: duckdb.DuckDBPyConnection, out_dir: Path, edition: str | None = None,
               cache_dir: Path | None = None) -> tuple[list[dict], list[Path]]:
    """Draw the charts (or reuse unchanged ones from `cache_dir`) and write both pages with
    them into out_dir: (charts, every file)."""
    charts = write_charts(con, out_dir, cache_dir)
    paths = write_facts(con, out_dir, charts, edition=edition)
    return charts, [*paths, *(Path(c["path"]) for c in charts)]


def edition_files(tables: dict[str, pd.DataFrame], edition: str,
                  cache_dir: Path | None = None) -> dict[str, bytes]:
    """The pages, their CSVs and charts for an edition being published, as {file: bytes},
    computed from the edition's own tables (the same rows its published.duckdb will hold)."""
    import tempfile

    con = duckdb.connect()
    try:
        for name, frame in tables.items():
            con.register(name, frame)
        with tempfile.TemporaryDirectory(prefix="carers-facts-") as folder:
            _, paths = write_page(con, Path(folder), edition, cache_dir)
            return {p.name: p.read_bytes() for p in paths}
    finally:
        con.close()


def chart_sources(con: duckdb.DuckDBPyConnection, charts: list[dict]) -> list[list[str]]:
    """For each chart, the source files (with sha256) of the indicators it draws."""
    out: list[list[str]] = []
    tables = _tables(con)
    for chart in charts:
        ids = list(chart.get("indicators") or [])
        if not ids or "indicator_lineage" not in tables:
            out.append([])
            continue
        found = con.execute(
            "select distinct source_file, source_sha256 from indicator_lineage "
            "where list_contains(?, indicator_id) order by 1", [ids]).fetchall()
        out.append([f"{f} (sha256 {s})" for f, s in found])
    return out


def fact_table(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The figures we hold for the published facts: one row per claim with our figure."""
    held = reconciliation[reconciliation.our_figure.notna()]
    return pd.DataFrame({
        "claim_id": held.claim_id, "document": held.document, "fact": held.quote,
        "published_figure": held.claimed_text,
        "our_figure": held.our_text, "our_value": held.our_figure, "unit": held.unit,
        "indicator_id": held.indicator_id, "area_code": held.area_code,
        "period_id": held.period_id, "period_label": held.period_label,
        "definition": held.definition, "source_file": held.source_file,
        "source_sha256": held.source_sha256, "source_rows": held.source_rows,
        "status": held.status}, columns=FACT_COLUMNS).reset_index(drop=True)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "select table_name from information_schema.tables").fetchall()}


def _edition_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The edition id from manifest.json beside the database `con` has open, if any."""
    found = con.execute("select path from duckdb_databases() "
                        "where database_name = current_database()").fetchone()
    if not found or not found[0]:
        return None
    manifest = Path(found[0]).parent / "manifest.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text()).get("edition")


def _e(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _head(title: str) -> list[str]:
    return ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
            "<main>"]


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">'


# --- the residents' page ------------------------------------------------------------------
def _latest_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if "indicator_values" not in _tables(con):
        return pd.DataFrame()
    values = con.execute(
        "select v.*, i.decimals, i.definition from indicator_values v "
        "left join indicators i using (indicator_id) "
        "where v.area_code = ? and v.breakdown = 'all' and v.value is not null",
        [ROTHERHAM]).df() if _has_decimals(con) else con.execute(
        "select v.*, null as decimals, i.definition from indicator_values v "
        "left join indicators i using (indicator_id) "
        "where v.area_code = ? and v.breakdown = 'all' and v.value is not null",
        [ROTHERHAM]).df()
    return values


def _has_decimals(con: duckdb.DuckDBPyConnection) -> bool:
    if "indicators" not in _tables(con):
        return False
    columns = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = 'indicators'"
    ).fetchall()}
    return "decimals" in columns


def _places(r: Any) -> int:
    if r.decimals is not None and not pd.isna(r.decimals):
        return int(r.decimals)
    return 0 if r.value_type in ("count", "mean") else 1


def _sources_of(con: duckdb.DuckDBPyConnection, r: Any) -> str:
    if "indicator_lineage" not in _tables(con):
        return str(r.source or "")
    files = con.execute(
        "select string_agg(distinct source_file, '; ' order by source_file) "
        "from indicator_lineage where indicator_id = ? and area_code = ? and period_id = ? "
        "and breakdown = 'all'", [r.indicator_id, r.area_code, r.period_id]).fetchone()[0]
    return files or ""


def render_facts(con: duckdb.DuckDBPyConnection, edition: str, flagged: set[str],
                 out_dir: Path) -> str:
    """The residents' page: a short sentence per fact, its comparison, a small chart."""
    import tempfile

    latest = _latest_rows(con)
    out = _head("Facts about carers in Rotherham")
    out.append("<h1>Facts about carers in Rotherham</h1>")
    shown: list[tuple[Fact, Any]] = []
    for fact in FACTS:
        rows = latest[latest.indicator_id == fact.indicator_id] if len(latest) else latest
        if len(rows):
            shown.append((fact, rows.sort_values("period_id").iloc[-1]))
    if any(f.indicator_id in flagged for f, _ in shown):
        out.append(f'<p class="banner" role="note">{_e(BANNER)}</p>')
    out.append(f'<p class="meta">From edition {_e(edition)} of the carers-outcomes '
               'figures. <a href="method.html">How these figures were made</a>.</p>')
    footnotes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="carers-fact-charts-") as folder:
        for fact, r in shown:
            places = _places(r)
            unit = str(r.unit)
            figure = fmt(float(r.value), unit if unit == "%" else "", places) \
                if unit in ("%",) or r.value_type == "count" else fmt(float(r.value), unit,
                                                                      places)
            count = f"{int(r.numerator):,}" if r.numerator is not None \
                and not pd.isna(r.numerator) else figure
            sentence = fact.sentence.format(figure=figure, count=count,
                                            period=r.period_label, unit=unit)
            if fact.indicator_id in ("young_carers_one_to_one", "carer_assessments_completed"):
                sentence = f"{r.indicator_title}: {sentence}"
            footnotes.append(f"{r.indicator_title}, {r.period_label}. {_sources_of(con, r)}")
            illustrative = fact.indicator_id in flagged
            out.append('<section class="fact">')
            if illustrative:
                out.append('<span class="tag">Illustrative data, not council records</span>')
            out.append(f'<p><span class="figure">{_e(figure)}</span>{_e(sentence)}'
                       f'<sup><a href="#note-{len(footnotes)}">[{len(footnotes)}]</a></sup>'
                       "</p>")
            out.append(f'<p class="compare">{_e(_comparison_sentence(r, places))}</p>')
            if isinstance(r.note, str) and "carers strategy 2026-31" in r.note.lower():
                out.append('<p class="compare">Our only source for this figure is the 2026-31 '
                           "strategy itself, so it has not been checked independently.</p>")
            chart = fact_chart(r, Path(folder) / f"{fact.indicator_id}.png", illustrative)
            out.append(_image(chart, _fact_alt(r, places)))
            out.append("</section>")
    if not shown:
        out.append("<p>No figures about carers are held in this edition.</p>")
    out.append('<h2 id="sources">Sources</h2><ol class="notes">')
    out += [f'<li id="note-{n}">{_e(text)}</li>' for n, text in enumerate(footnotes, 1)]
    out += ["</ol>", "<p class=\"meta\">Counts of 1 to 4 people are never published. "
            "Contains public sector information licensed under the Open Government Licence "
            "v3.0.</p>", "</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _comparison_sentence(r: Any, places: int) -> str:
    england = r.england_value if r.england_value is not None \
        and not pd.isna(r.england_value) else None
    median = getattr(r, "council_median", None)
    if england is None and median is not None and not pd.isna(median):
        return (f"The median of all councils was {fmt(float(median), str(r.unit), places)} "
                "(England's own figure is not published for this measure).")
    if england is None or r.value_type == "count":
        return "No comparison with England is published for this figure."
    _, words = significance(r.england_comparison, getattr(r, "england_comparison_998", None))
    unit = str(r.unit)
    said = {"higher": "higher than", "lower": "lower than", "better": "better than",
            "worse": "worse than", "similar": "similar to"}
    word = str(r.england_comparison) if isinstance(r.england_comparison, str) else ""
    level = " (significant at 99.8%)" if "99.8%" in words else \
        " (significant at 95%)" if "95%" in words else ""
    if word in said:
        return (f"{said[word].capitalize()} England ({fmt(float(england), unit, places)})"
                f"{level}.")
    return f"England: {fmt(float(england), unit, places)}."


def _fact_alt(r: Any, places: int) -> str:
    unit = str(r.unit)
    text = f"Bar chart: Rotherham {fmt(float(r.value), unit, places)}"
    if r.england_value is not None and not pd.isna(r.england_value) \
            and r.value_type != "count":
        text += f", England {fmt(float(r.england_value), unit, places)}"
    return text + "."


# --- how these figures were made ---------------------------------------------------------
def _status_class(status: str) -> str:
    return {claims_module.MATCHES: "matches", claims_module.DIFFERS: "differs"}.get(
        status, "other")


def _table(caption: str, frame: pd.DataFrame, row_header: str | None = None) -> list[str]:
    """An accessible table that stacks into labelled cards on a phone."""
    columns = list(frame.columns)
    out = ['<table class="stack">', f"<caption>{_e(caption)}</caption>", "<thead><tr>"]
    out += [f'<th scope="col">{_e(c)}</th>' for c in columns]
    out += ["</tr></thead>", "<tbody>"]
    for record in frame.to_dict("records"):
        out.append("<tr>")
        for c in columns:
            cell = _e(record[c])
            if c == row_header:
                out.append(f'<th scope="row" data-label="{_e(c)}">{cell}</th>')
            else:
                css = ' class="sha"' if "sha256" in str(c).lower() else ""
                out.append(f'<td data-label="{_e(c)}"{css}>{cell}</td>')
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return out


def render_method(con: duckdb.DuckDBPyConnection, reconciliation: pd.DataFrame,
                  charts: list[dict], edition: str, flagged: set[str]) -> str:
    created = datetime.now(UTC).strftime("%d %B %Y %H:%M UTC")
    counts = reconciliation.status.value_counts()
    summary = "; ".join(f"{int(counts.get(s, 0))} {s}" for s in STATUSES)
    out = _head("How these figures were made")
    out.append("<h1>How these figures were made</h1>")
    if flagged:
        out.append(f'<p class="banner" role="note">{_e(BANNER)} Indicators affected: '
                   f'{_e(", ".join(sorted(flagged)))}.</p>')
    out.append(f'<p class="meta">Edition <strong>{_e(edition)}</strong>, page written '
               f'{created}. <a href="facts.html">Facts about carers in Rotherham</a>.</p>')
    out.append('<h2 id="charts">Charts</h2>')
    sources = chart_sources(con, charts)
    for number, chart in enumerate(charts, 1):
        out += ["<figure>", f"<figcaption>Chart {number}: {_e(chart['title'])}"
                + (' <span class="tag">Illustrative data</span>'
                   if chart.get("illustrative") else "") + "</figcaption>",
                _image(Path(chart["path"]), chart["alt"]), "</figure>"]
        table = chart.get("table")
        table = pd.DataFrame(table) if isinstance(table, list) else table
        if isinstance(table, pd.DataFrame) and not table.empty:
            out.append(f"<details><summary>Chart {number} data table</summary>")
            out += _table(f"The figures chart {number} draws", table.fillna(""),
                          row_header=str(table.columns[0]))
            out.append("</details>")
        if sources and sources[number - 1]:
            out.append('<p class="meta">Sources: ' + "; ".join(
                f'<span class="sha">{_e(f)}</span>' for f in sources[number - 1]) + "</p>")
    out.append('<h2 id="reconciliation">Every figure the strategy documents quote</h2>')
    out.append(f"<p>The three strategy documents and the Cabinet minutes quote "
               f"{len(reconciliation)} figures. Each is checked against this edition, never "
               f"adjusted to agree: {_e(summary)}.</p>")
    shown = reconciliation.assign(
        our=[f"{t} ({p})" if isinstance(t, str) and isinstance(p, str) else
             (t if isinstance(t, str) else "none held")
             for t, p in zip(reconciliation.our_text, reconciliation.period_label,
                             strict=True)])
    out += _table("Each published figure, ours, and the status", pd.DataFrame({
        "Quote": shown.quote, "Document": shown.document,
        "Published figure": shown.claimed_text, "Our figure": shown.our,
        "Period ID": shown.period_id.fillna(""), "Status": shown.status,
        "Why": shown.explanation}), row_header="Quote")
    out += _table("What the statuses mean", pd.DataFrame(
        {"Status": list(STATUSES), "Meaning": list(STATUSES.values())}), row_header="Status")
    if "indicators" in _tables(con):
        ids = sorted(set(reconciliation.indicator_id.dropna())
                     | {i for c in charts for i in c.get("indicators", [])})
        definitions = con.execute(
            "select indicator_id, title, definition from indicators "
            "where list_contains(?, indicator_id) order by indicator_id", [ids]).df()
        out.append('<h2 id="definitions">Definitions</h2>')
        out += _table("Each indicator used on these pages", definitions.rename(columns={
            "indicator_id": "Indicator ID", "title": "Indicator", "definition": "Definition"}),
            row_header="Indicator ID")
    lineage = reconciliation[reconciliation.source_file.notna()]
    out.append('<h2 id="lineage">Lineage: where each figure comes from</h2>')
    out += _table("Source file, its sha256 and the rows each checked figure is computed from",
                  pd.DataFrame({"Claim": lineage.claim_id, "Source file": lineage.source_file,
                                "Rows": lineage.source_rows.fillna(""),
                                "sha256": lineage.source_sha256}), row_header="Claim")
    out += _table("Symbols used in place of a value (Government Analysis Function standard)",
                  pd.DataFrame({"Symbol": list(SYMBOLS), "Meaning": list(SYMBOLS.values())}),
                  row_header="Symbol")
    out += ["<p>Intervals are 95% and 99.8% (Wilson for proportions; exact Poisson below 10 "
            "events and Byars from 10 for rates). Comparisons with England are significant "
            "when England lies outside Rotherham's interval; direction of travel needs "
            "non-overlapping intervals. Counts of 1 to 4 people are never published. Census "
            "2021 counts are perturbed by ONS.</p>",
            "<p>Contains public sector information licensed under the Open Government "
            "Licence v3.0.</p>", "</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
