"""Economic activity of all residents aged 16 and over (Census 2021 TS066): context for the
strategy's carers-only employment figures."""

from assets.common import national_raw_asset
from expectations import economic_activity as suites

raw_census_ts066 = national_raw_asset(
    "raw_census_ts066", "census_ts066_ltla", "census",
    "Census 2021 TS066 economic activity of usual residents aged 16 and over by district, as "
    "read from the Nomis file, with lineage.", checks=[suites.census_ts066])
