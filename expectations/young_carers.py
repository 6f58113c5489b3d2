"""Suites for the young-carer tables: the staged DfE school-census rows, the per-area totals
built from them, and the staged young carers' service return.

The readers and the return's row rules already refuse or quarantine bad values; these blocking
checks confirm what the indicators read: ONS codes, one row per key, counts that fit inside
their totals, and case references that are pseudonymous."""

from __future__ import annotations

from expectations.core import Suite

# Looser than the reference rule every row passed (sources/returns/values.py REFERENCE).
CASE_REF = r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$"
# Plausibility limit for young carers per 1,000 pupils in one area.
MAX_PER_1000 = 200

dfe_young_carers = Suite(
    name="stg_dfe_young_carers_suite",
    description="Staged DfE young-carers rows: ONS area codes, academic years from 2022/23 "
                "(the first census to record young carers), counts of 0 or more, percentages "
                "0-100, one row per year, area, phase, characteristic and status.",
    query="select _source_row, period_id, academic_year_start, area_code, area_level, phase, "
          "characteristic, young_carer_group, number_of_pupils, denominator, "
          "percent_of_pupils from staging.dfe_young_carers",
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="area_code"),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^[EWSN]\d{8}$"),
        x.ExpectColumnValuesToBeInSet(column="area_level",
                                      value_set=["country", "region", "local_authority"]),
        x.ExpectColumnValuesToNotBeNull(column="period_id"),
        x.ExpectColumnValuesToBeBetween(column="academic_year_start", min_value=2022),
        x.ExpectColumnValuesToBeBetween(column="number_of_pupils", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="denominator", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="percent_of_pupils", min_value=0,
                                        max_value=100),
        x.ExpectCompoundColumnsToBeUnique(column_list=["period_id", "area_code", "phase",
                                                       "characteristic",
                                                       "young_carer_group"]),
    ],
    row_id="_source_row",
)

school_census_totals = Suite(
    name="young_carers_school_census_totals",
    description="Per area and year: young carers do not exceed pupils (nor 200 per 1,000, "
                "a sign the pupil total is not one); identified by school plus by parent do "
                "not exceed the young-carer total; one row per year, area and phase; the "
                "all-phases, all-pupils totals are found.",
    query="select period_id, area_code, phase, pupils - young_carers as pupils_not_young_carers, "
          "young_carers - coalesce(identified_by_school, 0) - coalesce(identified_by_parent, 0)"
          " as total_less_split, young_carers / nullif(pupils, 0) * 1000 as per_1000 "
          ", least(count(*) filter (where phase = 'all') over (), 1)::integer "
          "as has_all_phases "
          "from marts.young_carers_school_census",
    build=lambda x: [
        x.ExpectColumnValuesToBeBetween(column="pupils_not_young_carers", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="total_less_split", min_value=0),
        # England records about 6 per 1,000. Far above that means the pupil total is not one
        # (e.g. a "Total" status that counts young carers, not all pupils): stop, do not publish.
        x.ExpectColumnValuesToBeBetween(column="per_1000", min_value=0,
                                        max_value=MAX_PER_1000),
        x.ExpectCompoundColumnsToBeUnique(column_list=["period_id", "area_code", "phase"]),
        # A file whose all-phases, all-pupils totals cannot be found (renamed labels) would
        # otherwise publish nothing without saying why.
        x.ExpectTableRowCountToBeBetween(min_value=1),
        x.ExpectColumnValuesToBeInSet(column="has_all_phases", value_set=[1]),
    ],
)

young_carers_support_consistency = Suite(
    name="stg_young_carers_support_consistency",
    description="Staged young carers' service rows: case references are pseudonymous tokens; "
                "assessment and support follow referral; support ends after it starts; "
                "one-to-one and group support have a start date.",
    query="select _source_row, case_ref, assessment_date - referral_date as days_to_assessment, "
          "support_start - referral_date as days_to_support, "
          "support_end - support_start as support_days, "
          "(support_type in ('one_to_one', 'group') and support_start is null)::integer "
          "as support_without_start "
          "from staging.young_carers_support",
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="case_ref"),
        x.ExpectColumnValuesToMatchRegex(column="case_ref", regex=CASE_REF),
        x.ExpectColumnValuesToBeBetween(column="days_to_assessment", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="days_to_support", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="support_days", min_value=0),
        x.ExpectColumnValuesToBeInSet(column="support_without_start", value_set=[0]),
    ],
    row_id="_source_row",
    personal_columns=("case_ref",),
)
