"""Facts about carers: the Census 2021 population (TS007) the strategy's facts page quotes."""


from assets.common import gx_check, national_raw_asset
from expectations import facts as suites

raw_census_ts007 = national_raw_asset(
    "raw_census_ts007", "census_ts007_ltla", "census",
    "Census 2021 TS007 all usual residents (and those aged 4 and under) by district, as read "
    "from the Nomis file, with lineage.", checks=[suites.census_ts007])

facts_checks = [
    gx_check("raw_census_ts007", suites.census_ts007_matches_ts039,
             additional_deps=["stg_census_unpaid_care"]),
]
