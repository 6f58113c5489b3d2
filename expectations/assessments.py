"""Suite over staged carers' assessments: waits are not negative and needs met do not exceed
needs identified (the quarantine rules, checked again on what the indicators read)."""

from __future__ import annotations

from expectations.core import Suite

carer_assessments_consistency = Suite(
    name="stg_carer_assessments_consistency",
    description="Completed assessments have a wait of 0 days or more; needs met at review do "
                "not exceed needs identified; every row has a financial year.",
    query="select _source_row, completed_date - request_date as wait_days, "
          "needs_identified - needs_met as needs_unmet, financial_year "
          "from staging.carer_assessments",
    build=lambda x: [
        x.ExpectColumnValuesToBeBetween(column="wait_days", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="needs_unmet", min_value=0),
        x.ExpectColumnValuesToNotBeNull(column="financial_year"),
    ],
    row_id="_source_row",
)
