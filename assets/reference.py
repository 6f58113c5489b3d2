"""Reference dimensions: areas (ONS lookups) and periods."""


import dagster as dg
import pandas as pd

from assets.common import gx_check, materialized, national_raw_asset, sql_asset
from assets.resources import CarersResource
from expectations import census as suites
from sources.periods import dim_period_rows
from warehouse import db

raw_lookup_lad11_lad21 = national_raw_asset(
    "raw_lookup_lad11_lad21", "lookup_lad11_lad21", "reference",
    "ONS lookup from 2011 to 2021 local authority districts.")

raw_lookup_lad_region = national_raw_asset(
    "raw_lookup_lad_region", "lookup_lad_region", "reference",
    "ONS lookup from districts (December 2022) to regions, England.")

dim_area = sql_asset(
    "dim_area", "reference",
    "English districts, regions and England with their parents; regions and England are "
    "sums of districts and say so.",
    deps=["raw_lookup_lad_region"], checks=[suites.area_shape])


@dg.asset(group_name="reference", kinds={"duckdb"},
          metadata={"dagster/table_name": "marts.dim_period"})
def dim_period(carers: CarersResource) -> dg.MaterializeResult:
    """Census days, financial and academic years, months and quarters, with their labels."""
    with carers.connect() as con:
        db.replace_table(con, "marts.dim_period", pd.DataFrame(dim_period_rows()))
        return materialized(con, "marts.dim_period")


reference_checks = [
    gx_check("dim_area", suites.districts_map_to_regions,
             additional_deps=["stg_census_unpaid_care"]),
]
