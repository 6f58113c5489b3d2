"""Where carers live: Rotherham's LSOAs from Census 2021 TS039, their intervals and
significance against the Rotherham average, and the blocking perturbation-tolerance check."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from sources import census
from sources.files import PUBLIC_DIR, SourceFile, sha256_of
from sources.periods import dim_period_rows
from sources.registry import kind_of
from warehouse import db
from warehouse.catalogue import Catalogue, load
from warehouse.indicators import compute

LSOA_FILE = PUBLIC_DIR / "census" / "census2021-ts039-lsoa.csv"
LTLA_FILE = PUBLIC_DIR / "census" / "census2021-ts039-ltla.csv"


def _public(path, kind):
    return SourceFile(path, kind, "public", sha256_of(path))


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.ensure_schemas(con)
    lookup = PUBLIC_DIR / "lookups" / "LAD22_to_RGN22_lookup_England.csv"
    db.replace_table(con, "raw.lookup_lad_region",
                     census.read_lad_region(_public(lookup, "lookup_lad_region")))
    db.create_table_from_sql(con, "marts.dim_area", "dim_area")
    db.replace_table(con, "marts.dim_period", pd.DataFrame(dim_period_rows()))
    db.replace_table(con, "raw.census_ts039",
                     census.read_ts039(_public(LTLA_FILE, "census_ts039_ltla")))
    db.replace_table(con, "raw.census_ts039_lsoa",
                     census.read_ts039(_public(LSOA_FILE, "census_ts039_lsoa")))
    db.create_table_from_sql(con, "marts.census_lsoa_unpaid_care", "census_lsoa_unpaid_care")
    db.create_table_from_sql(con, "marts.census_lsoa_reconciliation",
                             "census_lsoa_reconciliation")
    return con


def test_kind_is_found_by_name():
    assert kind_of(LSOA_FILE) == "census_ts039_lsoa"
    assert kind_of(LTLA_FILE) == "census_ts039_ltla"


def test_170_lsoas_sum_within_tolerance_but_not_exactly_to_the_district():
    con = _warehouse()
    rec = con.sql("select * from marts.census_lsoa_reconciliation").df().set_index("measure")
    carers = rec.loc["providing unpaid care"]
    assert carers["lsoas"] == 170
    assert carers["district_total"] == 26313
    assert carers["lsoa_sum"] == 26319          # perturbed: not equal, and shown as it is
    assert carers["difference"] == 6 and carers["within_tolerance"]
    assert "perturbed" in carers["explanation"]


def test_the_blocking_check_passes_on_the_data_and_fails_when_areas_go_missing():
    from expectations import small_areas as suites
    from expectations.core import run_suite

    con = _warehouse()
    for engine in ("sql", "gx"):
        for suite in (suites.lsoa_sum_within_tolerance, suites.lsoa_counts):
            result = run_suite(con, suite, engine)
            assert result.success, (engine, suite.name, result.failures)
    # Ten LSOAs lost: the sum falls outside the tolerance and the count is wrong.
    con.execute("delete from marts.census_lsoa_unpaid_care where lsoa_code in (select "
                "lsoa_code from marts.census_lsoa_unpaid_care order by lsoa_code limit 10)")
    db.create_table_from_sql(con, "marts.census_lsoa_reconciliation",
                             "census_lsoa_reconciliation")
    for engine in ("sql", "gx"):
        result = run_suite(con, suites.lsoa_sum_within_tolerance, engine)
        assert {f.column for f in result.failures} == {"lsoas", "within_tolerance",
                                                       "abs_difference_pct"}, engine


def test_lsoa_values_intervals_significance_and_rank():
    con = _warehouse()
    full = load()
    cat = Catalogue(full.commitments, full.measures,
                    tuple(i for i in full.indicators if i.sql == "indicators/small_areas.sql"))
    values, lineage, missing = compute(con, cat)
    assert missing == []
    pct = values[values.indicator_id == "lsoa_unpaid_care_pct"]
    lsoas = pct[pct.area_level == "lsoa"]
    assert len(lsoas) == 170 and lsoas.area_code.str.startswith("E01").all()
    district = pct[pct.area_code == "E08000018"].iloc[0]
    assert district["value"] == pytest.approx(100 * 26313 / 251162)
    # Worked by hand from the raw ONS file (census2021-ts039-lsoa.csv) with Wilson's formula
    # (z = 1.959964, z^2 = 3.841459): Rotherham 030B (E01007668) has the highest share,
    # 207 of 1,468: centre 2*207 + z^2 = 417.841459, spread z*sqrt(z^2 + 4*207*(1 - 207/1468))
    # = 52.411550, scale 2*(1468 + z^2) = 2943.682918 -> 12.4140 to 15.9750 per cent.
    # Rotherham 027F (E01034248) has the lowest, 80 of 1,367 -> 4.7272 to 7.2247 per cent.
    by_code = lsoas.set_index("area_code")
    top, bottom = by_code.loc["E01007668"], by_code.loc["E01034248"]
    assert (top["numerator"], top["denominator"]) == (207, 1468)
    assert (top["value"], top["lower_ci"], top["upper_ci"]) == pytest.approx(
        (14.100817, 12.414036, 15.974990), abs=1e-5)
    assert (bottom["numerator"], bottom["denominator"]) == (80, 1367)
    assert (bottom["lower_ci"], bottom["upper_ci"]) == pytest.approx((4.727233, 7.224656),
                                                                     abs=1e-5)
    assert "significantly higher" in top["note"] and "significantly lower" in bottom["note"]
    assert top["note"].startswith("Rank 1 of 170") and bottom["note"].startswith("Rank 170 of")
    # Every note agrees with the interval published beside it (no interval recomputed here).
    for _, row in lsoas.iterrows():
        assert row["lower_ci"] < row["value"] < row["upper_ci"]
        if row["lower_ci"] > district["value"]:
            assert "significantly higher" in row["note"]
        elif row["upper_ci"] < district["value"]:
            assert "significantly lower" in row["note"]
        else:
            assert "not significantly different" in row["note"]
    mine = lineage[(lineage.area_code == "E01007668")
                   & (lineage.indicator_id == "lsoa_unpaid_care_pct")]
    assert mine.source_file.tolist() == ["census2021-ts039-lsoa.csv"]


def test_ranked_table_and_chart_are_built_from_the_published_values():
    from reporting.small_areas import CHART_NAME, published_outputs

    con = _warehouse()
    full = load()
    cat = Catalogue(full.commitments, full.measures,
                    tuple(i for i in full.indicators if i.sql == "indicators/small_areas.sql"))
    values, _, _ = compute(con, cat)
    tables, files = published_outputs({"indicator_values": values})
    ranked = tables["lsoa_carers_ranked"]
    assert len(ranked) == 170 and ranked["rank"].tolist() == list(range(1, 171))
    assert ranked["pct_unpaid_care"].is_monotonic_decreasing
    assert ranked["carers"].sum() == 26319
    assert ranked["carers_50h"].sum() == 9312
    assert files[CHART_NAME][:8] == b"\x89PNG\r\n\x1a\n"
    # Nothing to publish without LSOA values.
    assert published_outputs({"indicator_values": values.iloc[0:0]}) == ({}, {})


def test_the_tolerance_check_is_a_blocking_asset_check():
    from assets.small_areas import census_lsoa_reconciliation

    specs = {spec.name: spec for spec in census_lsoa_reconciliation.check_specs}
    spec = specs["census_lsoa_sum_within_tolerance"]
    assert spec.blocking and spec.asset_key.to_user_string() == "census_lsoa_reconciliation"
