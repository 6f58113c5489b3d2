"""Reach: newsletter editions, carers web pages, information requests (local returns)."""

from assets.common import return_assets
from expectations import reach as suites

newsletter_assets = return_assets("newsletter", "reach",
                                  checks=[suites.newsletter_consistency])
web_assets = return_assets("web", "reach", checks=[suites.web_consistency])
information_requests_assets = return_assets("information_requests", "reach")
