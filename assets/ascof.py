"""ASCOF carer measures: the Office for Local Government adult social care file."""

from assets.common import national_raw_asset, sql_asset
from expectations import ascof as suites

raw_oflog_asc = national_raw_asset(
    "raw_oflog_asc", "oflog_asc", "ascof",
    "Office for Local Government adult social care metrics (ASC1 = ASCOF 1D, ASC4 = ASCOF "
    "3D2, ...), as read; a copy in the landing folder supersedes the shipped one.")

stg_oflog_asc = sql_asset(
    "stg_oflog_asc", "ascof",
    "Oflog adult social care rows per financial year, council and measure, with the median "
    "of all councils and MADs from the median.",
    deps=["raw_oflog_asc"], checks=[suites.oflog_asc])

raw_nhsd_ascof = national_raw_asset(
    "raw_nhsd_ascof", "nhsd_ascof", "ascof",
    "NHS Digital ASCOF open data (long format, councils, regions, England), as read.")

stg_nhsd_ascof_carers = sql_asset(
    "stg_nhsd_ascof_carers", "ascof",
    "ASCOF 1C1B and 1C2B (all ages) per financial year and area: numerator, denominator and "
    "the published outcome.",
    deps=["raw_nhsd_ascof"], checks=[suites.nhsd_ascof_carers])
