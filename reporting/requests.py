"""Select Commission data requests, answered from the published copy only.

A request names indicators (by id, or by words in their titles), areas (codes or names),
periods (ids, labels, or "since YEAR") and comparators (England, the region, or other areas).
The answer is read from the `published.duckdb` of an edition (default `latest`), opened
read-only: never the live warehouse. Disclosure control is applied again on the rows taken,
so a request can never show a count of people from 1 to 4. Every figure comes with its
indicator's definition, sources, caveats and the meaning of each symbol used.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting import spreadsheet
from reporting.disclosure import SUPPRESSED, suppress
from reporting.editions import LATEST, PUBLISHED_DB, file_sha256
from sources.safe_text import neutralise_frame

SYMBOLS = {
    "[c]": "confidential: a count of people from 1 to 4, or a figure from which one could be "
           "worked out, is suppressed",
    "[x]": "not available",
    "[z]": "not applicable",
    "[b]": "break in series: not comparable with the period before",
    "[p]": "provisional",
    "[r]": "revised",
    "[e]": "estimated",
    "[u]": "low reliability",
}
COMPARATORS = ("england", "region")
FORMATS = ("csv", "xlsx", "md")
DEFAULT_AREA = "E08000018"  # Rotherham


class RequestError(ValueError):
    """The request cannot be answered as asked: the message says why and what to do."""


@dataclass
class Request:
    indicators: list[str]
    areas: list[str] = field(default_factory=lambda: [DEFAULT_AREA])
    periods: list[str] = field(default_factory=list)
    since: int | None = None
    comparators: list[str] = field(default_factory=lambda: list(COMPARATORS))
    edition: str = LATEST


@dataclass
class Answer:
    request: Request
    edition: str
    edition_path: Path
    figures: pd.DataFrame
    notes: pd.DataFrame
    symbols: dict[str, str]
    manifest_sha256: str
    catalogue: pd.DataFrame | None = None


def open_published(publish_root: Path, edition: str = LATEST) -> tuple[Path, Path]:
    """The edition folder and its published DuckDB file, or a clear error."""
    folder = publish_root / edition
    if not folder.exists():
        if edition == LATEST:
            raise RequestError(
                f"No published edition in {publish_root}: run `carers refresh` first (requests "
                "are answered from the published copy only, never the live warehouse).")
        known = sorted(p.name for p in publish_root.glob("2*") if p.is_dir())
        raise RequestError(f"Edition {edition!r} not found in {publish_root}. Editions: "
                           f"{', '.join(known) or 'none'}.")
    folder = folder.resolve()
    database = folder / PUBLISHED_DB
    if not database.is_file():
        raise RequestError(
            f"Edition {folder.name} has no {PUBLISHED_DB} (published before requests were "
            "supported): run `carers refresh` to publish a new edition.")
    return folder, database


def _read(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
          ) -> pd.DataFrame:
    return con.sql(sql, params=params).to_arrow_table().to_pandas()


def choose_indicators(catalogue: pd.DataFrame, wanted: list[str]) -> list[str]:
    """Ids for each wanted id or phrase: an exact id, else indicators whose title (or id)
    contains every word of the phrase."""
    if not wanted:
        raise RequestError("Name at least one indicator (`--indicator ID` or words in its "
                           "title); `carers request --list` shows them all.")
    chosen: list[str] = []
    ids = set(catalogue["indicator_id"])
    for item in wanted:
        if item in ids:
            matches = [item]
        else:
            words = [w for w in re.split(r"\W+", item.lower()) if w]
            text = (catalogue["title"].str.lower() + " " + catalogue["indicator_id"].str.lower())
            matches = [i for i, t in zip(catalogue["indicator_id"], text, strict=True)
                       if words and all(w in t for w in words)]
        if not matches:
            available = "; ".join(f"{i} ({t})" for i, t in
                                  zip(catalogue["indicator_id"], catalogue["title"], strict=True))
            raise RequestError(
                f"No indicator in this edition matches {item!r} (by id, or by every word in "
                f"its title). It may not be built yet, or be named differently. Indicators "
                f"published: {available}. Use one of these ids, or `carers request --list`.")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def choose_areas(con: duckdb.DuckDBPyConnection, wanted: list[str]) -> list[str]:
    areas = _read(con, "select distinct area_code, area_name from indicator_values")
    codes = []
    for item in wanted or [DEFAULT_AREA]:
        hit = areas[(areas.area_code.str.lower() == item.lower())
                    | (areas.area_name.str.lower() == item.lower())]
        if hit.empty:
            near = areas[areas.area_name.str.lower().str.contains(item.lower(), regex=False)]
            hint = (f" Did you mean: {', '.join(near.area_name.head(5))}?" if not near.empty
                    else " Give an ONS code (E08000018) or an exact name (Rotherham).")
            raise RequestError(f"Area {item!r} is not in this edition.{hint}")
        codes.extend(c for c in hit.area_code if c not in codes)
    return codes


def _start_year(label: str) -> int | None:
    found = re.search(r"(19|20)\d\d", str(label))
    return int(found.group()) if found else None


def answer(publish_root: Path, request: Request) -> Answer:
    folder, database = open_published(publish_root, request.edition)
    bad = [c for c in request.comparators if c not in COMPARATORS]
    if bad:
        raise RequestError(f"Comparator {bad[0]!r} is not known: use {' or '.join(COMPARATORS)}"
                           ", or add the area itself with --area.")
    con = duckdb.connect(str(database), read_only=True)
    try:
        catalogue = _read(con, "select * from indicators order by indicator_id")
        ids = choose_indicators(catalogue, request.indicators)
        codes = choose_areas(con, request.areas)
        values = _read(con, "select * from indicator_values where indicator_id in "
                            "(select unnest($ids)) and area_code in (select unnest($codes))",
                       {"ids": ids, "codes": codes})  # type: ignore[arg-type]
    finally:
        con.close()
    if request.periods:
        wanted = {p.lower() for p in request.periods}
        values = values[values.period_id.str.lower().isin(wanted)
                        | values.period_label.astype(str).str.lower().isin(wanted)]
    if request.since is not None:
        years = values.period_label.map(_start_year)
        if "period_type" in values.columns:
            # An academic year is known by its January school census: 2022/23 is the 2023
            # census, so "since 2023" includes it.
            years = years.where(values.period_type != "academic_year", years + 1)
        values = values[years.notna() & (years >= request.since)]
    if values.empty:
        raise RequestError(
            f"No published figures for {', '.join(ids)} in {', '.join(codes)} with the periods "
            "asked for. Widen the periods (--since, --period) or check `carers request --list`.")
    people = set(catalogue.loc[catalogue.disclosure == "people", "indicator_id"])
    values = suppress(values.reset_index(drop=True), people)
    places = _places(catalogue)
    figures = _figures(values, request.comparators, ids, codes, places)
    notes = _notes(catalogue[catalogue.indicator_id.isin(ids)], values)
    used = {s for cell in figures["symbol"] for s in re.findall(r"\[[a-z]\]", str(cell))}
    manifest = folder / "manifest.json"
    return Answer(request, folder.name, folder, figures, notes,
                  {s: SYMBOLS.get(s, "see the edition's notes") for s in sorted(used)},
                  file_sha256(manifest), catalogue)


def _shown(value: Any, symbol: str, places: int = 2) -> Any:
    """A figure at its indicator's published precision (catalogue `decimals`), or the
    symbol for why it is not shown."""
    if value is None or pd.isna(value):
        return SUPPRESSED if SUPPRESSED in symbol else "[x]"
    number = round(float(value), places)
    return int(number) if places == 0 else number


def _places(catalogue: pd.DataFrame) -> dict[str, int]:
    """Decimal places per indicator: the edition's `decimals` (catalogue), else 0 for counts
    and means and 1 otherwise (editions published before the field)."""
    out = {}
    for r in catalogue.to_dict("records"):
        declared = r.get("decimals")
        out[r["indicator_id"]] = int(declared) if declared is not None \
            and not pd.isna(declared) else (0 if r.get("value_type") in {"count", "mean"}
                                            else 1)
    return out


def _figures(values: pd.DataFrame, comparators: list[str], ids: list[str],
             codes: list[str], places: dict[str, int] | None = None) -> pd.DataFrame:
    values = values.assign(
        _i=values.indicator_id.map(ids.index), _a=values.area_code.map(codes.index),
    ).sort_values(["_i", "_a", "period_id", "breakdown"])
    rows = []
    for r in values.itertuples(index=False):
        symbol = "" if r.symbol is None or pd.isna(r.symbol) else str(r.symbol)
        p = (places or {}).get(r.indicator_id, 2)
        row: dict[str, Any] = {
            "indicator_id": r.indicator_id, "indicator": r.indicator_title,
            "area_code": r.area_code, "area": r.area_name, "period": r.period_label,
            "breakdown": r.breakdown, "value": _shown(r.value, symbol, p), "unit": r.unit,
            "lower_95_ci": _shown(r.lower_ci, symbol, p),
            "upper_95_ci": _shown(r.upper_ci, symbol, p),
            "lower_99_8_ci": _shown(getattr(r, "lower_ci_998", None), symbol, p),
            "upper_99_8_ci": _shown(getattr(r, "upper_ci_998", None), symbol, p),
            "numerator": _count(r.numerator, symbol), "denominator": _count(r.denominator, symbol),
        }
        is_england = r.area_level == "country"
        if "england" in comparators:
            row["england_value"] = "[z]" if is_england else _shown(r.england_value, symbol, p)
            row["compared_with_england"] = "[z]" if is_england else \
                _text(r.england_comparison, symbol)
        if "region" in comparators:
            above = r.area_level in ("region", "country")
            row["region_value"] = "[z]" if above else _shown(r.region_value, symbol, p)
            row["compared_with_region"] = "[z]" if above else _text(r.region_comparison, symbol)
        row["symbol"] = symbol
        row["note"] = "" if r.note is None or pd.isna(r.note) else r.note
        row["source"] = r.source
        rows.append(row)
    return pd.DataFrame(rows)


def _count(value: Any, symbol: str) -> Any:
    if value is None or pd.isna(value):
        return SUPPRESSED if SUPPRESSED in symbol else "[x]"
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _text(value: Any, symbol: str) -> str:
    if value is None or pd.isna(value):
        return SUPPRESSED if SUPPRESSED in symbol else "[x]"
    return str(value)


def _notes(catalogue: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    keep = ["indicator_id", "title", "definition", "numerator", "numerator_source",
            "denominator", "denominator_source", "caveats", "series_breaks", "disclosure"]
    return catalogue[keep].fillna("").reset_index(drop=True).rename(columns={
        "numerator": "numerator_definition", "denominator": "denominator_definition"})


def render(result: Answer, fmt: str) -> bytes:
    if fmt == "csv":
        return _csv(result)
    if fmt == "md":
        return _markdown(result).encode()
    if fmt == "xlsx":
        return _xlsx(result)
    raise RequestError(f"Format {fmt!r} is not known: use {', '.join(FORMATS)}.")


def _about(result: Answer) -> list[tuple[str, str]]:
    r = result.request
    return [
        ("Edition", result.edition),
        ("Edition manifest sha256", result.manifest_sha256),
        ("Indicators asked for", "; ".join(r.indicators)),
        ("Areas", "; ".join(dict.fromkeys(result.figures["area"]))),
        ("Periods", ("since " + str(r.since)) if r.since else ("; ".join(r.periods) or "all")),
        ("Comparators", "; ".join(r.comparators) or "none"),
        ("Disclosure control", "counts of people from 1 to 4 are shown as [c], with secondary "
                               "suppression"),
    ]


def _csv(result: Answer) -> bytes:
    """The figures, one row each, with the indicator's definition, sources and caveats on
    every row (a CSV has one table), then the symbols used, as comment lines at the end."""
    notes = result.notes.rename(columns={"title": "indicator"}).drop(columns=["indicator"])
    table = result.figures.merge(notes, on="indicator_id", how="left")
    out = io.StringIO()
    neutralise_frame(table).to_csv(out, index=False, lineterminator="\n")
    for name, value in _about(result):
        out.write(f"# {name}: {value}\n")
    for symbol, meaning in result.symbols.items():
        out.write(f"# {symbol} {meaning}\n")
    return out.getvalue().encode()


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(result: Answer) -> str:
    lines = [f"# Data request: {'; '.join(result.request.indicators)}", ""]
    lines += [f"- **{k}**: {v}" for k, v in _about(result)]
    shown = [c for c in result.figures.columns if c not in ("indicator_id", "source", "note")]
    for ind in result.notes.itertuples(index=False):
        part = result.figures[result.figures.indicator_id == ind.indicator_id]
        lines += ["", f"## {ind.title} (`{ind.indicator_id}`)", "", ind.definition, "",
                  "| " + " | ".join(c for c in shown if c != "indicator") + " |",
                  "|" + "---|" * (len(shown) - 1)]
        for row in part.itertuples(index=False):
            d = row._asdict()
            lines.append("| " + " | ".join(_cell(d[c]) for c in shown if c != "indicator")
                         + " |")
        lines += ["", f"- Numerator: {ind.numerator_definition} ({ind.numerator_source})"]
        if ind.denominator_definition:
            lines.append(f"- Denominator: {ind.denominator_definition} "
                         f"({ind.denominator_source})")
        if ind.caveats:
            lines.append(f"- Caveats: {ind.caveats}")
        if ind.series_breaks:
            lines.append(f"- Breaks in series: {ind.series_breaks}")
        for note in dict.fromkeys(n for n in part["note"] if n):
            lines.append(f"- Note: {note}")
        for source in dict.fromkeys(part["source"]):
            lines.append(f"- Source: {source}")
    if result.symbols:
        lines += ["", "## Symbols", ""]
        lines += [f"- `{s}` {m}" for s, m in result.symbols.items()]
    return "\n".join(lines) + "\n"


def _xlsx(result: Answer) -> bytes:
    """The workbook standard of reporting/spreadsheet.py (the annual workbook's writer):
    Cover, Contents, Notes, then one table per sheet, one sheet per unit so every value
    header names its unit."""
    import tempfile

    headers = {"indicator_id": "Indicator ID", "indicator": "Indicator",
               "area_code": "Area code", "area": "Area", "period": "Period",
               "breakdown": "Breakdown", "value": "Value", "lower_95_ci": "Lower 95% limit",
               "upper_95_ci": "Upper 95% limit", "lower_99_8_ci": "Lower 99.8% limit",
               "upper_99_8_ci": "Upper 99.8% limit", "numerator": "Numerator (count)",
               "denominator": "Denominator (count)", "england_value": "England value",
               "compared_with_england": "Compared with England",
               "region_value": "Region value", "compared_with_region": "Compared with region",
               "symbol": "Symbols", "note": "Notes"}
    in_unit = {"value", "lower_95_ci", "upper_95_ci", "lower_99_8_ci", "upper_99_8_ci",
               "england_value", "region_value"}
    notes = _xlsx_notes(result)
    note_of = {ind: f"[note {n}]" for n, ind in enumerate(result.notes["indicator_id"], 1)}
    tables = []
    figures = result.figures.copy()
    for unit in dict.fromkeys(figures["unit"]):
        part = figures[figures["unit"] == unit].reset_index(drop=True)
        part["note"] = [" ".join(x for x in (note_of.get(i, ""), str(n or "")) if x).strip()
                        or "none" for i, n in zip(part["indicator_id"], part["note"],
                                                  strict=True)]
        part["symbol"] = part["symbol"].map(lambda s: s or "none")
        columns = [c for c in headers if c in part.columns]
        frame = part[columns].rename(columns={
            c: f"{headers[c]} ({unit})" if c in in_unit else headers[c] for c in columns})
        frame = frame.map(lambda v: "[x]" if v is None or (isinstance(v, float)
                                                             and pd.isna(v)) else v)
        places = {f"{headers[c]} ({unit})": 3 for c in in_unit if c in columns}
        tables.append(spreadsheet.Table(
            sheet=spreadsheet.sheet_name(f"Figures {unit.replace('%', 'percent')}"),
            title=f"Figures measured in {unit}", frame=frame,
            description="One row per indicator, area, period and breakdown.",
            source=f"Published edition {result.edition} of the carers-outcomes pipeline.",
            places=_request_places(part, frame, places, result), wide={"Indicator", "Notes"}))
    r = result.request
    cover = spreadsheet.Cover(
        title=f"Data request: {'; '.join(r.indicators)}",
        intro=["Figures from a published edition of the carers-outcomes pipeline, with "
               "their definitions, sources and caveats (Notes sheet)."],
        about=[(name, str(value)) for name, value in _about(result)]
        + [("Symbols", " ".join(f"{s} {m}." for s, m in result.symbols.items()) or "none")],
        contact=["Rotherham Metropolitan Borough Council, commissioning",
                 "Email: commissioningenquiries@rotherham.gov.uk"])
    with tempfile.TemporaryDirectory(prefix="carers-request-") as folder:
        path = Path(folder) / "request.xlsx"
        spreadsheet.write(path, cover, tables, notes)
        return path.read_bytes()


def _request_places(part: pd.DataFrame, frame: pd.DataFrame, columns: dict[str, int],
                    result: Answer) -> dict[str, list[int]]:
    """Each value column's decimal places row by row: the indicator's published precision
    (the figures are already rounded to it)."""
    by_id = _places(result.catalogue) if result.catalogue is not None else {}
    rows = [by_id.get(i, 2) for i in part["indicator_id"]]
    return {c: rows for c in columns if c in frame.columns}


def _xlsx_notes(result: Answer) -> pd.DataFrame:
    rows = []
    for n, ind in enumerate(result.notes.itertuples(index=False), 1):
        parts = [f"{ind.title}: {ind.definition}",
                 f"Numerator: {ind.numerator_definition} ({ind.numerator_source})."]
        if ind.denominator_definition:
            parts.append(f"Denominator: {ind.denominator_definition} "
                         f"({ind.denominator_source}).")
        if ind.caveats:
            parts.append(f"Caveats: {ind.caveats}")
        if ind.series_breaks:
            parts.append(f"Breaks in series: {ind.series_breaks}")
        rows.append({"Note number": f"[note {n}]", "Applies to": ind.indicator_id,
                     "Note text": " ".join(parts)})
    n = len(rows)
    for symbol, meaning in result.symbols.items():
        n += 1
        rows.append({"Note number": f"[note {n}]", "Applies to": f"Symbol {symbol}",
                     "Note text": meaning})
    return pd.DataFrame(rows, columns=["Note number", "Applies to", "Note text"])


def catalogue_listing(publish_root: Path, edition: str = LATEST) -> str:
    _, database = open_published(publish_root, edition)
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "select i.indicator_id, i.title, min(v.period_label), max(v.period_label) "
            "from indicators i left join indicator_values v using (indicator_id) "
            "group by all order by 1").fetchall()
    finally:
        con.close()
    return "\n".join(f"{i}\t{t}\t{lo or ''}..{hi or ''}" for i, t, lo, hi in rows)

