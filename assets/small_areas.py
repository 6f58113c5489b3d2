"""Where carers live: Census 2021 TS039 for Rotherham's small areas (LSOA 2021)."""

from assets.common import national_raw_asset, sql_asset
from expectations import small_areas as suites

raw_census_ts039_lsoa = national_raw_asset(
    "raw_census_ts039_lsoa", "census_ts039_lsoa", "small_areas",
    "Census 2021 TS039 unpaid care by LSOA 2021 (England and Wales), as read, with lineage.")

census_lsoa_unpaid_care = sql_asset(
    "census_lsoa_unpaid_care", "small_areas",
    "Rotherham's LSOAs: residents aged 5+, carers and carers of 50+ hours a week (2021).",
    deps=["raw_census_ts039_lsoa"], checks=[suites.lsoa_counts])

census_lsoa_reconciliation = sql_asset(
    "census_lsoa_reconciliation", "small_areas",
    "Rotherham's LSOA counts summed against the district total: the perturbation difference "
    "and the 0.5% tolerance it is checked against (published).",
    deps=["census_lsoa_unpaid_care", "raw_census_ts039"],
    checks=[suites.lsoa_sum_within_tolerance])
