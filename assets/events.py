"""Events, sessions and meetings, and group membership (local returns)."""

from assets.common import gx_check, return_assets
from expectations import events as suites

events_assets = return_assets("events", "events", checks=[suites.events_plausible])
membership_assets = [*return_assets("membership", "events",
                                    checks=[suites.membership_plausible]),
                     gx_check("stg_membership", suites.network_attendance_within_membership,
                              additional_deps=["stg_events"], blocking=False)]
