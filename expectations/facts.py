"""Suites for the Census 2021 population table (TS007) behind the facts page."""

from __future__ import annotations

from expectations.core import Suite

# ONS perturbs Census 2021 counts independently per table: TS007's residents aged 5 and over
# and TS039's base differ by a few people per district (Rotherham 1; the Isles of Scilly 4 of
# 1,957). Allowed: 10 people or 0.1%, whichever is larger; a wrong table or column is far off.
TS039_BASE_TOLERANCE = 0.001
TS039_BASE_TOLERANCE_PEOPLE = 10

census_ts007 = Suite(
    name="raw_census_ts007_suite",
    description="TS007 counts are whole and positive, one row per area, with ONS codes; "
                "residents aged 4 and under are fewer than all residents.",
    query="select area_code, residents, aged_0_4, aged_0_4 < residents as under_5_within_total "
          "from raw.census_ts007",
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="residents"),
        x.ExpectColumnValuesToBeBetween(column="residents", min_value=1),
        x.ExpectColumnValuesToBeBetween(column="aged_0_4", min_value=0),
        x.ExpectColumnValuesToBeInSet(column="under_5_within_total", value_set=[True]),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^[EW]\d{8}$"),
        x.ExpectColumnValuesToBeUnique(column="area_code"),
    ],
)

census_ts007_matches_ts039 = Suite(
    name="raw_census_ts007_matches_ts039_base",
    description=f"In every district TS007's residents aged 5 and over agree with TS039's base "
                f"(usual residents aged 5 and over) within {TS039_BASE_TOLERANCE_PEOPLE} people "
                f"or {TS039_BASE_TOLERANCE:.1%}, whichever is larger, and every TS039 district "
                "is in TS007.",
    query="""
        select t.area_code,
               abs((p.residents - p.aged_0_4) - t.persons)
                   - greatest($tolerance_people, $tolerance_share * t.persons)
                   as gap_beyond_tolerance
        from staging.census_unpaid_care as t
        left join raw.census_ts007 as p on p.area_code = t.area_code
        where t.census_year = 2021 and t.band = 'total'
    """,
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="gap_beyond_tolerance"),
        x.ExpectColumnValuesToBeBetween(column="gap_beyond_tolerance", max_value=0),
    ],
    params=(("tolerance_people", TS039_BASE_TOLERANCE_PEOPLE),
            ("tolerance_share", TS039_BASE_TOLERANCE)),
)
