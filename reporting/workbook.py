"""The annual progress workbook for one financial year, read from a published edition.

Written through reporting/spreadsheet.py (gptables, the Government Analysis Function's
package): Cover (title, period, publication and next-update dates, sources, contact,
symbols), Contents, Notes, then one table per sheet. Rotherham's figures for the year are
split into one sheet per unit (percentages, counts, money, days, averages, rates, scores), so
every value header names its unit; each indicator's headline row (latest value up to the
year's end, previous value, change and direction of travel, 95% and 99.8% limits, England
and its comparison, target and status) is followed by its breakdowns for the year. Values are
displayed at each indicator's published precision (`decimals` in the catalogue) and stored at
full precision. Every row carries Indicator ID, Area code and Period ID, so it joins to the
edition's indicator_lineage (source file, sha256 and rows). Every table is also a CSV."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting import spreadsheet
from reporting.board import ROTHERHAM, board_table, period_end
from reporting.editions import file_sha256
from reporting.illustrative import BANNER, illustrative_indicators
from reporting.requests import SYMBOLS, RequestError, open_published
from reporting.targets import Target
from sources.periods import financial_year, period_of
from sources.safe_text import neutralise, neutralise_frame
from warehouse.catalogue import Catalogue

# The contact the 2026-31 strategy itself gives ("To get involved or find out more").
CONTACT = ["Rotherham Metropolitan Borough Council, commissioning",
           "Email: commissioningenquiries@rotherham.gov.uk",
           "Web: www.rotherham.gov.uk/carers"]
SUB_YEAR = {"calendar_month", "quarter"}


class WorkbookError(ValueError):
    """The workbook cannot be made: the message says why and what to do."""


def year_period_ids(values: pd.DataFrame, year: str) -> tuple[pd.DataFrame, str]:
    """The rows of `values` that belong to a financial year's report, and a sentence on how
    they were chosen: financial-year indicators take that year (and months or quarters in
    it); census, academic-year and calendar-year indicators take their latest period that
    ends by the year's end."""

    fy = financial_year(year)
    end = fy.end_date
    if values.empty:
        return values, ""
    ends = values["period_id"].map(period_end)
    starts = values["period_id"].map(lambda p: period_of(p).start_date)
    in_year = (values["period_type"] == "financial_year") & (values["period_id"] == fy.period_id)
    in_year |= values["period_type"].isin(SUB_YEAR) & (starts >= fy.start_date) & (ends <= end)
    other = ~values["period_type"].isin({"financial_year", *SUB_YEAR}) & (ends <= end)
    latest = values[other].assign(_end=ends[other]).groupby("indicator_id")["_end"].transform("max")
    keep = in_year.copy()
    keep.loc[latest.index] = ends[latest.index] == latest
    how = (f"Financial-year indicators show {fy.label} (April {fy.start_year} to March "
           f"{fy.start_year + 1}). Census, academic-year and calendar-year indicators show "
           f"their latest period ending by 31 March {fy.start_year + 1} (an academic year "
           "counts from its January school census); the Period column names it.")
    return values[keep], how


def _shown(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and not (isinstance(value, type(pd.NA)) and value is pd.NA)


COUNT_COLUMNS = {"numerator", "denominator"}
TEXT_COLUMNS = {"symbol", "note", "measures_of_success", "commitments", "indicator_ids",
                "indicator_titles", "applies_to", "caveat_notes"}


def _symbol_for(column: str, row: dict[str, Any]) -> str:
    """The Analysis Function symbol for a cell with no value ("none" for text columns)."""
    if column in TEXT_COLUMNS:
        return "none"
    symbol = str(row.get("symbol") or "")
    if column in {"previous_value", "change", "direction"} \
            and "[c]" in str(row.get("previous_symbol") or ""):
        return "[c]"  # blanked because the previous period's value is suppressed
    if "[c]" in symbol and column in {"value", "numerator", "lower_ci", "upper_ci",
                                      "lower_ci_998", "upper_ci_998", "denominator",
                                      "previous_value", "change", "england_comparison"}:
        return "[c]"
    if column in {"previous_value", "change", "direction"} \
            and not _shown(row.get("previous_period_id")):
        return "[z]"  # no earlier period
    if column in {"change", "direction"} and _shown(row.get("previous_value")) \
            and _shown(row.get("value")):
        return "[z]"  # not comparable: a break in series or a part year
    if column in {"lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998"} \
            and row.get("value_type") in {"count", "mean", "median", "percentile"}:
        return "[z]"  # a count or an average of records is not an estimate: no interval
    if column in {"england_value", "england_comparison"} and not _shown(row.get("value")):
        return "[x]"
    if column.startswith("target") and not _shown(row.get("target")):
        return "[z]"
    return "[x]"


def _cells(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    """Rows for the sheet: numbers as numbers, a symbol in square brackets where a value is
    not shown, never a blank cell."""
    rows = []
    for record in frame.to_dict("records"):
        out = []
        for column in columns:
            value = record.get(column)
            if isinstance(value, float) and math.isnan(value):
                value = None
            if value is None or value is pd.NA or (isinstance(value, str) and not value.strip()):
                value = _symbol_for(column, record)
            elif isinstance(value, float) and value.is_integer() and column in COUNT_COLUMNS:
                value = int(value)
            out.append(neutralise(value))
        rows.append(out)
    return rows


@dataclass
class Report:
    year: str
    edition: str
    edition_folder: Path
    manifest_sha256: str
    period_note: str
    rows: pd.DataFrame  # Rotherham's rows for the year: headline then breakdowns
    coverage: pd.DataFrame
    notes: pd.DataFrame
    places: dict[str, int]  # indicator_id -> decimal places
    sources: list[str] = field(default_factory=list)
    without_data: list[str] = field(default_factory=list)
    illustrative: set[str] = field(default_factory=set)  # indicator ids
    year_end: date | None = None


def _targets_from(frame: pd.DataFrame) -> list[Target]:
    targets = []
    for r in frame.to_dict("records"):
        targets.append(Target(indicator_id=r["indicator_id"], area_code=r["area_code"],
                              period_id=r["period_id"], target=float(r["target"]),
                              direction=r["direction"], set_by=r["set_by"],
                              breakdown=r.get("breakdown") or "all",
                              note=r.get("note") if isinstance(r.get("note"), str) else None))
    return targets


def build_report(publish_root: Path, year: str, catalogue: Catalogue,
                 edition: str = "latest", area_code: str = ROTHERHAM) -> Report:
    """Every table of the year's workbook, from the published edition only (read-only)."""

    try:
        fy = financial_year(year)
    except ValueError as error:
        raise WorkbookError(f"--year {year!r}: {error}") from None
    try:
        folder, database = open_published(publish_root, edition)
    except RequestError as error:
        raise WorkbookError(str(error)) from None
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = {r[0] for r in con.execute("select table_name from information_schema.tables"
                                           ).fetchall()}
        values = con.sql("select * from indicator_values where area_code = ?",
                         params=[area_code]).to_arrow_table().to_pandas()
        targets = (con.sql("select * from targets").to_arrow_table().to_pandas()
                   if "targets" in names else pd.DataFrame())
        coverage = (con.sql("select * from coverage").to_arrow_table().to_pandas()
                    if "coverage" in names else None)
        illustrative = illustrative_indicators(con)
    finally:
        con.close()
    if coverage is None:
        raise WorkbookError(f"Edition {folder.name} has no coverage table (published before "
                            "the Board's tables existed): run `carers refresh`, or "
                            "`carers publish --refresh`.")
    values = _with_previous_symbol(values)
    chosen, how = year_period_ids(values, fy.label)
    yearly = chosen[chosen["period_type"].isin({"financial_year", *SUB_YEAR})]
    if yearly.empty:
        have = sorted({period_of(p).start_year for p, t in
                       zip(values["period_id"], values["period_type"], strict=True)
                       if t == "financial_year"})
        hint = (f" The latest financial year with figures is "
                f"{have[-1]}/{(have[-1] + 1) % 100:02d}." if have else "")
        raise WorkbookError(
            f"No figures for {fy.label} in edition {folder.name}: no financial-year indicator "
            f"has a value for it.{hint} Land that year's returns and run `carers refresh` "
            "(or `carers publish --refresh`), or choose another --year.")

    board = board_table(values, catalogue, _targets_from(targets), area_code,
                        until=fy.end_date)
    board = board[board["breakdown"].fillna("all") == "all"] if "breakdown" in board \
        else board
    board = _with_previous_symbol(board, values)
    # The 99.8% limits and comparison of each headline row (editions before issue 20 have
    # none: those cells say [x]).
    key = ["indicator_id", "area_code", "period_id", "breakdown"]
    extra = [c for c in ("lower_ci_998", "upper_ci_998", "england_comparison_998")
             if c in values.columns]
    board = board.drop(columns=[c for c in extra if c in board.columns]).merge(
        values[key + extra], how="left", on=key) if extra else board
    # The year's breakdowns of each indicator, after its headline row.
    breakdowns = chosen[chosen["breakdown"] != "all"]
    absent = [i.id for i in catalogue.indicators
              if i.id not in set(board.loc[board["period_id"].notna(), "indicator_id"])
              and i.id not in set(breakdowns["indicator_id"])]
    board = board[board["period_id"].notna()]
    rows = pd.concat([board.assign(_order=0), breakdowns.assign(_order=1),
                      _absent_rows(absent, catalogue, values, fy).assign(_order=2)],
                     ignore_index=True)
    by_id = {i.id: i for i in catalogue.indicators}
    rows["value_type"] = rows["indicator_id"].map(lambda i: by_id[i].value_type)
    rows["unit"] = rows["indicator_id"].map(lambda i: by_id[i].unit)
    rows["commitments"] = rows["indicator_id"].map(lambda i: "; ".join(by_id[i].commitments))
    position = {i.id: n for n, i in enumerate(catalogue.indicators)}
    rows["_position"] = rows["indicator_id"].map(position)
    rows = rows.sort_values(["_position", "_order", "breakdown"], kind="stable")
    rows = rows.drop(columns=["_position", "_order"]).reset_index(drop=True)
    notes, refs = _notes(catalogue, how, rows, illustrative)
    rows["note_refs"] = [refs.get(i, "") for i in range(len(rows))]
    shown = set(rows.loc[rows["period_id"].notna(), "indicator_id"])
    sources = sorted({str(i.numerator.get("source")) for i in catalogue.indicators
                      if i.id in shown}
                     | {str((i.denominator or {}).get("source")) for i in catalogue.indicators
                        if i.id in shown and i.denominator})
    without = [i.id for i in catalogue.indicators if i.id not in set(values["indicator_id"])]
    return Report(fy.label, folder.name, folder, file_sha256(folder / "manifest.json"), how,
                  rows, coverage, notes, {i.id: i.places for i in catalogue.indicators},
                  sources, without, illustrative & shown, fy.end_date)


def _with_previous_symbol(frame: pd.DataFrame, values: pd.DataFrame | None = None
                          ) -> pd.DataFrame:
    """Add the previous period's symbol to each row, so a previous value or change blanked
    to protect a suppressed value shows [c] rather than [x]."""
    values = frame if values is None else values
    keys = ["indicator_id", "area_code", "breakdown", "period_id"]
    previous = values[[*keys, "symbol"]].rename(columns={"period_id": "previous_period_id",
                                                        "symbol": "previous_symbol"})
    previous = previous.drop_duplicates([*keys[:3], "previous_period_id"])
    frame = frame.drop(columns=["previous_symbol"], errors="ignore")
    return frame.merge(previous, how="left", on=[*keys[:3], "previous_period_id"])


def _absent_rows(ids: list[str], catalogue: Catalogue, values: pd.DataFrame, fy: Any
                 ) -> pd.DataFrame:
    """One row per indicator with no value for the year: [x], and its latest period if any."""
    rows = []
    for ind_id in ids:
        ind = catalogue.get(ind_id)
        have = values[values["indicator_id"] == ind_id]
        if have.empty:
            note = "No value for Rotherham in this edition."
        else:
            latest = max(have["period_id"], key=lambda p: period_of(p).start_date)
            note = (f"No value for {fy.label}; the latest period with a value is "
                    f"{period_of(latest).label} (see the Board table and indicator_values).")
        area = values["area_name"].iloc[0] if len(values) else None
        rows.append({"indicator_id": ind_id, "indicator_title": ind.title,
                     "area_code": ROTHERHAM, "area_name": area,
                     "period_id": fy.period_id if ind.period_type == "financial_year" else None,
                     "period_label": fy.label if ind.period_type == "financial_year" else None,
                     "period_type": ind.period_type, "breakdown": "all", "unit": ind.unit,
                     "value_type": ind.value_type, "symbol": "[x]", "note": note})
    return pd.DataFrame(rows)


def _notes(catalogue: Catalogue, how: str, rows: pd.DataFrame, illustrative: set[str]
           ) -> tuple[pd.DataFrame, dict[int, str]]:
    """The Notes sheet, and for each row of `rows` (by position) the notes it cites: the
    general notes, each indicator's caveats, and each distinct note a figure carries."""
    general = [
        ("Periods", how),
        ("Disclosure control", "Counts of people from 1 to 4 are shown as [c]. Other cells "
         "are also shown as [c] where the hidden value could otherwise be worked out from a "
         "total, a change from the previous period, or a comparator."),
        ("Intervals", "95% and 99.8% confidence intervals, as Fingertips publishes them: "
         "Wilson score for proportions; for rates, exact Poisson limits below 10 events and "
         "Byars' approximation from 10. Counts and averages of records have no interval [z]."),
        ("Compared with England", "'similar' means England's value lies inside Rotherham's "
         "95% interval; otherwise better or worse by the indicator's polarity (higher or "
         "lower where it has none), marked (99.8%) when England also lies outside the 99.8% "
         "interval and (95%) when only outside the 95%. England's value is the publisher's "
         "own total or the sum of districts, as each indicator's caveats say."),
        ("Direction of travel", "From a significance test, not a plain difference: improving "
         "or worsening (up or down without a polarity) only when the 95% intervals of this "
         "period and the previous one do not overlap; 'no significant change' when they do. "
         "For counts the test uses exact Poisson limits. Not given ([z]) across a break in "
         "series [b], for a part year, or where either period has no interval."),
        ("Precision", "Values are displayed to the decimal places each indicator is "
         "published to (declared in the indicator catalogue); cells hold full precision."),
        ("Targets", "Targets come from targets.yaml, agreed by the body named there. Entries "
         "marked PLACEHOLDER await agreement. Status: met, not met, no data, or no target."),
        ("Tracing a figure", "Every figure is for Rotherham (area code E08000018). Join its "
         "Indicator ID, Period ID and Breakdown with that area code to indicator_lineage in "
         "the edition named on the Cover for the source file, its sha256 and the rows each "
         "figure was computed from."),
    ]
    if illustrative:
        general.append(("Illustrative data", BANNER + " Indicators affected: "
                        + ", ".join(sorted(illustrative)) + "."))
    general += [(f"Symbol {s}", meaning) for s, meaning in SYMBOLS.items()]
    notes: list[dict[str, str]] = []

    def add(subject: str, text: str) -> str:
        number = f"[note {len(notes) + 1}]"
        notes.append({"Note number": number, "Applies to": subject, "Note text": text})
        return number

    for subject, text in general:
        add(subject, text)
    caveat_refs: dict[str, list[str]] = {}
    for ind in catalogue.indicators:
        if ind.id not in set(rows["indicator_id"]):
            continue
        caveat_refs[ind.id] = [add(ind.id, " ".join(str(c).split())) for c in ind.caveats]
        if ind.id in illustrative:
            caveat_refs[ind.id].append(notes[[n["Applies to"] for n in notes]
                                             .index("Illustrative data")]["Note number"])
    row_note_refs: dict[str, str] = {}
    refs: dict[int, str] = {}
    for position, r in enumerate(rows.to_dict("records")):
        cited = list(caveat_refs.get(r["indicator_id"], []))
        text = r.get("note")
        if isinstance(text, str) and text.strip():
            text = " ".join(text.split())
            if text not in row_note_refs:
                row_note_refs[text] = add(f"{r['indicator_id']} {r.get('period_id') or ''}"
                                          .strip(), text)
            cited.append(row_note_refs[text])
        refs[position] = " ".join(cited)
    return pd.DataFrame(notes, columns=["Note number", "Applies to", "Note text"]), refs


def unit_group(unit: str, value_type: str) -> tuple[str, str, str]:
    """(sheet, unit in the value headers, what the sheet holds) for an indicator's unit."""
    if unit == "%":
        return "Percentages", "%", "indicators measured as a percentage"
    if unit == "£":
        return "Money", "£", "amounts of money"
    if value_type == "count":
        return "Counts", "count", "counts of people, events, items and activity"
    if value_type == "mean":
        return "Averages", "average count", "averages a meeting or a month"
    if unit == "days":
        return "Days", "days", "waiting times in days"
    return (spreadsheet.sheet_name(unit.replace(",", "").title()), unit,
            f"indicators measured in {unit}")


GROUP_ORDER = ["Percentages", "Counts", "Money", "Averages", "Days"]


def _comparison(row: dict[str, Any]) -> Any:
    """England comparison at both levels: 'similar', 'higher (99.8%)', 'worse (95%)'."""
    inner = row.get("england_comparison")
    if not _shown(inner) or inner == "similar":
        return inner
    outer = row.get("england_comparison_998")
    level = "99.8%" if _shown(outer) and outer != "similar" else "95%"
    return f"{inner} ({level})"


def tables_for(report: Report) -> list[spreadsheet.Table]:
    """The workbook's tables: one per unit, then coverage."""
    rows = report.rows.copy()
    rows["england_comparison"] = [_comparison(r) for r in rows.to_dict("records")]
    groups = [unit_group(u, t) for u, t in zip(rows["unit"], rows["value_type"], strict=True)]
    rows["_sheet"] = [g[0] for g in groups]
    order = {name: n for n, name in enumerate(GROUP_ORDER)}
    sheets = sorted(set(rows["_sheet"]), key=lambda s: (order.get(s, len(order)), s))
    tables = []
    for sheet in sheets:
        part = rows[rows["_sheet"] == sheet].reset_index(drop=True)
        unit = next(g[1] for g in groups if g[0] == sheet)
        holds = next(g[2] for g in groups if g[0] == sheet)
        columns = {
            "indicator_title": "Indicator", "breakdown": "Breakdown",
            "period_label": "Period", "value": f"Value ({unit})",
            "lower_ci": f"Lower 95% limit ({unit})", "upper_ci": f"Upper 95% limit ({unit})",
            "lower_ci_998": f"Lower 99.8% limit ({unit})",
            "upper_ci_998": f"Upper 99.8% limit ({unit})",
            "previous_period_label": "Previous period",
            "previous_value": f"Previous value ({unit})", "change": f"Change ({unit})",
            "direction": "Direction of travel",
            "england_value": f"England value ({unit})",
            "england_comparison": "Compared with England",
            "target": f"Target ({unit})", "target_status": "Target status",
            "symbol": "Symbols", "note_refs": "Notes", "commitments": "Commitments",
            "indicator_id": "Indicator ID", "period_id": "Period ID",
        }
        has_target = "target" in part.columns and bool(part["target"].map(_shown).any())
        if not has_target:  # no target set for any of these: no target columns
            del columns["target"], columns["target_status"]
        if "previous_period_label" not in part.columns:
            part["previous_period_label"] = part["previous_period_id"].map(
                lambda p: period_of(p).label if _shown(p) else None)
        for c in columns:
            if c not in part.columns:
                part[c] = None
        cells = _cells(part, list(columns))
        frame = pd.DataFrame(cells, columns=list(columns.values()))
        # Counts, averages, medians and money have no intervals: a column with no interval
        # in any row is dropped rather than filled with [z] (the Intervals note says so).
        for c in ("lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998"):
            if not frame[columns[c]].map(lambda v: isinstance(v, int | float)).any():
                frame = frame.drop(columns=columns.pop(c))
        places_by_row = [report.places.get(i, 1) for i in part["indicator_id"]]
        numeric = ["value", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998",
                   "previous_value", "change", "england_value", "target"]
        for c in numeric:  # a whole number published to 0 places is stored as an integer
            if c in columns:
                frame[columns[c]] = [int(v) if isinstance(v, float) and v.is_integer()
                                     and p == 0 else v
                                     for v, p in zip(frame[columns[c]], places_by_row,
                                                     strict=True)]
        tables.append(spreadsheet.Table(
            sheet=sheet, frame=frame,
            title=f"Rotherham (E08000018), {report.year}: {holds} ({unit})",
            description=("Each indicator's headline figure (the latest up to the year's end, "
                         "with the previous period, change, direction of travel, England and "
                         "target), then its breakdowns for the year. Notes are numbered on "
                         "the Notes sheet." + (f" {BANNER}" if report.illustrative
                                               & set(part["indicator_id"]) else "")),
            source=f"Published edition {report.edition} of the carers-outcomes pipeline.",
            places={columns[c]: places_by_row for c in numeric if c in columns},
            wide={"Indicator", "Notes"}))
    coverage = report.coverage.rename(columns={
        "framework": "Framework", "code": "Code", "wording": "Wording",
        "indicator_ids": "Indicator IDs", "indicator_titles": "Indicators",
        "indicators_with_data": "Indicators with data (count)", "status": "Status"})
    coverage = pd.DataFrame(_cells(coverage, list(coverage.columns)), columns=coverage.columns)
    tables.append(spreadsheet.Table(
        sheet="Coverage", frame=coverage,
        title="Coverage: the strategy's commitments and measures of success, and the "
              "indicators that evidence them",
        description="Every 2026-31 commitment and 2022-25 measure of success with the "
                    "indicators that evidence it; 'not evidenced yet' where none does.",
        wide={"Wording", "Indicator IDs", "Indicators"}))
    return tables


def _safe_file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def write(report: Report, out: Path, charts: list[dict[str, str]] | None = None,
          published: date | None = None, extra_files: list[Path] | None = None,
          next_update: date | None = None) -> list[Path]:
    """Write the workbook and a CSV per table into `out`; return the files written.

    `extra_files`: files already written into `out` for the same report (the facts page, its
    CSVs and the charts), listed with their sha256 in report-manifest.json too.
    `charts`: optional dicts with `path` (a PNG), `title` and `alt`, on a Charts sheet.
    `next_update` defaults to a year after publication (the workbook is annual)."""
    out.mkdir(parents=True, exist_ok=True)
    published = published or datetime.now(UTC).date()
    next_update = next_update or published + timedelta(days=365)
    book_path = out / f"carers-progress-{report.year.replace('/', '-')}.xlsx"
    tables = tables_for(report)
    if charts:
        for chart in charts:
            if not Path(chart["path"]).is_file():
                raise WorkbookError(f"chart {chart.get('title')!r}: image {chart['path']} "
                                    "does not exist")
        tables.append(spreadsheet.Table(
            sheet="Charts", title="Charts, each with its text alternative",
            description="Each chart's title and text alternative; the chart is beside them.",
            frame=pd.DataFrame({"Chart title": [c["title"] for c in charts],
                                "Text alternative": [c["alt"] for c in charts],
                                "Image file": [Path(c["path"]).name for c in charts]}),
            wide={"Chart title", "Text alternative"},
            images=[Path(c["path"]) for c in charts]))
    about = [
        ("What this workbook holds", "The indicators that evidence the 2026-31 all-age "
         "carers strategy and the 2022-25 measures of success, for Rotherham, for the "
         f"financial year {report.year}, with England for comparison."),
        ("Period", report.period_note),
        ("Source", f"Published edition {report.edition} of the carers-outcomes pipeline "
         f"(manifest sha256 {report.manifest_sha256}). Each figure's source file, its "
         "sha256 and rows are in the edition's indicator_lineage table."),
        ("Sources of the figures", report.sources[0] if report.sources else "none"),
        *[("", s) for s in report.sources[1:]],
        ("Symbols", " ".join(f"{s} {meaning}." for s, meaning in SYMBOLS.items())),
        ("Notes", "Numbered notes are on the Notes sheet; the Contents sheet links every "
         "table."),
    ]
    cover = spreadsheet.Cover(
        title=f"Carers strategy progress, Rotherham, {report.year}",
        intro=["The annual progress workbook for the Health and Wellbeing Board."]
        + ([BANNER] if report.illustrative else []),
        about=about, contact=CONTACT, published=published, next_update=next_update)
    spreadsheet.write(book_path, cover, tables, report.notes,
                      {"author": "Rotherham Metropolitan Borough Council",
                       "comments": f"Edition {report.edition}"})
    written: list[Path] = [book_path]
    for table in [spreadsheet.Table(sheet="Notes", title="", frame=report.notes), *tables]:
        csv_path = out / f"{_safe_file_name(table.sheet)}.csv"
        neutralise_frame(table.frame).to_csv(csv_path, index=False, lineterminator="\n")
        written.append(csv_path)
    written += [p for p in (extra_files or []) if p not in written]
    manifest = {
        "year": report.year, "edition": report.edition,
        "edition_manifest_sha256": report.manifest_sha256,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [{"file": p.name, "sha256": file_sha256(p)} for p in written],
    }
    manifest_path = out / "report-manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2))
    written.append(manifest_path)
    return written
