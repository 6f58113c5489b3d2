"""Suites over the staged grant returns: outcomes belong to awarded grants and improvements
do not exceed respondents (the quarantine rules, checked again on what was loaded)."""

from __future__ import annotations

from expectations.core import Suite

grant_outcomes_awarded = Suite(
    name="stg_grant_outcomes_awarded",
    description="Every staged monitoring return is for a grant awarded in the grant_awards "
                "return; improvements in each domain do not exceed respondents.",
    query="""
        select o._source_row,
               exists (select 1 from staging.grant_awards as a
                       where a.grant_id = o.grant_id and a.decision = 'awarded') as awarded,
               o.respondents - greatest(o.improved_physical, o.improved_social,
                                        o.improved_mental, o.improved_emotional)
                   as respondents_less_improved
        from staging.grant_outcomes as o
    """,
    build=lambda x: [
        x.ExpectColumnValuesToBeInSet(column="awarded", value_set=[True]),
        x.ExpectColumnValuesToBeBetween(column="respondents_less_improved", min_value=0),
    ],
    row_id="_source_row",
)
