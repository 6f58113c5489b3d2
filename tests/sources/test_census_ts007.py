"""Census 2021 TS007 (total residents): the reader and its suites on both expectation engines."""

from __future__ import annotations

import duckdb
import pytest

from expectations import facts as suites
from expectations.core import run_suite
from sources import census
from sources.errors import SourceError
from sources.files import PUBLIC_DIR
from sources.registry import kind_of
from tests.builders.env import FIXTURES

HERE = FIXTURES / "facts"


def test_the_reader_keeps_residents_and_under_fives_with_lineage(source_file):
    frame = census.read_ts007(source_file(HERE / "census2021-ts007-two-districts.csv"))
    rotherham = frame.set_index("area_code").loc["E08000018"]
    assert (rotherham.residents, rotherham.aged_0_4) == (265806, 14645)
    assert rotherham._source_row == 3
    assert list(frame.columns[-3:]) == ["_source_file", "_source_sha256", "_source_row"]


def test_a_bad_count_names_file_row_column_and_value(source_file):
    with pytest.raises(SourceError) as caught:
        census.read_ts007(source_file(HERE / "census2021-ts007-bad-count.csv"))
    message = str(caught.value)
    for part in ("census2021-ts007-bad-count.csv", "3", "Age: Total; measures: Value", "[c]",
                 "whole number"):
        assert part in message


def test_another_table_under_the_name_is_refused(source_file, public_census):
    with pytest.raises(SourceError, match="not the TS007"):
        census.read_ts007(source_file(public_census / "census2021-ts039-ltla.csv"))


def test_the_shipped_file_is_found_by_name():
    shipped = PUBLIC_DIR / "census_profile" / "census2021-ts007-age-single-year-ltla.csv"
    assert kind_of(shipped) == "census_ts007_ltla"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("create schema raw; create schema staging")
    c.execute("""create table raw.census_ts007 as select * from (values
        ('E08000018', 265806, 14645),
        ('E08000016', 244576, 13463)) v(area_code, residents, aged_0_4)""")
    c.execute("""create table staging.census_unpaid_care as select * from (values
        (2021, 'E08000018', 'total', 251162),
        (2021, 'E08000016', 'total', 231113),
        (2021, 'E08000018', 'no_care', 224849)) v(census_year, area_code, band, persons)""")
    # A small district perturbed by 4 people (0.2%): within the 10-person allowance.
    c.execute("insert into raw.census_ts007 values ('E06000053', 2061, 100)")
    c.execute("insert into staging.census_unpaid_care values (2021, 'E06000053', 'total', 1957)")
    return c


@pytest.mark.parametrize("engine", ["sql", "gx"])
def test_suites_pass_on_agreeing_tables(con, engine):
    for suite in (suites.census_ts007, suites.census_ts007_matches_ts039):
        assert run_suite(con, suite, engine).success, suite.name


@pytest.mark.parametrize("engine", ["sql", "gx"])
def test_suites_catch_planted_defects(con, engine):
    # Planted: under-fives above the total; a duplicate area; TS039 base far from TS007's 5+;
    # a TS039 district missing from TS007.
    con.execute("insert into raw.census_ts007 values ('E08000018', 100, 200)")
    con.execute("update staging.census_unpaid_care set persons = 200000 "
                "where area_code = 'E08000016' and band = 'total'")
    con.execute("insert into staging.census_unpaid_care values (2021, 'E06000001', 'total', 1)")
    first = run_suite(con, suites.census_ts007, engine)
    assert {f.expectation for f in first.failures} == {
        "expect_column_values_to_be_in_set", "expect_column_values_to_be_unique"}
    second = run_suite(con, suites.census_ts007_matches_ts039, engine)
    assert {f.expectation for f in second.failures} == {
        "expect_column_values_to_not_be_null", "expect_column_values_to_be_between"}
