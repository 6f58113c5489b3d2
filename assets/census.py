"""Census unpaid care: ONS TS039 (2021) and QS301EW (2011) by district."""


from assets.common import national_raw_asset, sql_asset
from expectations import census as suites

raw_census_ts039 = national_raw_asset(
    "raw_census_ts039", "census_ts039_ltla", "census",
    "Census 2021 TS039 unpaid care by district, as read from the Nomis file, with lineage.")

raw_census_qs301 = national_raw_asset(
    "raw_census_qs301", "census_qs301_la", "census",
    "Census 2011 QS301EW unpaid care by 2011 district, as read from the Nomis file.")

stg_census_unpaid_care = sql_asset(
    "stg_census_unpaid_care", "census",
    "Census unpaid care by census, 2021 district and band of weekly hours (2011 mapped to "
    "2021 districts).",
    deps=["raw_census_ts039", "raw_census_qs301", "raw_lookup_lad11_lad21"],
    checks=[suites.census_unpaid_care, suites.census_band_sums])
