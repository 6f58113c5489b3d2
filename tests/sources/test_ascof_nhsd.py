"""ASCOF 1C1B/1C2B from NHS Digital's 2020-21 open data: the reader refuses bad cells by
file, row, column and rule; Rotherham's figures rest on 8 carers and are flagged [u]; the
region and England rows are the publisher's own, used as comparators."""

from __future__ import annotations

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

ROTHERHAM, YORKS, ENGLAND = "E08000018", "E12000003", "E92000001"
SHIPPED = PUBLIC_DIR / "ascof" / "meas-from-asc-of-eng-2021-open-data-csv_v2.xlsx"


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return ascof.read_nhsd_ascof(SourceFile(SHIPPED, "nhsd_ascof", "public",
                                            sha256_of(SHIPPED)))


@pytest.fixture(scope="module")
def carers_rows() -> pd.DataFrame:
    """The shipped workbook's 1C1B/1C2B rows as text, read once (calamine: the same text as
    openpyxl for these rows, in a quarter of the time); each test edits its own copy."""
    frame = pd.read_excel(SHIPPED, dtype=str, keep_default_na=False, engine="calamine")
    return frame[frame["ASCOF Measure Code"].isin(["1C1B", "1C2B"])].reset_index(drop=True)


def _small_copy(tmp_path: Path, rows: pd.DataFrame, edit=None) -> Path:
    frame = rows.copy()
    if edit:
        edit(frame)
    path = tmp_path / "meas-from-asc-of-eng-2021-open-data-csv_v2.xlsx"
    frame.to_excel(path, index=False)
    return path


def test_kind_by_name():
    assert kind_of(SHIPPED) == "nhsd_ascof"


def test_a_value_of_x_text_is_refused_with_row_column_and_rule(tmp_path, carers_rows):
    def put_x(frame):
        frame.loc[3, "Measure Value"] = "x"
    path = _small_copy(tmp_path, carers_rows, put_x)
    with pytest.raises(SourceError) as err:
        ascof.read_nhsd_ascof(SourceFile(path, "nhsd_ascof", "landing", sha256_of(path)))
    [problem] = err.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "Measure Value", "x")
    assert "number" in problem.rule


def test_a_renamed_column_is_refused(tmp_path, carers_rows):
    def rename(frame):
        frame.rename(columns={"Measure Value": "Value"}, inplace=True)
    path = _small_copy(tmp_path, carers_rows, rename)
    with pytest.raises(SourceError) as err:
        ascof.read_nhsd_ascof(SourceFile(path, "nhsd_ascof", "landing", sha256_of(path)))
    assert (err.value.problems[0].row, err.value.problems[0].column) == (1, "Measure Value")


def _warehouse(raw: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.ensure_schemas(con)
    lookup = PUBLIC_DIR / "lookups" / "LAD22_to_RGN22_lookup_England.csv"
    db.replace_table(con, "raw.lookup_lad_region", census.read_lad_region(
        SourceFile(lookup, "lookup_lad_region", "public", sha256_of(lookup))))
    db.create_table_from_sql(con, "marts.dim_area", "dim_area")
    db.replace_table(con, "marts.dim_period", pd.DataFrame(dim_period_rows()))
    db.replace_table(con, "raw.nhsd_ascof", raw)
    db.create_table_from_sql(con, "staging.nhsd_ascof_carers", "stg_nhsd_ascof_carers")
    return con


def test_rotherham_rests_on_8_carers_and_is_low_reliability(shipped):
    con = _warehouse(shipped)
    full = load()
    cat = Catalogue(full.commitments, full.measures,
                    tuple(i for i in full.indicators if i.sql == "indicators/ascof_nhsd.sql"))
    values, lineage, missing = compute(con, cat)
    assert missing == []
    v = values.set_index(["indicator_id", "area_code", "period_id"])
    sds = v.loc[("ascof_1c1b_carers_self_directed_support", ROTHERHAM, "FY2020")]
    assert (sds["numerator"], sds["denominator"], sds["value"]) == (8, 8, 100)
    assert sds["symbol"] == "[u]" and "only 8 carers" in sds["note"]
    assert sds["lower_ci"] < 70  # eight carers: a very wide interval
    dp = v.loc[("ascof_1c2b_carers_direct_payments", ROTHERHAM, "FY2020")]
    assert dp["value"] == pytest.approx(62.5) and dp["symbol"] == "[u]"
    # Region and England are the publisher's totals and are the comparators.
    assert sds["region_value"] == pytest.approx(100 * 5543 / 7130)
    assert sds["england_value"] == pytest.approx(100 * 93484 / 107384)
    assert not v.loc[("ascof_1c1b_carers_self_directed_support", YORKS, "FY2020")][
        "is_sum_of_districts"]
    big = v.loc[("ascof_1c1b_carers_self_directed_support", ENGLAND, "FY2020")]
    assert pd.isna(big["symbol"])
    # The figure traces to the three workbook rows it came from (outcome, numerator, denominator).
    rows = lineage[(lineage.area_code == ROTHERHAM)
                   & (lineage.indicator_id == "ascof_1c1b_carers_self_directed_support")]
    assert rows.source_rows.tolist() == ["9976-9978"]


def test_suite_passes_and_catches_a_numerator_above_its_denominator(shipped):
    from expectations import ascof as suites
    from expectations.core import run_suite

    con = _warehouse(shipped)
    for engine in ("sql", "gx"):
        assert run_suite(con, suites.nhsd_ascof_carers, engine).success, engine
    con.execute("update staging.nhsd_ascof_carers set numerator = 9 "
                f"where area_code = '{ROTHERHAM}' and measure_group = '1C1B'")
    for engine in ("sql", "gx"):
        result = run_suite(con, suites.nhsd_ascof_carers, engine)
        assert {f.column for f in result.failures} == {"non_numerator", "outcome_gap"}, engine


def test_council_median_and_rank_columns(shipped):
    con = _warehouse(shipped)
    full = load()
    cat = Catalogue(full.commitments, full.measures,
                    tuple(i for i in full.indicators if i.sql == "indicators/ascof_nhsd.sql"))
    v = compute(con, cat)[0].set_index(["indicator_id", "area_code", "period_id"])
    dp = v.loc[("ascof_1c2b_carers_direct_payments", ROTHERHAM, "FY2020")]
    assert dp["council_rank"] == 112 and dp["council_rank_of"] == 147
    assert dp["council_median"] == pytest.approx(100.0)
    # Regions and England are not ranked among councils.
    assert pd.isna(v.loc[("ascof_1c2b_carers_direct_payments", YORKS, "FY2020")]["council_rank"])
