"""Jobs: `refresh` materialises every asset and runs every check."""

from __future__ import annotations

import dagster as dg

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Read every source, validate, build the indicators and publish a new edition.",
    executor_def=dg.in_process_executor,
)
