"""Reach: newsletter editions, carers web pages, information requests (local returns)."""

from assets.common import return_assets

newsletter_assets = return_assets("newsletter", "reach")
web_assets = return_assets("web", "reach")
information_requests_assets = return_assets("information_requests", "reach")
