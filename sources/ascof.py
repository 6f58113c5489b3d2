"""Reader for the Office for Local Government (Oflog) adult social care file (ASC_data.csv).

One row per financial year, council and measure. Columns are found by name; the measure code
(ASC1, ASC4, ...) identifies the measure. `Value`, `MEDIAN` and `MADs_from_median` are numbers
or blank (not published); anything else is refused with file, row, column and rule.
Financial years come from "2016-17" style labels.
"""

from __future__ import annotations

import pandas as pd

from sources.errors import Problem, SourceError, fail
from sources.files import SourceFile, SourceKind
from sources.periods import financial_year

COLUMNS = ("Financial year", "Local authority code", "Local authority name", "Grouping",
           "Entity_Name", "Region", "Measure", "Code", "Value", "MEDIAN", "MADs_from_median",
           "rank_order")
NUMBER_COLUMNS = ("Value", "MEDIAN", "MADs_from_median")
FIX = ("Use the Office for Local Government file unchanged (Local Authority Data Explorer, "
       "adult social care); do not rename columns or type notes into number cells.")


def read_oflog_asc(source: SourceFile) -> pd.DataFrame:
    """The Oflog adult social care table: typed numbers, FY periods, lineage per row."""
    try:
        frame = pd.read_csv(source.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise fail(source.path, f"the file is not a readable CSV table ({exc})", FIX) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SourceError([Problem(
            str(source.path), 1, missing[0], None,
            "this is not the Oflog adult social care table: missing column(s) "
            f"{', '.join(map(repr, missing))}", FIX)])
    frame = frame[list(COLUMNS)].apply(lambda c: c.str.strip())
    frame["_source_file"] = source.name
    frame["_source_sha256"] = source.sha256
    frame["_source_row"] = range(2, len(frame) + 2)

    problems: list[Problem] = []

    def problem(idx: object, column: str, rule: str) -> None:
        if len(problems) < 100:
            problems.append(Problem(str(source.path), int(frame.at[idx, "_source_row"]),
                                    column, frame.at[idx, column], rule, FIX))

    for column in NUMBER_COLUMNS:
        numbers = pd.to_numeric(frame[column].where(frame[column] != ""), errors="coerce")
        for idx in frame.index[(frame[column] != "") & numbers.isna()]:
            problem(idx, column, "must be a number or blank (not published)")
        frame[column] = numbers
    starts: list[int | None] = []
    for idx, label in frame["Financial year"].items():
        try:
            starts.append(financial_year(label).start_year)
        except ValueError:
            starts.append(None)
            problem(idx, "Financial year", "a financial year must be written like 2016-17")
    frame["fy_start"] = pd.array(starts, dtype="Int64")
    for idx in frame.index[~frame["Local authority code"].str.match(r"^E\d{8}$")]:
        problem(idx, "Local authority code", "must be an ONS council code like E08000018")
    if problems:
        raise SourceError(problems)
    return frame.rename(columns={
        "Financial year": "financial_year", "Local authority code": "area_code",
        "Local authority name": "area_name", "Grouping": "grouping",
        "Entity_Name": "council_type", "Region": "region_name", "Measure": "measure",
        "Code": "code", "Value": "value", "MEDIAN": "council_median",
        "MADs_from_median": "mads_from_median", "rank_order": "rank_order"})


# NHS Digital ASCOF open data (long format): one row per area x measure code x measure type.
NHSD_COLUMNS = ("Geographical Code", "Geographical Description", "Geographical Level",
                "ONS Code", "ASCOF Measure Code", "Disaggregation Level", "Measure Type",
                "Measure Value", "Measure Group", "Measure Group Description")
NHSD_LEVELS = {"Council": "local_authority", "Region": "region", "England": "country",
               "Council Type": "council_type"}
NHSD_FIX = ("Use NHS Digital's ASCOF open data file unchanged (first sheet, long format); do "
            "not rename columns or type notes into the value column.")


def read_nhsd_ascof(source: SourceFile) -> pd.DataFrame:
    """NHS Digital's ASCOF open data workbook: values typed, NHS symbols ([x], [c]...) kept
    beside them, the financial year taken from the file name (e.g. ...-2021-... = 2020-21)."""
    try:
        # calamine: the same cells as openpyxl, several times faster (STACK-NOTES)
        frame = pd.read_excel(source.path, sheet_name=0, dtype=str, keep_default_na=False,
                              engine="calamine")
    except Exception as exc:  # the Excel reader raises many types for a broken workbook
        raise fail(source.path, f"the file is not a readable Excel workbook ({exc})",
                   NHSD_FIX) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in NHSD_COLUMNS if c not in frame.columns]
    if missing:
        raise SourceError([Problem(
            str(source.path), 1, missing[0], None,
            "this is not the NHS Digital ASCOF open data table: missing column(s) "
            f"{', '.join(map(repr, missing))}", NHSD_FIX)])
    frame = frame[list(NHSD_COLUMNS)].apply(lambda c: c.astype(str).str.strip())
    frame["_source_file"] = source.name
    frame["_source_sha256"] = source.sha256
    frame["_source_row"] = range(2, len(frame) + 2)
    problems: list[Problem] = []

    def problem(idx: object, column: str, rule: str) -> None:
        if len(problems) < 100:
            problems.append(Problem(str(source.path), int(frame.at[idx, "_source_row"]),
                                    column, frame.at[idx, column], rule, NHSD_FIX))

    text = frame["Measure Value"]
    symbol = text.where(text.str.fullmatch(r"\[[a-z]\]"))
    numbers = pd.to_numeric(text.where(symbol.isna() & (text != "")), errors="coerce")
    for idx in frame.index[(text != "") & symbol.isna() & numbers.isna()]:
        problem(idx, "Measure Value", "must be a number, blank, or an NHS symbol like [x]")
    level = frame["Geographical Level"].map(NHSD_LEVELS)
    for idx in frame.index[level.isna()]:
        problem(idx, "Geographical Level", "must be one of " + ", ".join(NHSD_LEVELS))
    for idx in frame.index[level.isin(["local_authority", "region", "country"])
                           & ~frame["ONS Code"].str.match(r"^E\d{8}$")]:
        problem(idx, "ONS Code", "a council, region or England row needs an ONS code")
    import re
    match = re.search(r"(20\d\d)", source.name)
    if not match:
        raise fail(source.path, "the file name does not say which year it covers (e.g. "
                   "meas-from-asc-of-eng-2021-...: 2020-21)", NHSD_FIX)
    if problems:
        raise SourceError(problems)
    frame["fy_start"] = int(match.group(1)) - 1
    frame["value"] = numbers
    frame["value_symbol"] = symbol
    frame["area_level"] = level
    return frame.rename(columns={
        "ONS Code": "area_code", "Geographical Description": "area_name",
        "ASCOF Measure Code": "measure_code", "Disaggregation Level": "disaggregation",
        "Measure Type": "measure_type", "Measure Group": "measure_group"})[[
        "fy_start", "area_code", "area_name", "area_level", "measure_group", "measure_code",
        "disaggregation", "measure_type", "value", "value_symbol", "_source_file",
        "_source_sha256", "_source_row"]]


KINDS = (
    SourceKind("oflog_asc", read_oflog_asc, patterns=("*oflog*asc*.csv",)),
    SourceKind("nhsd_ascof", read_nhsd_ascof,
               patterns=("*meas-from-asc-of*.xlsx", "*ascof*open*data*.xlsx")),
)
