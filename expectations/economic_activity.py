"""Suite for the Census 2021 economic activity table (TS066)."""

from __future__ import annotations

from expectations.core import Suite

census_ts066 = Suite(
    name="raw_census_ts066_suite",
    description="TS066 counts are whole and not negative, one row per area, with ONS codes; "
                "the inactive are among all residents aged 16 and over, and the two reasons "
                "shown are among the inactive.",
    query="select area_code, residents_16_plus, inactive, looking_after_home, long_term_sick, "
          "inactive <= residents_16_plus "
          "and looking_after_home + long_term_sick <= inactive as parts_within_totals "
          "from raw.census_ts066",
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="residents_16_plus"),
        x.ExpectColumnValuesToBeBetween(column="residents_16_plus", min_value=1),
        x.ExpectColumnValuesToBeBetween(column="inactive", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="looking_after_home", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="long_term_sick", min_value=0),
        x.ExpectColumnValuesToBeInSet(column="parts_within_totals", value_set=[True]),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^[EW]\d{8}$"),
        x.ExpectColumnValuesToBeUnique(column="area_code"),
    ],
)
