"""ASCOF carer measures from the Office for Local Government adult social care file: the
reader refuses malformed files by file, row, column and rule; the shipped file gives the
issue's acceptance figures with the council medians beside them; the suite catches bad rows."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sources import ascof, census
from sources.errors import SourceError
from sources.files import PUBLIC_DIR, SourceFile, sha256_of
from sources.periods import dim_period_rows
from sources.registry import kind_of
from warehouse import db
from warehouse.catalogue import Catalogue, load
from warehouse.indicators import compute

ROTHERHAM = "E08000018"
SHIPPED = PUBLIC_DIR / "ascof" / "oflog_ASC_data.csv"


def _source(path: Path) -> SourceFile:
    return SourceFile(path, "oflog_asc", "landing", sha256_of(path))


def _copy_with(tmp_path: Path, edit) -> Path:
    with SHIPPED.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    path = tmp_path / "oflog_ASC_data.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_the_file_kind_is_found_by_name():
    assert kind_of(SHIPPED) == "oflog_asc"


def test_a_renamed_measure_column_is_refused_naming_the_column(tmp_path):
    def rename(rows):
        rows[0][rows[0].index("Value")] = "Score"
    path = _copy_with(tmp_path, rename)
    with pytest.raises(SourceError) as err:
        ascof.read_oflog_asc(_source(path))
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (str(path), 1, "Value")
    assert "missing column" in problem.rule


def test_a_value_of_x_is_refused_with_file_row_column_value_and_rule(tmp_path):
    def put_x(rows):
        rows[5][rows[0].index("Value")] = "x"
    path = _copy_with(tmp_path, put_x)
    with pytest.raises(SourceError) as err:
        ascof.read_oflog_asc(_source(path))
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == \
        (str(path), 6, "Value", "x")
    assert "number" in problem.rule


def test_a_bad_financial_year_label_is_refused(tmp_path):
    def bad_year(rows):
        rows[2][0] = "2016/2017x"
    path = _copy_with(tmp_path, bad_year)
    with pytest.raises(SourceError) as err:
        ascof.read_oflog_asc(_source(path))
    assert err.value.problems[0].column == "Financial year"
    assert err.value.problems[0].row == 3


def _warehouse(path: Path = SHIPPED) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.ensure_schemas(con)
    lookup = PUBLIC_DIR / "lookups" / "LAD22_to_RGN22_lookup_England.csv"
    db.replace_table(con, "raw.lookup_lad_region", census.read_lad_region(
        SourceFile(lookup, "lookup_lad_region", "public", sha256_of(lookup))))
    db.create_table_from_sql(con, "marts.dim_area", "dim_area")
    db.replace_table(con, "marts.dim_period", pd.DataFrame(dim_period_rows()))
    db.replace_table(con, "raw.oflog_asc", ascof.read_oflog_asc(_source(path)))
    db.create_table_from_sql(con, "staging.oflog_asc", "stg_oflog_asc")
    return con


def _values(con):
    full = load()
    cat = Catalogue(full.commitments, full.measures,
                    tuple(i for i in full.indicators if i.sql == "indicators/ascof.sql"))
    values, lineage, missing = compute(con, cat)
    assert missing == []
    return values.set_index(["indicator_id", "area_code", "period_id"]), lineage


def test_shipped_file_gives_the_acceptance_figures_with_council_medians():
    values, lineage = _values(_warehouse())
    expected = {
        "ascof_1d_carer_quality_of_life": {"FY2016": (7.8, "7.6"), "FY2018": (7.7, "7.4"),
                                           "FY2021": (7.5, "7.2")},
        "ascof_3d2_carers_easy_to_find_information": {
            "FY2016": (64.5, "64.5%"), "FY2018": (66.0, "62.4%"), "FY2021": (61.8, "57.3%")},
    }
    for ind, by_period in expected.items():
        for period, (value, median) in by_period.items():
            row = values.loc[(ind, ROTHERHAM, period)]
            assert row["value"] == pytest.approx(value)
            assert f"Median of all councils {median}" in row["note"]
            assert "median absolute deviations" in row["note"]
            assert row["period_label"] == period[2:] + "/" + str(int(period[2:]) + 1)[2:]
            assert row["source"].startswith("oflog_ASC_data.csv")
    # The survey redesign year is flagged and not set against the earlier survey.
    row = values.loc[("ascof_1d_carer_quality_of_life", ROTHERHAM, "FY2021")]
    assert "[b]" in row["symbol"] and pd.isna(row["change"])
    row = values.loc[("ascof_3d2_carers_easy_to_find_information", ROTHERHAM, "FY2018")]
    # the change is published, but no direction of travel: the file gives no interval, so
    # no significance test can be made (issue 20), and 1.5 points could be survey noise
    assert row["change"] == pytest.approx(1.5) and row["direction"] is None
    # Every value traces to one row of the file.
    rot = lineage[(lineage.area_code == ROTHERHAM)
                  & (lineage.indicator_id == "ascof_1d_carer_quality_of_life")]
    assert set(rot.source_rows) == {"94", "241", "433"}


def test_rank_is_among_councils_with_a_value_highest_first():
    con = _warehouse()
    values, _ = _values(con)
    top = con.sql("select area_code, count(*) over () from staging.oflog_asc "
                  "where code = 'ASC1' and period_id = 'FY2016' "
                  "qualify value = max(value) over ()").fetchall()
    for area_code, _n in top:
        assert "rank 1 of" in values.loc[("ascof_1d_carer_quality_of_life", area_code,
                                          "FY2016")]["note"]


def test_suite_passes_on_the_shipped_file_and_fails_on_broken_rows():
    from expectations import ascof as suites
    from expectations.core import run_suite

    con = _warehouse()
    for engine in ("sql", "gx"):
        result = run_suite(con, suites.oflog_asc, engine)
        assert result.success and result.rows > 6000, (engine, result.failures)
    con.execute("update staging.oflog_asc set value = 13 "
                f"where code = 'ASC1' and area_code = '{ROTHERHAM}' and period_id = 'FY2016'")
    con.execute("insert into staging.oflog_asc select * from staging.oflog_asc "
                f"where code = 'ASC4' and area_code = '{ROTHERHAM}' and period_id = 'FY2018'")
    for engine in ("sql", "gx"):
        result = run_suite(con, suites.oflog_asc, engine)
        assert {f.expectation for f in result.failures} == {
            "expect_column_values_to_be_between", "expect_compound_columns_to_be_unique"}, engine
        assert {f.column for f in result.failures if f.column} >= {"asc1_value"}


def test_council_median_mads_and_rank_are_columns_beside_the_value():
    values, _ = _values(_warehouse())
    row = values.loc[("ascof_1d_carer_quality_of_life", ROTHERHAM, "FY2021")]
    assert (row["council_median"], row["mads_from_median"]) == (pytest.approx(7.2), 1.0)
    assert (row["council_rank"], row["council_rank_of"]) == (28, 149)
    row = values.loc[("ascof_3d2_carers_easy_to_find_information", ROTHERHAM, "FY2018")]
    assert row["council_median"] == pytest.approx(62.4)
    assert row["mads_from_median"] == pytest.approx(0.766, abs=0.001)
