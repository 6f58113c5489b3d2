"""The "Facts about carers" page regenerated from one published edition: facts.html (one
self-contained, accessible page), facts.csv (the same figures as a table) and
facts_reconciliation.csv (every published claim against our figure, with its status)."""

from __future__ import annotations

import base64
import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting import claims as claims_module
from reporting.charts import write_charts
from reporting.requests import SYMBOLS
from sources.safe_text import neutralise_frame

FACT_COLUMNS = ["claim_id", "document", "fact", "published_figure", "our_figure", "our_value",
                "unit", "indicator_id", "area_code", "period_id", "period_label", "definition",
                "source_file", "source_sha256", "source_rows", "status"]
STATUSES = {
    claims_module.MATCHES: "our figure agrees with the published one within the stated "
                           "tolerance (for example rounding to the nearest thousand)",
    claims_module.DIFFERS: "our figure is different; the reason is given, computed from the "
                           "data where possible. Figures are never adjusted to agree.",
    claims_module.NO_SOURCE: "nothing we hold can check the claim (the reason is given)",
}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0 auto;
max-width:72rem;padding:1rem 1.5rem;color:#0b0c0c;line-height:1.45}
h1{font-size:1.9rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid #b2182b}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.4rem 0;font-size:1rem}
th,td{border:1px solid #b1b4b6;padding:.35rem .5rem;vertical-align:top;text-align:left}
thead th{background:#f3f2f1}td.num{text-align:right;white-space:nowrap}
.sha{font-family:monospace;font-size:.75rem;word-break:break-all}
.matches{color:#00703c;font-weight:bold}.differs{color:#b2182b;font-weight:bold}
.no-source{color:#505a5f;font-weight:bold}
figure{margin:1.5rem 0}img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-weight:bold;margin:.3rem 0}.meta{color:#505a5f;font-weight:normal}
"""


def write_facts(con: duckdb.DuckDBPyConnection, out_dir: Path,
                charts: list[dict] | None = None, *, edition: str | None = None,
                claims: list[claims_module.Claim] | None = None) -> list[Path]:
    """Write facts.html, facts.csv and facts_reconciliation.csv into out_dir from the edition
    `con` reads (its published tables). `charts` are write_charts() results to show; the
    edition id defaults to the one in the manifest beside the published database."""
    out_dir.mkdir(parents=True, exist_ok=True)
    reconciliation = claims_module.reconcile(con, claims)
    facts = fact_table(reconciliation)
    edition = edition or _edition_of(con) or "unknown edition"
    paths = [out_dir / "facts.html", out_dir / "facts.csv", out_dir / "facts_reconciliation.csv"]
    sources = chart_sources(con, charts or [])
    paths[0].write_text(render_html(facts, reconciliation, charts or [], edition, sources),
                        encoding="utf-8")
    neutralise_frame(facts).to_csv(paths[1], index=False, lineterminator="\n")
    neutralise_frame(reconciliation).to_csv(paths[2], index=False, lineterminator="\n")
    return paths


def write_page(con: duckdb.DuckDBPyConnection, out_dir: Path, edition: str | None = None,
               cache_dir: Path | None = None) -> tuple[list[dict], list[Path]]:
    """Draw the charts (or reuse unchanged ones from `cache_dir`) and write the page with them
    into out_dir: (charts, every file)."""
    charts = write_charts(con, out_dir, cache_dir)
    paths = write_facts(con, out_dir, charts, edition=edition)
    return charts, [*paths, *(Path(c["path"]) for c in charts)]


def edition_files(tables: dict[str, pd.DataFrame], edition: str,
                  cache_dir: Path | None = None) -> dict[str, bytes]:
    """The page, its CSVs and its charts for an edition being published, as {file: bytes},
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
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables").fetchall()}
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


def _source_cell(row: pd.Series) -> str:
    if not row.get("source_file") or pd.isna(row.get("source_file")):
        return "<td>none held</td>"
    return (f"<td>{_e(row.source_file)}, rows {_e(row.source_rows)}<br>"
            f"<span class=\"sha\">sha256 {_e(row.source_sha256)}</span></td>")


def _status_cell(status: str) -> str:
    css = {"matches": "matches", "differs": "differs"}.get(status, "no-source")
    return f"<td class=\"{css}\">{_e(status)}</td>"


def render_html(facts: pd.DataFrame, reconciliation: pd.DataFrame, charts: list[dict],
                edition: str, chart_sources: list[list[str]] | None = None) -> str:
    """The page as one string: no scripts, no external requests, charts inlined."""
    created = datetime.now(UTC).strftime("%d %B %Y %H:%M UTC")
    counts = reconciliation.status.value_counts()
    summary = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in STATUSES)
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Facts about carers in Rotherham: regenerated from data</title>",
           f"<style>{CSS}</style>", "</head>", "<body>", "<main>",
           "<h1>Facts about carers in Rotherham</h1>",
           f'<p class="meta">Edition <strong>{_e(edition)}</strong>, page written {created}. '
           "Every figure below is read from this published edition; each names its source "
           "file, the file's sha256 and the rows it comes from.</p>",
           "<p>The 2026-31 all-age carers strategy (page 6, \"Facts about carers\") and the "
           "2022-25 framework quote these facts. This page recomputes each one that our "
           f"sources can support and reconciles all {len(reconciliation)} of them: "
           f"{_e(summary)}.</p>",
           "<h2 id=\"facts\">The facts, from our data</h2>",
           "<table>", "<caption>Published facts about carers and our figures, with source, "
           "date and definition</caption>", "<thead><tr>",
           *(f'<th scope="col">{h}</th>' for h in (
               "Fact as published", "Published figure", "Our figure", "Date (period)",
               "Definition", "Source", "Status")),
           "</tr></thead>", "<tbody>"]
    for _, row in facts.iterrows():
        out += ["<tr>", f'<th scope="row">{_e(row.fact)}<br>'
                f'<span class="meta">{_e(row.document)}</span></th>',
                f'<td class="num">{_e(row.published_figure)}</td>',
                f'<td class="num">{_e(row.our_figure)}</td>',
                f"<td>{_e(row.period_label)}</td>", f"<td>{_e(row.definition)}</td>",
                _source_cell(row), _status_cell(row.status), "</tr>"]
    if facts.empty:
        out.append('<tr><td colspan="7">No published fact can be checked against this '
                   "edition.</td></tr>")
    out += ["</tbody>", "</table>"]
    if charts:
        out.append('<h2 id="charts">Charts</h2>')
        for number, chart in enumerate(charts, 1):
            data = base64.b64encode(Path(chart["path"]).read_bytes()).decode("ascii")
            out += ["<figure>", f"<figcaption>Chart {number}: {_e(chart['title'])}</figcaption>",
                    f'<img src="data:image/png;base64,{data}" alt="{_e(chart["alt"])}">',
                    f"<details><summary>Chart {number} as text</summary>"
                    f"<p>{_e(chart['alt'])}</p></details>"]
            files = (chart_sources or [])[number - 1] if chart_sources else []
            if files:
                out.append('<p class="meta">Sources: '
                           + "; ".join(f'<span class="sha">{_e(f)}</span>' for f in files)
                           + "</p>")
            out.append("</figure>")
    out += ['<h2 id="reconciliation">Reconciliation with the published claims</h2>',
            "<table>", "<caption>Every figure on the strategy's facts page (and the 2022-25 "
            "framework's), the published claim against our figure, and the status</caption>",
            "<thead><tr>",
            *(f'<th scope="col">{h}</th>' for h in (
                "Claim", "Document", "Published figure", "Our figure", "Source",
                "Status", "Why")),
            "</tr></thead>", "<tbody>"]
    for _, row in reconciliation.iterrows():
        ours = row.our_text if isinstance(row.our_text, str) else "none held"
        period = f" ({_e(row.period_label)})" if isinstance(row.period_label, str) else ""
        out += ["<tr>", f'<th scope="row">{_e(row.quote)}</th>', f"<td>{_e(row.document)}</td>",
                f'<td class="num">{_e(row.claimed_text)}</td>',
                f'<td class="num">{_e(ours)}{period}</td>', _source_cell(row),
                _status_cell(row.status), f"<td>{_e(row.explanation)}</td>", "</tr>"]
    out += ["</tbody>", "</table>", '<h2 id="notes">Notes</h2>',
            "<table>", "<caption>What the reconciliation statuses mean</caption>",
            '<thead><tr><th scope="col">Status</th><th scope="col">Meaning</th></tr></thead>',
            "<tbody>",
            *(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>'
              for k, v in STATUSES.items()),
            "</tbody>", "</table>",
            "<table>", "<caption>Symbols used in place of a value (Government Analysis "
            "Function standard)</caption>",
            '<thead><tr><th scope="col">Symbol</th><th scope="col">Meaning</th></tr></thead>',
            "<tbody>",
            *(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>'
              for k, v in SYMBOLS.items()),
            "</tbody>", "</table>",
            "<p>Counts of 1 to 4 people are never published: they appear as [c], with "
            "secondary suppression so they cannot be recovered. Census 2021 counts are "
            "perturbed by ONS; region and England values are sums of districts.</p>",
            "<p>Contains public sector information licensed under the Open Government "
            "Licence v3.0.</p>", "</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
