"""Rung 1: the census readers on good and malformed fixture files."""

from __future__ import annotations

import pytest

from sources import census
from sources.errors import SourceError
from tests.builders.env import FIXTURES

CENSUS = FIXTURES / "census"


def test_reads_good_ts039_with_lineage(source_file):
    frame = census.read_ts039(source_file(CENSUS / "ts039_good.csv"))
    rotherham = frame[frame["area_code"] == "E08000018"].iloc[0]
    assert rotherham["total"] == 251162
    assert rotherham["hours_1_19"] + rotherham["hours_20_49"] + rotherham["hours_50_plus"] == 26313
    assert rotherham["_source_row"] == 3  # header is row 1, as in a spreadsheet
    assert rotherham["_source_file"] == "ts039_good.csv"
    assert len(rotherham["_source_sha256"]) == 64


def test_reads_shipped_files(source_file, public_census):
    ts039 = census.read_ts039(source_file(public_census / "census2021-ts039-ltla.csv"))
    qs301 = census.read_qs301(source_file(public_census / "census2011-qs301ew-la2011.csv"))
    assert len(ts039) == 331
    assert len(qs301) == 348
    r2011 = qs301[qs301["area_code"] == "E08000018"].iloc[0]
    assert r2011["total"] - r2011["no_care"] == 31001


@pytest.mark.parametrize(
    ("fixture", "row", "column", "words"),
    [
        ("ts039_renamed_column.csv", 1,
         "Provision of unpaid care: Total: All usual residents aged 5 and over", "missing column"),
        ("ts039_non_numeric.csv", 3,
         "Provision of unpaid care: Provides 50 or more hours unpaid care a week", "whole number"),
        ("ts039_duplicate_area.csv", 5, "geography code", "more than once (first at row 2)"),
        ("ts039_negative.csv", 4, "Provision of unpaid care: Provides no unpaid care",
         "0 or more"),
        ("qs301_as_ts039.csv", 1,
         "Provision of unpaid care: Total: All usual residents aged 5 and over",
         "QS301EW"),
    ],
)
def test_malformed_ts039_names_file_row_column(source_file, fixture, row, column, words):
    with pytest.raises(SourceError) as caught:
        census.read_ts039(source_file(CENSUS / fixture))
    problem = caught.value.problems[0]
    assert problem.file.endswith(fixture)
    assert problem.row == row
    assert problem.column == column
    assert words in problem.rule
    message = str(caught.value)
    assert fixture in message and f"row {row}" in message and problem.fix in message


def test_non_numeric_message_shows_the_value(source_file):
    with pytest.raises(SourceError, match="'9,3l2'"):
        census.read_ts039(source_file(CENSUS / "ts039_non_numeric.csv"))
