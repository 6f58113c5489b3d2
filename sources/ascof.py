"""Reader for the Office for Local Government (Oflog) adult social care file (ASC_data.csv).

One row per financial year, council and measure. Columns are found by name; the measure code
(ASC1, ASC4, ...) identifies the measure. `Value`, `MEDIAN` and `MADs_from_median` are numbers
or blank (not published); anything else is refused with file, row, column and rule.
Financial years come from "2016-17" style labels.
"""

from __future__ import annotations

import pandas as pd

from sources.errors import Problem, SourceError, fail
from sources.files import SourceFile
from warehouse.periods import financial_year

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
