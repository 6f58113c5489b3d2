"""The annual progress workbook for one financial year, read from a published edition.

It follows the Government Analysis Function spreadsheet standard: a Cover sheet, a Contents
sheet with links, a Notes sheet, then one table per sheet (the Board's indicator table, one
sheet per 2026-31 commitment, the coverage of the strategy), each a real Excel table under a
few lines of text, with no merged cells, no blank rows or columns inside a table, units in the
column headers and symbols in square brackets where a value is not shown. Every table is also
written as CSV. Every row carries indicator_id, area_code and period_id, so it joins to the
edition's indicator_lineage (source file, sha256 and rows)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting.board import ROTHERHAM, board_table, period_end
from reporting.editions import file_sha256
from reporting.requests import SYMBOLS, RequestError, open_published
from reporting.targets import Target
from sources.periods import financial_year, period_of
from sources.safe_text import XLSX_OPTIONS, neutralise, neutralise_frame
from warehouse.catalogue import Catalogue

# The contact the 2026-31 strategy itself gives ("To get involved or find out more").
CONTACT = ("Rotherham Metropolitan Borough Council, commissioning: "
           "commissioningenquiries@rotherham.gov.uk (www.rotherham.gov.uk/carers)")
SUB_YEAR = {"calendar_month", "quarter"}
IN_UNIT = " (in the unit shown)"


class WorkbookError(ValueError):
    """The workbook cannot be made: the message says why and what to do."""


@dataclass
class Sheet:
    name: str
    title: str
    description: str
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)  # column -> header text


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
                                      "denominator", "previous_value", "change"}:
        return "[c]"
    if column in {"previous_value", "change", "direction"} \
            and not _shown(row.get("previous_period_id")):
        return "[z]"  # no earlier period
    if column in {"change", "direction"} and _shown(row.get("previous_value")) \
            and _shown(row.get("value")):
        return "[z]"  # not comparable: a break in series or a part year
    if column in {"lower_ci", "upper_ci"} and row.get("value_type") in {"count", "mean",
                                                                         "median", "percentile"}:
        return "[z]"
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
            elif isinstance(value, float):
                value = round(value, 6)
            out.append(neutralise(value))
        rows.append(out)
    return rows


VALUE_HEADERS = {
    "indicator_id": "Indicator ID", "indicator_title": "Indicator", "area_code": "Area code",
    "area_name": "Area", "period_id": "Period ID", "period_label": "Period",
    "period_type": "Period type", "breakdown": "Breakdown", "unit": "Unit",
    "value": "Value" + IN_UNIT, "lower_ci": "Lower 95% limit" + IN_UNIT,
    "upper_ci": "Upper 95% limit" + IN_UNIT, "numerator": "Numerator (count)",
    "denominator": "Denominator (count)", "england_value": "England value" + IN_UNIT,
    "england_comparison": "Compared with England (95% interval)",
    "region_value": "Region value" + IN_UNIT,
    "region_comparison": "Compared with region (95% interval)",
    "previous_period_id": "Previous period ID", "previous_value": "Previous value" + IN_UNIT,
    "change": "Change since previous period" + IN_UNIT, "direction": "Direction of travel",
    "symbol": "Symbols", "note": "Notes", "caveat_notes": "Caveats (see the Notes sheet)",
}
BOARD_HEADERS = {
    **VALUE_HEADERS, "commitments": "Commitments (2026-31)",
    "measures_of_success": "Measures of success (2022-25)",
    "previous_period_label": "Previous period", "target": "Target" + IN_UNIT,
    "target_direction": "Target direction", "target_period_id": "Target period ID",
    "target_status": "Target status", "target_set_by": "Target set by",
}
COVERAGE_HEADERS = {
    "framework": "Framework", "code": "Code", "wording": "Wording",
    "indicator_ids": "Indicator IDs", "indicator_titles": "Indicators",
    "indicators_with_data": "Indicators with data (count)", "status": "Status",
}
COMMITMENT_COLUMNS = ["indicator_id", "indicator_title", "area_code", "area_name", "period_id",
                      "period_label", "period_type", "breakdown", "unit", "value", "lower_ci",
                      "upper_ci", "numerator", "denominator", "england_value",
                      "england_comparison", "region_value", "region_comparison",
                      "previous_period_id", "previous_value", "change", "direction", "symbol",
                      "note", "caveat_notes"]
BOARD_SHEET_COLUMNS = ["indicator_id", "indicator_title", "commitments", "measures_of_success",
                       "area_code", "area_name", "period_id", "period_label", "unit", "value",
                       "lower_ci", "upper_ci", "previous_period_id", "previous_period_label",
                       "previous_value", "change", "direction", "england_value",
                       "england_comparison", "region_value", "region_comparison", "target",
                       "target_direction", "target_period_id", "target_status",
                       "target_set_by", "symbol", "note", "caveat_notes"]


@dataclass
class Report:
    year: str
    edition: str
    edition_folder: Path
    manifest_sha256: str
    period_note: str
    sheets: list[Sheet]
    notes: pd.DataFrame
    sources: list[str] = field(default_factory=list)
    without_data: list[str] = field(default_factory=list)


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
        metadata = con.sql("select * from indicators").to_arrow_table().to_pandas()
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
    types = dict(zip(metadata["indicator_id"], metadata["value_type"], strict=True))
    board["value_type"] = board["indicator_id"].map(types)
    board = _with_previous_symbol(board, values)
    notes = _notes(catalogue, how)
    refs = notes.groupby("applies_to")["note_number"].agg(" ".join).to_dict()
    board["caveat_notes"] = board["indicator_id"].map(refs)
    sheets = [Sheet("Board_table", f"Board indicator table, {fy.label}: Rotherham",
                    "For each indicator, the latest value up to the end of the year, the "
                    "previous value, change and direction of travel, the 95% interval, England "
                    "and regional comparators, and the target and its status.",
                    board, {c: BOARD_HEADERS[c] for c in BOARD_SHEET_COLUMNS})]
    chosen = chosen.sort_values(["indicator_id", "period_id", "breakdown"], kind="stable")
    for code, wording in catalogue.commitments.items():
        ids = [i.id for i in catalogue.indicators if code in i.commitments]
        rows = chosen[chosen["indicator_id"].isin(ids)]
        description = (f"Indicators evidencing commitment {code} ({wording}), Rotherham, "
                       f"{fy.label}, every breakdown; an indicator with no value for the "
                       "year has one row saying so.")
        absent = [i for i in ids if i not in set(rows["indicator_id"])]
        if absent:
            rows = pd.concat([rows, _absent_rows(absent, catalogue, values, fy)],
                             ignore_index=True)
        rows = rows.assign(caveat_notes=rows["indicator_id"].map(refs))
        sheets.append(Sheet(code, f"{code}: {wording}, {fy.label}", description, rows,
                            {c: VALUE_HEADERS[c] for c in COMMITMENT_COLUMNS}))
    sheets.append(Sheet("Coverage", "Coverage: the strategy's commitments and measures of "
                                    "success, and the indicators that evidence them",
                        "Every 2026-31 commitment and 2022-25 measure of success with the "
                        "indicators that evidence it; 'not evidenced yet' where none does.",
                        coverage, COVERAGE_HEADERS))
    shown = set(chosen["indicator_id"]) | set(board.loc[board["period_id"].notna(),
                                                        "indicator_id"])
    sources = sorted({str(i.numerator.get("source")) for i in catalogue.indicators
                      if i.id in shown}
                     | {str((i.denominator or {}).get("source")) for i in catalogue.indicators
                        if i.id in shown and i.denominator})
    without = [i.id for i in catalogue.indicators if i.id not in set(values["indicator_id"])]
    return Report(fy.label, folder.name, folder, file_sha256(folder / "manifest.json"), how,
                  sheets, notes, sources, without)


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


def _notes(catalogue: Catalogue, how: str) -> pd.DataFrame:
    general = [
        ("Periods", how),
        ("Disclosure control", "Counts of people from 1 to 4 are shown as [c]. Other cells "
         "are also shown as [c] where the hidden value could otherwise be worked out from a "
         "total, a change from the previous period, or a comparator."),
        ("Intervals and comparators", "95% intervals: Wilson score for proportions, Byars "
         "(exact Poisson below 10) for rates. 'Similar' means the comparator lies inside "
         "Rotherham's 95% interval; otherwise better or worse by the indicator's polarity, "
         "or higher or lower where it has none. Region and England values are sums of "
         "districts unless the indicator's caveats say otherwise."),
        ("Direction of travel", "Improving or worsening by the indicator's polarity, or up "
         "or down where it has none; not given across a break in series [b] or where the "
         "periods are not comparable."),
        ("Targets", "Targets come from targets.yaml, agreed by the body named in 'Target set "
         "by'. Entries marked PLACEHOLDER await agreement. Status: met, not met, no data, or "
         "no target."),
        ("Tracing a figure", "Every row carries Indicator ID, Area code and Period ID: join "
         "them to indicator_lineage in the edition named on the Cover sheet for the source "
         "file, its sha256 and the rows each figure was computed from."),
    ]
    general += [(f"Symbol {s}", meaning) for s, meaning in SYMBOLS.items()]
    rows = [{"note_number": f"[note {n}]", "applies_to": subject, "note_text": text}
            for n, (subject, text) in enumerate(general, start=1)]
    n = len(rows)
    for ind in catalogue.indicators:
        for caveat in ind.caveats:
            n += 1
            rows.append({"note_number": f"[note {n}]", "applies_to": ind.id,
                         "note_text": " ".join(str(caveat).split())})
    return pd.DataFrame(rows, columns=["note_number", "applies_to", "note_text"])


NOTES_HEADERS = {"note_number": "Note number", "applies_to": "Applies to",
                 "note_text": "Note text"}


def _safe_file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def write(report: Report, out: Path, charts: list[dict[str, str]] | None = None,
          published: date | None = None, extra_files: list[Path] | None = None) -> list[Path]:
    """Write the workbook and a CSV per table into `out`; return the files written.

    `extra_files`: files already written into `out` for the same report (the facts page, its
    CSVs and the charts), listed with their sha256 in report-manifest.json too.

    `charts`: optional dicts with `path` (a PNG), `title` and `alt` (its text alternative),
    placed on a Charts sheet, one image per row beside its title and text alternative."""
    import xlsxwriter

    out.mkdir(parents=True, exist_ok=True)
    published = published or datetime.now(UTC).date()
    dash = report.year.replace("/", "-")
    book_path = out / f"carers-progress-{dash}.xlsx"
    written: list[Path] = []
    book = xlsxwriter.Workbook(str(book_path), XLSX_OPTIONS)
    book.set_properties({"title": f"Carers strategy progress, Rotherham, {report.year}",
                         "author": "Rotherham Metropolitan Borough Council",
                         "comments": f"Edition {report.edition}"})
    heading = book.add_format({"bold": True, "font_size": 14})
    subheading = book.add_format({"bold": True, "font_size": 12})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    link = book.add_format({"font_color": "blue", "underline": 1})
    figures = book.add_format({"num_format": "#,##0.0##"})

    tables = [("Notes", "Notes used in this workbook", report.notes, NOTES_HEADERS)]
    tables += [(s.name, s.title, s.frame, s.headers) for s in report.sheets]
    contents = [("Notes", "Notes, and the key to the symbols used")]
    contents += [(s.name, s.title) for s in report.sheets]
    if charts:
        contents.append(("Charts", "Charts, each with its text alternative"))

    cover = book.add_worksheet("Cover")
    cover.set_column(0, 0, 110)
    lines: list[tuple[str, Any]] = [
        (f"Carers strategy progress, Rotherham, {report.year}", heading),
        ("The annual progress workbook for the Health and Wellbeing Board: the indicators "
         "that evidence the 2026-31 all-age carers strategy and the 2022-25 measures of "
         "success, for the financial year " + report.year + ".", wrap),
        ("Period", subheading), (report.period_note, wrap),
        ("Source", subheading),
        (f"Published edition {report.edition} of the carers-outcomes pipeline (manifest "
         f"sha256 {report.manifest_sha256}). Each figure's source file, its sha256 and "
         "rows are in the edition's indicator_lineage table.", wrap),
        *[(f"Source: {s}", wrap) for s in report.sources],
        ("Contact", subheading), (CONTACT, wrap),
        ("Publication date", subheading), (published.isoformat(), None),
        ("Symbols", subheading),
        *[(f"{s} {meaning}", wrap) for s, meaning in SYMBOLS.items()],
        ("Notes", subheading),
        ("Notes are listed on the Notes worksheet; the Contents worksheet links every table.",
         wrap),
    ]
    for row, (text, fmt) in enumerate(lines):
        cover.write_string(row, 0, text, fmt) if fmt else cover.write_string(row, 0, text)
        if fmt is wrap:  # spreadsheet programs do not all grow a row for wrapped text
            cover.set_row(row, 15 * max(1, -(-len(text) // 100)))

    sheet = book.add_worksheet("Contents")
    sheet.write_string(0, 0, "Contents", heading)
    sheet.write_string(1, 0, "This worksheet contains one table.")
    sheet.add_table(2, 0, 2 + len(contents), 1, {
        "name": "Contents_table", "style": "Table Style Light 1",
        "columns": [{"header": "Sheet name"}, {"header": "Table description"}]})
    for row, (name, description) in enumerate(contents, start=3):
        sheet.write_url(row, 0, f"internal:'{name}'!A1", link, string=name)
        sheet.write_string(row, 1, description)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 100)

    for name, title, frame, headers in tables:
        columns = list(headers)
        ws = book.add_worksheet(name)
        ws.write_string(0, 0, title, heading)
        ws.write_string(1, 0, "This worksheet contains one table. Cells with no value hold a "
                              "symbol in square brackets: see the Notes worksheet.")
        data = _cells(frame, columns)
        if data:
            # Figures keep full precision in the cell (they trace to the lineage); a column
            # holding decimals shows at most three places.
            decimal = [any(isinstance(r[i], float) and not r[i].is_integer() for r in data)
                       for i in range(len(columns))]
            ws.add_table(2, 0, 2 + len(data), len(columns) - 1, {
                "name": f"{_safe_file_name(name)}_table", "style": "Table Style Light 1",
                "columns": [{"header": headers[c], **({"format": figures} if decimal[i] else {})}
                            for i, c in enumerate(columns)], "data": data})
        else:  # a header row and one row saying so: an Excel table cannot be empty
            ws.add_table(2, 0, 3, len(columns) - 1, {
                "name": f"{_safe_file_name(name)}_table", "style": "Table Style Light 1",
                "columns": [{"header": headers[c]} for c in columns],
                "data": [["[x]"] * len(columns)]})
        for i, c in enumerate(columns):
            ws.set_column(i, i, 60 if c in {"note", "note_text", "wording", "indicator_titles",
                                            "indicator_ids"} else 18)
        ws.freeze_panes(3, 0)
        csv_path = out / f"{_safe_file_name(name)}.csv"
        neutralise_frame(pd.DataFrame(data or [], columns=[headers[c] for c in columns])).to_csv(
            csv_path, index=False, lineterminator="\n")
        written.append(csv_path)

    if charts:
        _charts_sheet(book, charts, heading, wrap)
    book.close()
    written.insert(0, book_path)
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


def _charts_sheet(book: Any, charts: list[dict[str, str]], heading: Any, wrap: Any) -> None:
    from PIL import Image

    ws = book.add_worksheet("Charts")
    ws.write_string(0, 0, "Charts", heading)
    ws.write_string(1, 0, "This worksheet contains one table: each chart's title and text "
                          "alternative, with the chart beside them in column D.")
    ws.add_table(2, 0, 2 + len(charts), 2, {
        "name": "Charts_table", "style": "Table Style Light 1",
        "columns": [{"header": "Chart title"}, {"header": "Text alternative"},
                    {"header": "Image file"}]})
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 2, 30)
    for row, chart in enumerate(charts, start=3):
        path = Path(chart["path"])
        if not path.is_file():
            raise WorkbookError(f"chart {chart.get('title')!r}: image {path} does not exist")
        ws.write_string(row, 0, str(chart["title"]), wrap)
        ws.write_string(row, 1, str(chart["alt"]), wrap)
        ws.write_string(row, 2, path.name, wrap)
        with Image.open(path) as image:
            width, height = image.size
        scale = min(1.0, 600 / width, 400 / height)
        ws.set_row(row, height * scale * 0.75 + 4)  # points are 3/4 of a pixel
        ws.insert_image(row, 3, str(path), {
            "x_scale": scale, "y_scale": scale, "object_position": 1,
            "description": str(chart["alt"]), "decorative": False})
