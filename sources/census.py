"""Readers for the ONS census unpaid-care tables (Nomis bulk CSVs) and the ONS area lookups."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from sources.errors import Problem, SourceError, fail
from sources.files import SourceFile, SourceKind

# Nomis header -> our column. Only the additive bands are kept: the finer "9 hours or less",
# "10 to 19", "20 to 34" and "35 to 49" columns split these and adding them would double-count.
TS039_COLUMNS: dict[str, str] = {
    "date": "census_year",
    "geography": "area_name",
    "geography code": "area_code",
    "Provision of unpaid care: Total: All usual residents aged 5 and over": "total",
    "Provision of unpaid care: Provides no unpaid care": "no_care",
    "Provision of unpaid care: Provides 19 hours or less unpaid care a week": "hours_1_19",
    "Provision of unpaid care: Provides 20 to 49 hours unpaid care a week": "hours_20_49",
    "Provision of unpaid care: Provides 50 or more hours unpaid care a week": "hours_50_plus",
}
TS039_SPLIT_COLUMNS = (
    "Provision of unpaid care: Provides 9 hours or less unpaid care a week",
    "Provision of unpaid care: Provides 10 to 19 hours unpaid care a week",
    "Provision of unpaid care: Provides 20 to 34 hours unpaid care a week",
    "Provision of unpaid care: Provides 35 to 49 hours unpaid care a week",
)
QS301_COLUMNS: dict[str, str] = {
    "date": "census_year",
    "geography": "area_name",
    "geography code": "area_code",
    "Rural Urban": "rural_urban",
    "Care Provision: All categories: Provision of unpaid care; measures: Value": "total",
    "Care Provision: Provides no unpaid care; measures: Value": "no_care",
    "Care Provision: Provides 1 to 19 hours unpaid care a week; measures: Value": "hours_1_19",
    "Care Provision: Provides 20 to 49 hours unpaid care a week; measures: Value": "hours_20_49",
    "Care Provision: Provides 50 or more hours unpaid care a week; measures: Value":
        "hours_50_plus",
}
LAD11_LAD21_COLUMNS = {"LAD11CD": "lad11_code", "LAD11NM": "lad11_name",
                       "LAD21CD": "lad21_code", "LAD21NM": "lad21_name"}
LAD_REGION_COLUMNS = {"LAD22CD": "lad_code", "LAD22NM": "lad_name",
                      "RGN22CD": "region_code", "RGN22NM": "region_name"}

COUNT_COLUMNS = ("total", "no_care", "hours_1_19", "hours_20_49", "hours_50_plus")
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
LINEAGE = ("_source_file", "_source_sha256", "_source_row")

# How a person recognises another table from its header, for a helpful message.
KNOWN_TABLES = {
    "TS039 (Census 2021 unpaid care)": TS039_COLUMNS,
    "QS301EW (Census 2011 unpaid care)": QS301_COLUMNS,
    "LAD 2011 to LAD 2021 lookup": LAD11_LAD21_COLUMNS,
    "LAD to region lookup": LAD_REGION_COLUMNS,
}


def _read_text(path: Path) -> pd.DataFrame:
    try:
        # utf-8-sig strips the byte-order mark ONS Open Geography files carry.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise fail(path, f"the file is not a readable CSV table ({exc})",
                   "Save it again as CSV (comma separated) from the publisher's download.") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _check_header(path: Path, frame: pd.DataFrame, expected: Mapping[str, str],
                  table: str) -> None:
    missing = [c for c in expected if c not in frame.columns]
    if not missing:
        return
    found = set(frame.columns)
    looks_like = [name for name, cols in KNOWN_TABLES.items()
                  if name != table and set(cols) <= found]
    rule = f"this is not the {table} table: missing column(s) {', '.join(map(repr, missing))}"
    if looks_like:
        rule += f"; the header is that of {looks_like[0]}"
    raise SourceError([Problem(str(path), 1, missing[0], None, rule,
                               "Download the table again from the publisher without renaming or "
                               "removing columns, or put it under the right file name.")])


def _with_lineage(frame: pd.DataFrame, source: SourceFile) -> pd.DataFrame:
    frame = frame.copy()
    frame["_source_file"] = source.name
    frame["_source_sha256"] = source.sha256
    # Row numbers as a person sees them in a spreadsheet: the header is row 1.
    frame["_source_row"] = range(2, len(frame) + 2)
    return frame


def _to_counts(path: Path, frame: pd.DataFrame, columns: Iterable[str],
               header: Mapping[str, str]) -> pd.DataFrame:
    inverse = {v: k for k, v in header.items()}
    problems: list[Problem] = []
    for column in columns:
        text = frame[column].str.replace(",", "", regex=False).str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
        for idx in frame.index[bad][:50]:
            problems.append(Problem(
                str(path), int(frame.at[idx, "_source_row"]), inverse[column],
                frame.at[idx, column], "a count must be a whole number of 0 or more",
                "Correct the cell from the publisher's table; do not type symbols or notes "
                "into count cells."))
        frame[column] = numbers.astype("Int64")
    if problems:
        raise SourceError(problems)
    return frame


def _check_codes_unique(path: Path, frame: pd.DataFrame, code_column: str, label: str) -> None:
    problems = []
    bad_code = ~frame[code_column].str.match(ONS_CODE)
    for idx in frame.index[bad_code][:20]:
        problems.append(Problem(str(path), int(frame.at[idx, "_source_row"]), label,
                                frame.at[idx, code_column],
                                "an area code must be an ONS code like E08000018",
                                "Use the publisher's file; codes must not be edited."))
    dupes = frame[frame.duplicated(code_column, keep="first")]
    for idx in dupes.index[:20]:
        code = frame.at[idx, code_column]
        first = int(frame.loc[frame[code_column] == code, "_source_row"].iloc[0])
        problems.append(Problem(str(path), int(frame.at[idx, "_source_row"]), label, code,
                                f"this area appears more than once (first at row {first})",
                                "Keep one row per area: remove the duplicate."))
    if problems:
        raise SourceError(problems)


def _read_table(source: SourceFile, header: Mapping[str, str], table: str,
                counts: Iterable[str], code_column: str) -> pd.DataFrame:
    frame = _read_text(source.path)
    _check_header(source.path, frame, header, table)
    frame = _with_lineage(frame[list(header)].rename(columns=header), source)
    frame = _check_blank_rows(source.path, frame, code_column)
    _check_codes_unique(source.path, frame, code_column,
                        {v: k for k, v in header.items()}[code_column])
    return _to_counts(source.path, frame, counts, header)


def _check_blank_rows(path: Path, frame: pd.DataFrame, code_column: str) -> pd.DataFrame:
    blank = frame[code_column].str.strip() == ""
    if blank.any():
        row = int(frame.loc[blank, "_source_row"].iloc[0])
        raise fail(path, "a row has no area code", "Remove the row or restore its code.",
                   row=row, column=code_column, value="")
    return frame


def read_ts039(source: SourceFile) -> pd.DataFrame:
    """Census 2021 TS039 by area: residents aged 5+ by weekly hours of unpaid care."""
    frame = _read_table(source, TS039_COLUMNS, "TS039 (Census 2021 unpaid care)",
                        ("census_year", *COUNT_COLUMNS), "area_code")
    return frame[list(TS039_COLUMNS.values()) + list(LINEAGE)]


def read_qs301(source: SourceFile) -> pd.DataFrame:
    """Census 2011 QS301EW by area: all usual residents by weekly hours of unpaid care."""
    frame = _read_table(source, QS301_COLUMNS, "QS301EW (Census 2011 unpaid care)",
                        ("census_year", *COUNT_COLUMNS), "area_code")
    return frame[list(QS301_COLUMNS.values()) + list(LINEAGE)]


def read_lad11_lad21(source: SourceFile) -> pd.DataFrame:
    """ONS LAD 2011 to LAD 2021 lookup (many 2011 districts to one 2021 district)."""
    frame = _read_text(source.path)
    _check_header(source.path, frame, LAD11_LAD21_COLUMNS, "LAD 2011 to LAD 2021 lookup")
    frame = _with_lineage(frame[list(LAD11_LAD21_COLUMNS)].rename(columns=LAD11_LAD21_COLUMNS),
                          source)
    _check_codes_unique(source.path, frame, "lad11_code", "LAD11CD")
    return frame


def read_lad_region(source: SourceFile) -> pd.DataFrame:
    """ONS LAD to region lookup, England."""
    frame = _read_text(source.path)
    _check_header(source.path, frame, LAD_REGION_COLUMNS, "LAD to region lookup")
    frame = _with_lineage(frame[list(LAD_REGION_COLUMNS)].rename(columns=LAD_REGION_COLUMNS),
                          source)
    _check_codes_unique(source.path, frame, "lad_code", "LAD22CD")
    return frame


# Census 2021 TS007 (age by single year), kept to the two columns the facts page needs: all
# usual residents and those aged 4 and under (so residents aged 5 and over, TS039's base,
# can be stated beside the total).
TS007_COLUMNS: dict[str, str] = {
    "date": "census_year",
    "geography": "area_name",
    "geography code": "area_code",
    "Age: Total; measures: Value": "residents",
    "Age: Aged 4 years and under; measures: Value": "aged_0_4",
}
KNOWN_TABLES["TS007 (Census 2021 age by single year)"] = TS007_COLUMNS


def read_ts007(source: SourceFile) -> pd.DataFrame:
    """Census 2021 TS007 by area: all usual residents, and those aged 4 and under."""
    frame = _read_table(source, TS007_COLUMNS, "TS007 (Census 2021 age by single year)",
                        ("census_year", "residents", "aged_0_4"), "area_code")
    return frame[list(TS007_COLUMNS.values()) + list(LINEAGE)]


# Census 2021 TS066 (economic activity status), residents aged 16 and over: the whole
# population's economic inactivity, the context for the strategy's carers-only figures.
TS066_COLUMNS: dict[str, str] = {
    "date": "census_year",
    "geography": "area_name",
    "geography code": "area_code",
    "Economic activity status: Total: All usual residents aged 16 years and over":
        "residents_16_plus",
    "Economic activity status: Economically inactive": "inactive",
    "Economic activity status: Economically inactive: Looking after home or family":
        "looking_after_home",
    "Economic activity status: Economically inactive: Long-term sick or disabled":
        "long_term_sick",
}
KNOWN_TABLES["TS066 (Census 2021 economic activity status)"] = TS066_COLUMNS


def read_ts066(source: SourceFile) -> pd.DataFrame:
    """Census 2021 TS066 by area: residents aged 16 and over, the economically inactive, and
    two of the reasons (looking after home or family; long-term sick or disabled)."""
    frame = _read_table(source, TS066_COLUMNS, "TS066 (Census 2021 economic activity status)",
                        ("census_year", "residents_16_plus", "inactive", "looking_after_home",
                         "long_term_sick"), "area_code")
    return frame[list(TS066_COLUMNS.values()) + list(LINEAGE)]


KINDS = (
    SourceKind("census_ts039_ltla", read_ts039, patterns=("*ts039*ltla*.csv",)),
    SourceKind("census_qs301_la", read_qs301, patterns=("*qs301*.csv",)),
    SourceKind("census_ts007_ltla", read_ts007, patterns=("*ts007*ltla*.csv",)),
    SourceKind("census_ts066_ltla", read_ts066, patterns=("*ts066*ltla*.csv",)),
    SourceKind("census_ts039_lsoa", read_ts039, patterns=("*ts039*lsoa*.csv",)),
    SourceKind("lookup_lad11_lad21", read_lad11_lad21, patterns=("*lad2011*lad2021*.csv",)),
    SourceKind("lookup_lad_region", read_lad_region, patterns=("*lad*rgn*.csv",)),
)
