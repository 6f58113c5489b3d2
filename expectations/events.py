"""Suites over the staged events and membership returns (blocking unless said otherwise).

Row rules already quarantined bad rows (dates in the future, negative or implausible counts,
unknown event types, repeated event ids); these check what was loaded again, plus relations the
indicators rely on, so a fault in those rules cannot reach a published table."""

from __future__ import annotations

from expectations.core import Suite
from sources.returns.contract import MAX_ATTENDANCE

events_plausible = Suite(
    name="stg_events_plausible",
    description="Staged events: none dated after today; attendance counts between 0 and the "
                f"plausibility limit ({MAX_ATTENDANCE:,}); carer representatives are among the "
                "carers attending; event ids unique within each organiser.",
    query="select _source_row, organiser || ' / ' || event_id as organiser_event, "
          "event_date - current_date as days_after_today, carers_attending, "
          "young_carers_attending, professionals_attending, "
          "carers_attending - coalesce(carer_reps_attending, 0) as carers_not_reps "
          "from staging.events",
    build=lambda x: [
        x.ExpectColumnValuesToBeBetween(column="days_after_today", max_value=0),
        *[x.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=MAX_ATTENDANCE)
          for c in ("carers_attending", "young_carers_attending", "professionals_attending")],
        x.ExpectColumnValuesToBeBetween(column="carers_not_reps", min_value=0),
        x.ExpectColumnValuesToBeUnique(column="organiser_event"),
    ],
    row_id="_source_row",
)

membership_plausible = Suite(
    name="stg_membership_plausible",
    description="Staged membership counts: dated on or before today, members between 0 and "
                "1,000, one count per group and date.",
    query="select _source_row, \"group\" || ' ' || as_at as group_date, "
          "as_at - current_date as days_after_today, members from staging.membership",
    build=lambda x: [
        x.ExpectColumnValuesToBeBetween(column="days_after_today", max_value=0),
        x.ExpectColumnValuesToBeBetween(column="members", min_value=0, max_value=1000),
        x.ExpectColumnValuesToBeUnique(column="group_date"),
    ],
    row_id="_source_row",
)

# Not blocking: it compares two returns (maybe from different senders); a mean attendance above
# the membership count is published with this warning rather than stopping every table.
network_attendance_within_membership = Suite(
    name="network_attendance_within_membership",
    description="WARN: mean attendance at network meetings does not exceed the network's "
                "membership at the year's latest count.",
    query="""
        with a as (select financial_year, avg(carers_attending
                          + coalesce(professionals_attending, 0)) as mean_attendance
                   from staging.events where event_type = 'network_meeting'
                   group by financial_year),
             m as (select financial_year, arg_max(members, as_at) as members
                   from staging.membership where "group" = 'network' group by financial_year)
        select a.financial_year, m.members - a.mean_attendance as members_less_attendance
        from a join m using (financial_year)
    """,
    build=lambda x: [x.ExpectColumnValuesToBeBetween(column="members_less_attendance",
                                                     min_value=0)],
    row_id="financial_year",
)
