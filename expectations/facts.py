"""Suites for the Census 2021 population table (TS007) behind the facts page."""

from __future__ import annotations

from expectations.core import Suite

# ONS perturbs Census 2021 counts independently per table: TS007's residents aged 5 and over
# and TS039's base differ by about 1 person per district. 0.1% is far beyond that and far
# below any real mismatch (a wrong table or a wrong column).
TS039_BASE_TOLERANCE = 0.001

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
                f"(usual residents aged 5 and over) within {TS039_BASE_TOLERANCE:.1%}, and "
                "every TS039 district is in TS007.",
    query="""
        select t.area_code,
               abs((p.residents - p.aged_0_4) - t.persons) / greatest(t.persons, 1)
                   as relative_gap
        from staging.census_unpaid_care as t
        left join raw.census_ts007 as p on p.area_code = t.area_code
        where t.census_year = 2021 and t.band = 'total'
    """,
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="relative_gap"),
        x.ExpectColumnValuesToBeBetween(column="relative_gap", min_value=0,
                                        max_value=TS039_BASE_TOLERANCE),
    ],
)
