"""Suites for Rotherham's small areas (Census 2021 TS039 by LSOA)."""

from __future__ import annotations

from expectations.core import Suite

ROTHERHAM_LSOAS = 170  # LSOA 2021 areas in Rotherham (ONS)

lsoa_sum_within_tolerance = Suite(
    name="census_lsoa_sum_within_tolerance",
    description="Rotherham's 170 LSOAs are all found, and their perturbed counts (residents, "
                "carers, carers of 50+ hours) sum to within 0.5% of the district's own "
                "TS039 totals; beyond that the areas are wrong, not noisy.",
    query="select measure, lsoas, within_tolerance::integer as within_tolerance, "
          "abs(difference_pct) as abs_difference_pct "
          "from marts.census_lsoa_reconciliation",
    build=lambda x: [
        x.ExpectTableRowCountToBeBetween(min_value=3, max_value=3),
        x.ExpectColumnValuesToBeBetween(column="lsoas", min_value=ROTHERHAM_LSOAS,
                                        max_value=ROTHERHAM_LSOAS),
        x.ExpectColumnValuesToBeInSet(column="within_tolerance", value_set=[1]),
        x.ExpectColumnValuesToBeBetween(column="abs_difference_pct", min_value=0,
                                        max_value=0.5),
    ],
)

lsoa_counts = Suite(
    name="census_lsoa_unpaid_care_counts",
    description="Rotherham LSOA rows: LSOA codes, one row each, carers within residents and "
                "50+ hour carers within carers.",
    query="select _source_row, lsoa_code, residents_5_plus - carers as non_carers, "
          "carers - carers_50_plus as carers_under_50 from marts.census_lsoa_unpaid_care",
    build=lambda x: [
        x.ExpectColumnValuesToMatchRegex(column="lsoa_code", regex=r"^E01\d{6}$"),
        x.ExpectColumnValuesToBeUnique(column="lsoa_code"),
        x.ExpectColumnValuesToBeBetween(column="non_carers", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="carers_under_50", min_value=0),
    ],
    row_id="_source_row",
)
