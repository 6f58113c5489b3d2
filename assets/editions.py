"""published_edition: the immutable, disclosure-controlled edition the Board reports from."""


from collections.abc import Sequence
from datetime import UTC, datetime

import dagster as dg

from assets.resources import CarersResource
from reporting.editions import new_edition_id, publish_edition, unchanged_since
from reporting.facts_page import edition_files
from reporting.small_areas import published_outputs
from reporting.tables import published_tables, raw_inputs
from warehouse.inputs import landing_files_read, what_was_read
from warehouse.returns import rejected_files

# A run with this tag set to "true" publishes even when nothing changed (`carers refresh --force`;
# in the UI, add the tag to the launched run).
FORCE_TAG = "carers/force"


def _check_results(context: dg.AssetExecutionContext) -> list[dict]:
    records = context.instance.get_records_for_run(
        context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    results = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        results.append({"asset": evaluation.asset_key.to_user_string(),
                        "check": evaluation.check_name, "passed": evaluation.passed,
                        "severity": evaluation.severity.value})
    return sorted(results, key=lambda r: (r["asset"], r["check"]))


def _validation_summary(context: dg.AssetExecutionContext) -> list[dict]:
    """Per GX suite run in this refresh: its expectations, how many passed and failed (the
    details are in the Data Docs, which stay internal)."""
    records = context.instance.get_records_for_run(
        context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    summary = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        metadata = evaluation.metadata
        if "expectations_evaluated" not in metadata:
            continue  # not a GX suite (freshness, indicator coverage)
        summary.append({"suite": evaluation.check_name,
                        "asset": evaluation.asset_key.to_user_string(),
                        "expectations": metadata["expectations_evaluated"].value,
                        "passed": metadata["expectations_passed"].value,
                        "failed": metadata["expectations_failed"].value})
    return sorted(summary, key=lambda r: (r["asset"], r["suite"]))


def published_edition_asset(upstream: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """The publish asset, downstream of every other asset: if any step fails, or any blocking
    check fails, nothing is published and `latest` stays on the last good edition."""

    @dg.asset(name="published_edition", group_name="publish", deps=list(upstream),
              description="A new edition under the publish folder (CSV, Parquet, manifest), "
                          "then `latest` moved to it.")
    def _published(context: dg.AssetExecutionContext,
                   carers: CarersResource) -> dg.MaterializeResult:
        return _publish(context, carers)

    return _published


def _publish(context: dg.AssetExecutionContext, carers: CarersResource) -> dg.MaterializeResult:
    catalogue = carers.catalogue()
    with carers.connect() as con:
        tables = published_tables(con, catalogue)
        inputs = raw_inputs(con)
        landing = landing_files_read(con, carers.landing_dir)
        rejected = rejected_files(con)
    read = what_was_read(carers.landing_dir, landing, carers.publish_root)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": context.run_id,
        "warehouse": str(carers.warehouse_path),
        "inputs": inputs,
        # Landing files this refresh could not read at all, with why (nothing from them used).
        "rejected_files": rejected,
        "checks": _check_results(context),
        "read": read,
        "validation": _validation_summary(context),
    }
    edition = new_edition_id(context.run_id)
    extra_tables, extra_files = published_outputs(tables, carers.cache_dir / "charts")
    tables = {**tables, **extra_tables}
    forced = context.run.tags.get(FORCE_TAG, "").lower() == "true"
    same = None if forced else unchanged_since(carers.publish_root, read, tables)
    if same is not None:
        message = (f"Nothing changed since edition {same} (same input files, catalogue and "
                   "code, and the same tables): nothing new was published and `latest` stays "
                   f"on {same}. `carers refresh --force` publishes a new edition anyway.")
        context.log.info(message)
        return dg.MaterializeResult(metadata={
            "edition": same, "published": False, "message": message,
            "path": dg.MetadataValue.path(str(carers.publish_root / same))})
    extra_files = {**(extra_files or {}),
                   **edition_files(tables, edition, carers.cache_dir / "charts")}
    path = publish_edition(carers.publish_root, edition, tables, manifest,
                           extra_files=extra_files or None)
    return dg.MaterializeResult(metadata={
        "edition": edition,
        "published": True,
        "path": dg.MetadataValue.path(str(path)),
        "tables": dg.MetadataValue.json({name: len(t) for name, t in tables.items()}),
        "rejected_files": dg.MetadataValue.json(rejected),
    })
