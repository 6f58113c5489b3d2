"""The Dagster definitions: every asset, check, resource, job, schedule and sensor."""

from __future__ import annotations

import dagster as dg

import assets
from assets.common import with_project_metadata
from assets.editions import published_edition_asset
from assets.freshness import monthly_policy
from pipelines.jobs import refresh_job
from pipelines.schedules import monthly_refresh
from pipelines.sensors import landing_sensor
from pipelines.settings import carers_resource

domain_assets = dg.load_assets_from_package_module(assets)
resource = carers_resource()

defs = dg.Definitions(
    # Publishing waits for every other asset: one failure anywhere and nothing is published.
    # Every asset gets its owners, domain and commitment tags and code references.
    assets=with_project_metadata(
        [*domain_assets, published_edition_asset([key for a in domain_assets for key in a.keys])],
        resource.catalogue(),
        # The monthly schedule: a warning after 32 days without a refresh, a failure after 40.
        {name: monthly_policy() for name in ("indicator_values", "published_edition")}),
    asset_checks=dg.load_asset_checks_from_package_module(assets),
    jobs=[refresh_job],
    schedules=[monthly_refresh],
    sensors=[landing_sensor],
    resources={"carers": resource},
    # DuckDB allows one writing process, and in-process runs start in seconds (STACK-NOTES).
    executor=dg.in_process_executor,
)
