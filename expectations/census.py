"""Suites for the staged census tables and the area lookups."""

from __future__ import annotations

from expectations.core import Suite

# Within one area ONS perturbation keeps TS039 and QS301EW additive: the bands sum to the total
# exactly in the shipped files. We allow 0.1% of the total before calling it a defect.
BAND_SUM_TOLERANCE = 0.001
BANDS = ["total", "no_care", "hours_1_19", "hours_20_49", "hours_50_plus"]

census_unpaid_care = Suite(
    name="stg_census_unpaid_care_suite",
    description="Staged census counts are whole, non-negative, one row per census, area and "
                "band, with ONS area codes.",
    query="select census_year, area_code, band, persons, typeof(persons) as persons_type "
          "from staging.census_unpaid_care",
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="area_code"),
        x.ExpectColumnValuesToNotBeNull(column="persons"),
        x.ExpectColumnValuesToBeBetween(column="persons", min_value=0),
        x.ExpectColumnValuesToBeInSet(column="persons_type", value_set=["BIGINT"]),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^[EW]\d{8}$"),
        x.ExpectColumnValuesToBeInSet(column="band", value_set=BANDS),
        x.ExpectColumnValuesToBeInSet(column="census_year", value_set=[2011, 2021]),
        x.ExpectCompoundColumnsToBeUnique(column_list=["census_year", "area_code", "band"]),
    ],
)

census_band_sums = Suite(
    name="stg_census_unpaid_care_band_sums",
    description=f"In every area the care bands add up to the total (tolerance "
                f"{BAND_SUM_TOLERANCE:.1%} of the total, for ONS perturbation).",
    query="""
        select census_year, area_code,
               abs(sum(persons) filter (where band = 'total')
                   - sum(persons) filter (where band <> 'total'))
               / greatest(sum(persons) filter (where band = 'total'), 1) as relative_gap
        from staging.census_unpaid_care
        group by census_year, area_code
    """,
    build=lambda x: [
        x.ExpectColumnValuesToBeBetween(column="relative_gap", min_value=0,
                                        max_value=BAND_SUM_TOLERANCE),
    ],
)

districts_map_to_regions = Suite(
    name="dim_area_covers_census",
    description="Every English district in each census maps to a district of dim_area, and "
                "so to a region; there are 309 districts in 9 regions.",
    query="""
        select s.census_year, s.area_code, a.region_code
        from (select distinct census_year, area_code from staging.census_unpaid_care
              where area_code like 'E%') as s
        left join marts.dim_area as a on a.area_code = s.area_code and a.area_level = 'district'
    """,
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="region_code"),
        x.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^E12\d{6}$"),
    ],
)

area_shape = Suite(
    name="dim_area_shape",
    description="dim_area has unique codes, about 300 English districts (309 in the 2022 "
                "lookup), 9 regions and England.",
    query="select area_code, area_level, parent_code from marts.dim_area",
    build=lambda x: [
        x.ExpectColumnValuesToBeUnique(column="area_code"),
        x.ExpectColumnValuesToBeInSet(column="area_level",
                                      value_set=["district", "region", "country"]),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^E(?:0[6789]|12|92)\d{6}$"),
        x.ExpectTableRowCountToBeBetween(min_value=290 + 10, max_value=340 + 10),
    ],
)
