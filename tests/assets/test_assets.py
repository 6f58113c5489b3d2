"""The middle rung of the ladder: an asset function called directly with a resource, and
`dg.materialize` on a small selection of real assets and checks, on a temporary warehouse."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from assets import census, economic_activity, reference
from assets.resources import CarersResource


@pytest.fixture
def carers(tmp_path) -> CarersResource:
    return CarersResource(warehouse=str(tmp_path / "w.duckdb"), publish=str(tmp_path / "pub"),
                          landing=str(tmp_path / "landing"))


def test_a_raw_asset_called_directly_loads_its_table(carers):
    result = economic_activity.raw_census_ts066(context=dg.build_asset_context(),
                                                carers=carers)
    assert result.metadata["dagster/row_count"] == 331
    # its own suite ran in the same call
    [check] = result.check_results
    assert (check.check_name, check.passed) == ("raw_census_ts066_suite", True)
    assert result.metadata["table"] == "raw.census_ts066"
    [source] = result.metadata["inputs"].value
    assert source["file"] == "census2021-ts066-economic-activity-ltla.csv"
    assert source["origin"] == "public"
    con = duckdb.connect(str(carers.warehouse_path), read_only=True)
    try:
        assert con.execute("select inactive from raw.census_ts066 where area_code = ?",
                           ["E08000018"]).fetchone() == (90_917,)
    finally:
        con.close()


@pytest.mark.parametrize("shared", [False, True])
def test_the_parsed_file_is_kept_beside_the_warehouse_or_in_the_cache_folder(tmp_path, shared):
    cache = tmp_path / "shared-cache"
    carers = CarersResource(warehouse=str(tmp_path / "wh" / "w.duckdb"),
                            publish=str(tmp_path / "pub"), landing=str(tmp_path / "landing"),
                            cache=str(cache) if shared else "")
    economic_activity.raw_census_ts066(context=dg.build_asset_context(), carers=carers)
    beside = tmp_path / "wh" / "cache"
    kept = sorted(p.name for p in (cache if shared else beside).glob("*.parquet"))
    assert len(kept) == 1 and kept[0].startswith("census_ts066_ltla-")
    assert not (beside if shared else cache).exists()


def test_materialize_a_selection_with_its_checks(carers):
    assets = [census.raw_census_ts039, census.raw_census_qs301,
              reference.raw_lookup_lad11_lad21, census.stg_census_unpaid_care]
    result = dg.materialize(assets, resources={"carers": carers},
                            raise_on_error=False)
    assert result.success
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"raw_census_ts039", "raw_census_qs301", "raw_lookup_lad11_lad21",
                     "stg_census_unpaid_care"}
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks == {"stg_census_unpaid_care_suite": True,
                      "stg_census_unpaid_care_band_sums": True}
    con = duckdb.connect(str(carers.warehouse_path), read_only=True)
    try:
        # Rotherham's 2021 carers as ONS publishes them (TS039: 10,971 + 6,030 + 9,312).
        assert con.execute(
            "select sum(persons) from staging.census_unpaid_care where area_code = ? and "
            "census_year = 2021 and band in ('hours_1_19', 'hours_20_49', 'hours_50_plus')",
            ["E08000018"]).fetchone() == (26_313,)
    finally:
        con.close()
