"""Suites for the ASCOF carer measures (Office for Local Government adult social care file).

The reader refuses non-numbers and bad labels; these blocking checks confirm what the
indicators read: ONS council codes, one row per year, council and measure, carer quality of
life on its 0-12 scale and percentages 0-100."""

from __future__ import annotations

from expectations.core import Suite

oflog_asc = Suite(
    name="stg_oflog_asc_suite",
    description="Staged Oflog adult social care rows: ONS council codes, financial-year "
                "periods, one row per year, council and measure; ASC1 (ASCOF 1D) scores "
                "0-12 and ASC4 (ASCOF 3D2) percentages 0-100, with their medians likewise.",
    query="select _source_row, period_id, area_code, code, "
          "case when code = 'ASC1' then value end as asc1_value, "
          "case when code = 'ASC1' then council_median end as asc1_median, "
          "case when code = 'ASC4' then value end as asc4_value, "
          "case when code = 'ASC4' then council_median end as asc4_median "
          "from staging.oflog_asc",
    build=lambda x: [
        x.ExpectColumnValuesToNotBeNull(column="period_id"),
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^E\d{8}$"),
        x.ExpectColumnValuesToNotBeNull(column="code"),
        x.ExpectCompoundColumnsToBeUnique(column_list=["period_id", "area_code", "code"]),
        x.ExpectColumnValuesToBeBetween(column="asc1_value", min_value=0, max_value=12),
        x.ExpectColumnValuesToBeBetween(column="asc1_median", min_value=0, max_value=12),
        x.ExpectColumnValuesToBeBetween(column="asc4_value", min_value=0, max_value=100),
        x.ExpectColumnValuesToBeBetween(column="asc4_median", min_value=0, max_value=100),
    ],
    row_id="_source_row",
)

nhsd_ascof_carers = Suite(
    name="stg_nhsd_ascof_carers_suite",
    description="Staged ASCOF 1C1B/1C2B rows: ONS codes, one row per year, area and measure, "
                "numerator within denominator, and each published outcome within 0.1 points "
                "of numerator / denominator (the same measure, not a mislabelled row).",
    query="select period_id, area_code, measure_group, numerator, denominator, "
          "denominator - numerator as non_numerator, "
          "abs(outcome - round(100 * numerator / nullif(denominator, 0), 1)) as outcome_gap "
          "from staging.nhsd_ascof_carers",
    build=lambda x: [
        x.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^E\d{8}$"),
        x.ExpectCompoundColumnsToBeUnique(column_list=["period_id", "area_code",
                                                       "measure_group"]),
        x.ExpectColumnValuesToBeBetween(column="numerator", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="non_numerator", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="outcome_gap", min_value=0, max_value=0.1),
    ],
)
