"""Small factories shared by the domain modules: national raw tables and GX-backed checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa

from assets.checks import to_check_result
from assets.resources import CarersResource
from expectations.core import Suite, run_suite
from expectations.returns import contract_suite
from sources.cache import cached_read
from sources.errors import SourceError, fail
from sources.files import SourceFile, sha256_of
from sources.registry import national_files, source_kind
from sources.returns.contract import get as get_return
from sources.returns.read import read_return
from warehouse import db
from warehouse import returns as returns_db
from warehouse.audit_log import AuditLog, record_loads


def materialized(con: duckdb.DuckDBPyConnection, table: str, masked: Sequence[str] = (),
                 **extra: object) -> dg.MaterializeResult:
    """MaterializeResult with the table's row count and a preview for the UI; `masked`
    columns (personal) are shown as [masked], so their values never reach run storage."""
    return dg.MaterializeResult(metadata={
        "dagster/row_count": db.row_count(con, table),
        "table": table,
        "preview": dg.MetadataValue.md(db.preview_markdown(con, table, masked=masked)),
        **extra,
    })


def inputs_metadata(files: Sequence[SourceFile]) -> dg.MetadataValue:
    return dg.MetadataValue.json([{"file": f.name, "origin": f.origin, "sha256": f.sha256}
                                  for f in files])


def national_raw_asset(name: str, kind: str, group: str, description: str
                       ) -> dg.AssetsDefinition:
    """raw_* asset for a national table, read by the reader that declares `kind`: the landing
    folder's copy supersedes the shipped one."""
    reader = source_kind(kind).reader

    @dg.asset(name=name, group_name=group, description=description, kinds={"duckdb"})
    def _raw(carers: CarersResource) -> dg.MaterializeResult:
        files = national_files(kind, carers.landing_dir, carers.public_dir)
        if len(files) != 1:
            names = ", ".join(f.name for f in files) or "none"
            raise fail(carers.landing_dir, f"expected exactly one {kind} file, found {names}",
                       "Keep one edition of a national table in the landing folder (the newest); "
                       "move the others out.")
        # Static national files are parsed once and kept by sha256 (sources/cache.py).
        frame = cached_read(reader, files[0], carers.cache_dir)
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        if isinstance(frame, pa.Table):  # from the cache: stays in Arrow
            frame = frame.append_column(
                pa.field("_loaded_at", pa.timestamp("us")),
                pa.array([loaded_at] * frame.num_rows, pa.timestamp("us")))
        else:
            frame["_loaded_at"] = loaded_at
        with carers.connect() as con:
            table = db.table_for(name)
            db.replace_table(con, table, frame)
            return materialized(con, table, inputs=inputs_metadata(files))

    return _raw


def sql_asset(name: str, group: str, description: str, deps: Sequence[str],
              params: dict | None = None) -> dg.AssetsDefinition:
    """An asset that is one SQL file (warehouse/sql/<name>.sql) made into its table."""

    @dg.asset(name=name, group_name=group, description=description, kinds={"duckdb"},
              deps=list(deps))
    def _sql(carers: CarersResource) -> dg.MaterializeResult:
        with carers.connect() as con:
            table = db.table_for(name)
            db.create_table_from_sql(con, table, name, params)
            return materialized(con, table)

    return _sql


def gx_check(asset: str, suite: Suite, additional_deps: Sequence[str] = (),
             blocking: bool = True) -> dg.AssetChecksDefinition:
    """An asset check that runs one GX suite; failures and samples go in metadata. A check
    that does not block fails with WARN severity, so the refresh still publishes."""

    @dg.asset_check(asset=asset, name=suite.name, description=suite.description,
                    blocking=blocking, additional_deps=[dg.AssetKey(d) for d in additional_deps])
    def _check(carers: CarersResource) -> dg.AssetCheckResult:
        with carers.connect() as con:
            return to_check_result(run_suite(con, suite, carers.engine), warn_only=not blocking)

    return _check


def return_assets(kind: str, group: str, staging_deps: Sequence[str] = ()
                  ) -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    """raw_<kind>, stg_<kind> and the contract's GX check for one local return (RETURNS.md)."""
    spec = get_return(kind)

    @dg.asset(name=f"raw_{kind}", group_name=group, kinds={"duckdb"},
              deps=["audit_landing_files"],
              description=f"{spec.title}: every row of every {kind} return as sent (text), "
                          "with file, sha256 and Excel row; kept across refreshes as history.")
    def _raw(carers: CarersResource) -> dg.MaterializeResult:
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        report = []
        with carers.connect() as con:
            returns_db.ensure_tables(con, spec)
            for path, name, sha in returns_db.landing_returns(con, kind):
                source = SourceFile(Path(path), kind, "landing", sha)
                try:  # one bad file never stops the others: it is recorded as rejected
                    if sha256_of(source.path) != sha:
                        raise fail(path, "the file changed while the refresh was reading it",
                                   "Wait until the file is completely copied, then refresh "
                                   "again.")
                    read = read_return(source, kind, carers.landing_dir)
                    rows, new = returns_db.load_raw(con, read, loaded_at)
                    returns_db.record_format(con, read)
                except SourceError as exc:
                    returns_db.record_rejected(con, kind, name, sha, exc)
                    continue
                report.append({"file": name, "organisation": read.org, "rows": rows,
                               "new_content": bool(new), "read_as": read.describe_format(),
                               "skipped": [f"row {s.row}: {s.reason}" for s in read.skipped
                                           ][:50],
                               "ignored_columns": read.ignored_columns})
            rejected = [r for r in returns_db.rejected_files(con) if r["return"] == kind]
            return materialized(con, returns_db.raw_table(spec), masked=spec.personal_columns,
                                files=dg.MetadataValue.json(report),
                                rejected_files=dg.MetadataValue.json(rejected))

    @dg.asset(name=f"stg_{kind}", group_name=group, kinds={"duckdb"},
              deps=[f"raw_{kind}", *staging_deps],
              description=f"{spec.title}, typed and checked: rows that break a rule go to "
                          "audit.quarantine; corrected files replace earlier ones.")
    def _stg(context, carers: CarersResource) -> dg.MaterializeResult:
        now = datetime.now(UTC).replace(tzinfo=None)
        # The audit history beside the editions: replayed before supersession is decided,
        # appended with this refresh's first sights, loads and quarantine.
        log = AuditLog(carers.publish_root)
        with carers.connect() as con:
            files = returns_db.current_files(con, kind, now, log)
            counts = returns_db.build_staging(con, spec, files, now.date())
            record_loads(con, log, kind, counts.files, now, context.run_id)
            return materialized(
                con, returns_db.staging_table(spec), masked=spec.personal_columns,
                rows_in=counts.rows_in, rows_loaded=counts.rows_loaded,
                rows_quarantined=counts.rows_quarantined, rows_superseded=counts.rows_superseded,
                cross_rules_skipped=dg.MetadataValue.json(counts.skipped_rules),
                quarantine=dg.MetadataValue.md(db.preview_markdown(
                    con, "audit.quarantine", 20, where="return_kind = ?", params=[kind],
                    masked=["value"] if spec.personal else [])))

    return [_raw, _stg, gx_check(f"stg_{kind}", contract_suite(spec))]
