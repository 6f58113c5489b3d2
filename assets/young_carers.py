"""Young carers: the DfE school-census young-carers table and the young carers' service return."""

from assets.common import national_raw_asset, return_assets, sql_asset
from expectations import young_carers as suites

raw_dfe_young_carers = national_raw_asset(
    "raw_dfe_young_carers", "dfe_young_carers", "young_carers",
    "DfE Schools, pupils and their characteristics, young carers (EES format), as read; the "
    "landing folder's copy supersedes the shipped published figures.")

stg_dfe_young_carers = sql_asset(
    "stg_dfe_young_carers", "young_carers",
    "DfE young-carers rows for England, regions and local authorities, with area codes, "
    "academic years and EES symbols.",
    deps=["raw_dfe_young_carers"], checks=[suites.dfe_young_carers])

young_carers_school_census = sql_asset(
    "young_carers_school_census", "young_carers",
    "Young carers identified in the January school census by area, academic year and school "
    "phase ('all' = all phases): total, by school, by parent, pupil total; the publisher's own "
    "area totals.",
    deps=["stg_dfe_young_carers"], checks=[suites.school_census_totals])

young_carers_reconciliation = sql_asset(
    "young_carers_reconciliation", "young_carers",
    "The strategy's young-carer figures (82 of 45,627 pupils, 2025) checked against the "
    "school-census data held, with the result and why.",
    deps=["young_carers_school_census", "dim_period"])

young_carers_support_assets = return_assets(
    "young_carers_support", "young_carers", checks=[suites.young_carers_support_consistency])
