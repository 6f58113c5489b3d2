"""Reader for the DfE "Schools, pupils and their characteristics" young-carers file, in
Explore Education Statistics (EES) format.

One row per time period, area, school phase, pupil characteristic and young-carer status.
Areas are found by their codes (national: country_code; regional: region_code; local
authority: new_la_code, with old_la_code kept), never by their position in the file. The EES
suppression symbols (c, x, z, low, u) are kept as symbols beside the numbers, never turned into
numbers. A blank cell means the value is not held.

The shipped file (sources/data/public/dfe/) adds one column, `source_publication`, naming where
each row's figures were published; a real DfE download has no such column and each row's
source is then the file itself.
"""

from __future__ import annotations

import re

import pandas as pd

from sources.errors import Problem, SourceError, fail
from sources.files import SourceFile, SourceKind

COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code",
           "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
           "la_name", "phase_type_grouping", "characteristic", "young_carer",
           "number_of_pupils", "denominator", "percent_of_pupils")
# The columns that identify a file as this table, whatever it is called (KINDS, below).
HEADER_SIGNATURE = ("time_period", "geographic_level", "young_carer", "number_of_pupils")
OPTIONAL = ("source_publication",)
NUMBER_COLUMNS = ("number_of_pupils", "denominator", "percent_of_pupils")
SYMBOLS = ("c", "x", "z", "low", "u")
LEVELS = {"national": "country", "regional": "region", "local authority": "local_authority"}
LINEAGE = ("_source_file", "_source_sha256", "_source_row")

# young_carer values (EES labels or school-census codes) -> our group. "Total" is EES's
# convention for "all values of this filter": all pupils, young carers or not.
YOUNG_CARER_GROUPS = {
    "s": "school", "identified by school": "school", "school": "school",
    "young carer identified by school": "school",
    "p": "parent", "identified by parent": "parent", "parent": "parent",
    "young carer identified by parent": "parent",
    "n": "not_young_carer", "not a young carer": "not_young_carer",
    "not a young carer or not declared": "not_young_carer", "no": "not_young_carer",
    "young carer": "young_carer", "young carers": "young_carer", "yes": "young_carer",
    "all young carers": "young_carer", "total young carers": "young_carer",
    "total": "all_pupils", "all pupils": "all_pupils",
}
TIME_PERIOD = re.compile(r"^(\d{4})(\d{2})$")


def _read(source: SourceFile) -> pd.DataFrame:
    try:
        frame = pd.read_csv(source.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        frame = pd.read_csv(source.path, dtype=str, keep_default_na=False, encoding="cp1252")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise fail(source.path, f"the file is not a readable CSV table ({exc})",
                   "Download the CSV again from Explore Education Statistics.") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def _check_header(source: SourceFile, frame: pd.DataFrame) -> None:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SourceError([Problem(
            str(source.path), 1, missing[0], None,
            "this is not the DfE young-carers table (Explore Education Statistics format): "
            f"missing column(s) {', '.join(map(repr, missing))}",
            "Download the 'Schools, pupils and their characteristics' young-carers CSV from "
            "Explore Education Statistics without renaming or removing columns.")])


def _numbers(source: SourceFile, frame: pd.DataFrame) -> list[Problem]:
    problems = []
    for column in NUMBER_COLUMNS:
        text = frame[column].str.replace(",", "", regex=False).str.strip()
        symbol = text.str.lower().where(text.str.lower().isin(SYMBOLS))
        numbers = pd.to_numeric(text.where(~text.str.lower().isin(SYMBOLS) & (text != "")),
                                errors="coerce")
        bad = (text != "") & symbol.isna() & (numbers.isna() | (numbers < 0))
        if column != "percent_of_pupils":
            bad |= numbers.notna() & (numbers % 1 != 0)
        for idx in frame.index[bad][:50]:
            problems.append(Problem(
                str(source.path), int(frame.at[idx, "_source_row"]), column,
                frame.at[idx, column],
                "must be a number of 0 or more (a whole number for counts), blank, or one of "
                f"the EES symbols {', '.join(SYMBOLS)}",
                "Use the publisher's file unchanged; do not type notes into number cells."))
        keep_float = column == "percent_of_pupils" or bad.any()  # a bad file is refused
        frame[column] = numbers if keep_float else numbers.astype("Int64")
        frame[f"{column}_symbol"] = symbol
    return problems


def read_young_carers(source: SourceFile) -> pd.DataFrame:
    """The DfE young-carers table: typed numbers, symbols kept, area codes and periods derived."""
    frame = _read(source)
    _check_header(source, frame)
    for column in (*COLUMNS, *OPTIONAL):
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].astype(str).str.strip()
    frame = frame[[*COLUMNS, *OPTIONAL]].copy()
    frame["_source_file"] = source.name
    frame["_source_sha256"] = source.sha256
    frame["_source_row"] = range(2, len(frame) + 2)

    problems: list[Problem] = []

    def problem(idx: object, column: str, rule: str, fix: str) -> None:
        if len(problems) < 100:
            problems.append(Problem(str(source.path), int(frame.at[idx, "_source_row"]), column,
                                    frame.at[idx, column], rule, fix))

    starts: list[int | None] = []
    for idx, text in frame["time_period"].items():
        match = TIME_PERIOD.match(text)
        if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
            starts.append(int(match.group(1)))
        else:
            starts.append(None)
            problem(idx, "time_period", "an academic year must be written like 202223",
                    "Use the publisher's file unchanged.")
    frame["academic_year_start"] = pd.array(starts, dtype="Int64")

    levels = frame["geographic_level"].str.lower()
    frame["area_level"] = levels.map(LEVELS)
    frame["area_code"] = None
    codes = {"country": "country_code", "region": "region_code",
             "local_authority": "new_la_code"}
    names = {"country": "country_name", "region": "region_name", "local_authority": "la_name"}
    frame["area_name"] = None
    for level, column in codes.items():
        rows = frame["area_level"] == level
        frame.loc[rows, "area_code"] = frame.loc[rows, column]
        frame.loc[rows, "area_name"] = frame.loc[rows, names[level]]
        for idx in frame.index[rows & ~frame[column].str.match(r"^[EWSN]\d{8}$")]:
            problem(idx, column, f"a {level.replace('_', ' ')} row needs an ONS code like "
                                 "E08000018 in this column",
                    "Use the publisher's file unchanged; codes must not be edited.")
    for idx in frame.index[frame["geographic_level"] == ""]:
        problem(idx, "geographic_level", "is blank", "Use the publisher's file unchanged.")

    groups = frame["young_carer"].str.lower().map(YOUNG_CARER_GROUPS)
    for idx in frame.index[groups.isna()]:
        problem(idx, "young_carer", "is not a young-carer status this reader knows (codes N, P, "
                                    "S, or labels like 'Identified by school', 'Total')",
                "If DfE has renamed the statuses, add the new label to YOUNG_CARER_GROUPS "
                "in sources/dfe.py.")
    frame["young_carer_group"] = groups

    problems.extend(_numbers(source, frame))
    key = ["time_period", "geographic_level", "area_code", "old_la_code",
           "phase_type_grouping", "characteristic", "young_carer"]
    dupes = frame.duplicated(key, keep="first") & frame["area_code"].notna()
    for idx in frame.index[dupes][:20]:
        problem(idx, "young_carer", "this period, area, phase, characteristic and status appear "
                                    "more than once",
                "Keep one row each: remove the duplicate.")
    if problems:
        raise SourceError(problems)
    return frame


KINDS = (
    SourceKind("dfe_young_carers", read_young_carers,
               patterns=("*dfe*young*carer*.csv", "*spc*young*carer*.csv",
                         "*schools*pupils*young*carer*.csv"),
               header=HEADER_SIGNATURE),
)
