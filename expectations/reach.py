"""Suites over the staged reach returns (newsletter, web): the numbers agree with each other.

The row rules already quarantined bad values; these check relations between staged columns
that the indicators rely on (an open rate above 100% or more users than page views would be
published otherwise)."""

from __future__ import annotations

from expectations.core import Suite

newsletter_consistency = Suite(
    name="stg_newsletter_consistency",
    description="Each edition: delivered <= subscribers, unique opens <= delivered, unique "
                "clicks <= unique opens (blanks not checked).",
    query="select _source_row, subscribers - delivered as undelivered, "
          "delivered - unique_opens as not_opened, unique_opens - unique_clicks as not_clicked "
          "from staging.newsletter",
    build=lambda x: [
        x.ExpectColumnValuesToBeBetween(column="undelivered", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="not_opened", min_value=0),
        x.ExpectColumnValuesToBeBetween(column="not_clicked", min_value=0),
    ],
    row_id="_source_row",
)

web_consistency = Suite(
    name="stg_web_consistency",
    description="Each month: users do not exceed page views (every user views a page).",
    query="select _source_row, page_views - users as views_less_users from staging.web",
    build=lambda x: [x.ExpectColumnValuesToBeBetween(column="views_less_users", min_value=0)],
    row_id="_source_row",
)
