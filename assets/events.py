"""Events, sessions and meetings, and group membership (local returns)."""

from assets.common import return_assets

events_assets = return_assets("events", "events")
membership_assets = return_assets("membership", "events")
