"""Reach: newsletter editions, carers web pages, information requests (local returns)."""

from assets.common import gx_check, return_assets
from expectations import reach as suites

newsletter_assets = [*return_assets("newsletter", "reach"),
                     gx_check("stg_newsletter", suites.newsletter_consistency)]
web_assets = [*return_assets("web", "reach"), gx_check("stg_web", suites.web_consistency)]
information_requests_assets = return_assets("information_requests", "reach")
