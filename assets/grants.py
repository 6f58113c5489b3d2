"""Grants: applications and awards, and the monitoring returns on awarded grants."""

from assets.common import return_assets
from expectations import grants as suites

grant_awards_assets = return_assets("grant_awards", "grants")
# Outcomes are checked against the awards: a return for a grant never awarded is quarantined
# (warehouse.returns.CROSS_RULES), and the blocking check below confirms none was loaded.
grant_outcomes_assets = return_assets("grant_outcomes", "grants",
                                      staging_deps=["stg_grant_awards"],
                                      checks=[suites.grant_outcomes_awarded])
