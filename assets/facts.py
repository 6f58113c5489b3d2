"""Facts about carers: the Census 2021 population (TS007) the strategy's facts page quotes."""


from assets.common import national_raw_asset
from sources import census

raw_census_ts007 = national_raw_asset(
    "raw_census_ts007", "census_ts007_ltla", census.read_ts007, "census",
    "Census 2021 TS007 all usual residents (and those aged 4 and under) by district, as read "
    "from the Nomis file, with lineage.")
