"""Small factories shared by the domain modules: national raw tables and GX-backed checks, and
the Dagster metadata every asset carries (owners, kinds, tags, code references, table name,
column schema)."""

from __future__ import annotations

import inspect
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa

from assets.checks import to_check_result
from assets.resources import CarersResource
from expectations import validation
from expectations.core import Suite, run_suite
from expectations.returns import contract_suite
from sources.cache import cached_read
from sources.errors import SourceError, fail
from sources.files import SourceFile, sha256_of
from sources.registry import national_files, source_kind
from sources.returns.contract import get as get_return
from sources.returns.read import read_return
from warehouse import catalogue as catalogue_module
from warehouse import db
from warehouse import returns as returns_db
from warehouse.audit_log import AuditLog, record_loads

# --- Dagster metadata (issue 21): what a Dagster user expects to see on every asset --------

# The team that answers for each domain's data (Dagster owners: "team:..." or an email). These
# are roles in Rotherham's carers partnership; a deployment renames them here.
OWNERS = {
    "census": "team:public-health-intelligence",
    "small_areas": "team:public-health-intelligence",
    "reference": "team:public-health-intelligence",
    "indicators": "team:public-health-intelligence",
    "publish": "team:public-health-intelligence",
    "ascof": "team:adult-social-care-performance",
    "assessments": "team:adult-social-care-performance",
    "young_carers": "team:young-carers-service",
    "events": "team:carers-strategy-partnership",
    "reach": "team:carers-strategy-partnership",
    "grants": "team:carers-strategy-partnership",
    "returns": "team:carers-strategy-partnership",
}

# Columns whose meaning is the same in every table (lineage, areas, periods).
COLUMN_MEANINGS = {
    "_source_file": "the input file the row was read from",
    "_source_sha256": "sha256 of that file's bytes",
    "_source_row": "the row number in that file (as a person sees it in Excel)",
    "_source_rows": "the rows of the input file this row was built from",
    "_loaded_at": "when the refresh read the row (UTC)",
    "source_org": "the organisation that sent the return",
    "area_code": "ONS area code (GSS)",
    "area_name": "ONS area name",
    "area_level": "district, region or country",
    "period_id": "the period (see dim_period)",
    "financial_year": "financial year April-March, as its start year",
    "census_year": "the census (2011 or 2021)",
}


def code_references(*paths: tuple[Path, int | None]) -> dg.CodeReferencesMetadataValue:
    """Local file references (file, line) shown as the asset's source in the UI."""
    with warnings.catch_warnings():  # Dagster marks code references beta: say it once, here
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.CodeReferencesMetadataValue(code_references=[
            dg.LocalFileCodeReference(file_path=str(path), line_number=line)
            for path, line in paths if path.is_file()])


def _caller() -> tuple[Path, int]:
    """The domain module (and line) that called an asset factory."""
    # sys._getframe, not inspect.stack(): stack() reads every frame's source file (2 s a
    # refresh for 28 factories).
    frame = sys._getframe(2)
    return Path(frame.f_code.co_filename).resolve(), frame.f_lineno


def _defined_at(fn: Callable) -> tuple[Path, int]:
    fn = inspect.unwrap(fn)
    return Path(fn.__code__.co_filename).resolve(), fn.__code__.co_firstlineno


def file_kinds(patterns: Sequence[str]) -> set[str]:
    """csv / xlsx from a reader's file patterns."""
    return {Path(p).suffix.lstrip(".").lower() for p in patterns if Path(p).suffix}


def column_schema(con: duckdb.DuckDBPyConnection, table: str,
                  meanings: dict[str, str] | None = None) -> dg.TableSchema:
    """The table's columns as DuckDB holds them, with what each means where we know it."""
    schema, name = table.split(".")
    rows = con.execute("select column_name, data_type from information_schema.columns "
                       "where table_schema = ? and table_name = ? order by ordinal_position",
                       [schema, name]).fetchall()
    known = {**COLUMN_MEANINGS, **(meanings or {})}
    return dg.TableSchema(columns=[dg.TableColumn(c, t.lower(), description=known.get(c))
                                   for c, t in rows])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:63]


def commitment_tags(catalogue: catalogue_module.Catalogue, group: str,
                    group_of: dict[str, str]) -> dict[str, str]:
    """`commitment_C1: identification_and_early_intervention`, ... for every strategy
    commitment evidenced by an indicator that reads an asset of this group."""
    found: set[str] = set()
    for indicator in catalogue.indicators:
        if group == "indicators" or any(group_of.get(i) == group for i in indicator.inputs):
            found.update(indicator.commitments)
    return {f"commitment_{c}": _slug(catalogue.commitments.get(c, c)) for c in sorted(found)}


def with_project_metadata(assets_defs: Sequence[dg.AssetsDefinition],
                          catalogue: catalogue_module.Catalogue,
                          freshness: dict[str, dg.FreshnessPolicy] | None = None
                          ) -> list[dg.AssetsDefinition]:
    """Owners, `domain` and `commitment_*` tags, the `python` kind, code references (where a
    factory did not give them) and freshness policies (by asset name) on every asset."""
    group_of = {k.to_user_string(): a.group_names_by_key.get(k, "")
                for a in assets_defs for k in a.keys}

    def add(defined: tuple[Path, int]) -> Callable[[dg.AssetSpec], dg.AssetSpec]:
        def apply(spec: dg.AssetSpec) -> dg.AssetSpec:
            group = spec.group_name or ""
            metadata = {} if "dagster/code_references" in spec.metadata else \
                {"dagster/code_references": code_references(defined)}
            tags = {"domain": group,
                    **(commitment_tags(catalogue, group, group_of)
                       if group not in ("reference", "returns", "publish") else {})}
            spec = spec.merge_attributes(owners=[OWNERS[group]] if group in OWNERS else [],
                                         tags=tags, kinds={"python"}, metadata=metadata)
            policy = (freshness or {}).get(spec.key.to_user_string())
            return spec.replace_attributes(freshness_policy=policy) if policy else spec
        return apply

    return [a.map_asset_specs(add(_defined_at(a.op.compute_fn.decorated_fn)))
            for a in assets_defs]


def static_metadata(table: str, *sources: tuple[Path, int | None]) -> dict[str, object]:
    """Definition metadata: the DuckDB table name and the code the asset is made of."""
    return {"dagster/table_name": table, "dagster/code_references": code_references(*sources)}


def quarantine_markdown(con: duckdb.DuckDBPyConnection, kind: str, limit: int = 20,
                        mask_values: bool = False) -> str:
    """Quarantined rows of one return, what a person acts on first: file, row, column, value,
    rule and fix; the file's hash last and shortened (the full hash is in audit.quarantine).
    `mask_values` (a return about people): values shown as [masked], never in run storage."""
    rows = con.execute(
        "select source_file, source_row, column_name, value, rule, fix, "
        "left(source_sha256, 12) from audit.quarantine where return_kind = ? "
        "order by source_file, source_row, column_name limit ?", [kind, int(limit)]).fetchall()
    header = ["file", "row", "column", "value", "rule", "fix", "sha256 (first 12)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        if mask_values and row[3] is not None:
            row = (*row[:3], "[masked]", *row[4:])
        lines.append("| " + " | ".join("" if v is None else str(v).replace("|", "\\|")
                                       for v in row) + " |")
    return "\n".join(lines)

# --- end of Dagster metadata --------------------------------------------------------------


def materialized(con: duckdb.DuckDBPyConnection, table: str,
                 meanings: dict[str, str] | None = None, masked: Sequence[str] = (),
                 **extra: object) -> dg.MaterializeResult:
    """MaterializeResult with the table's row count, column schema and a preview for the UI;
    `masked` columns (personal) are shown as [masked], so their values never reach run
    storage."""
    return dg.MaterializeResult(metadata={
        "dagster/row_count": db.row_count(con, table),
        "dagster/table_name": table,
        "dagster/column_schema": column_schema(con, table, meanings),
        "table": table,
        "preview": dg.MetadataValue.md(db.preview_markdown(con, table, masked=masked)),
        **extra,
    })


def inputs_metadata(files: Sequence[SourceFile]) -> dg.MetadataValue:
    return dg.MetadataValue.json([{"file": f.name, "origin": f.origin, "sha256": f.sha256}
                                  for f in files])


def national_raw_asset(name: str, kind: str, group: str, description: str,
                       checks: Sequence[Suite] = ()) -> dg.AssetsDefinition:
    """raw_* asset for a national table, read by the reader that declares `kind`: the landing
    folder's copy supersedes the shipped one. `checks`: GX suites run in the asset's step."""
    declared = source_kind(kind)
    reader = declared.reader

    @dg.asset(name=name, group_name=group, description=description,
              kinds={"duckdb", "python", *file_kinds(declared.patterns)},
              check_specs=check_specs(name, checks),
              metadata=static_metadata(db.table_for(name), _caller(), _defined_at(reader)))
    def _raw(context, carers: CarersResource) -> dg.MaterializeResult:
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
            return checked(context, carers, con, name, checks,
                           materialized(con, table, inputs=inputs_metadata(files)))

    return _raw


def sql_asset(name: str, group: str, description: str, deps: Sequence[str],
              params: dict | None = None, checks: Sequence[Suite] = ()
              ) -> dg.AssetsDefinition:
    """An asset that is one SQL file (warehouse/sql/<name>.sql) made into its table.
    `checks`: GX suites run in the asset's step."""

    @dg.asset(name=name, group_name=group, description=description,
              kinds={"duckdb", "sql"}, deps=list(deps), check_specs=check_specs(name, checks),
              metadata=static_metadata(db.table_for(name), _caller(),
                                       (db.SQL_DIR / f"{name}.sql", 1)))
    def _sql(context, carers: CarersResource) -> dg.MaterializeResult:
        with carers.connect() as con:
            table = db.table_for(name)
            db.create_table_from_sql(con, table, name, params)
            return checked(context, carers, con, name, checks, materialized(con, table))

    return _sql


# An asset's own GX suites run in its step, on its connection, right after its table is built:
# one step for an asset and its checks (74 steps a refresh became 47; the time did not change,
# docs/performance.md). A check that also reads other assets stays a separate `gx_check`.
def check_specs(asset: str, suites: Sequence[Suite]) -> list[dg.AssetCheckSpec]:
    """Blocking checks of `asset`, one per suite: a failure stops everything downstream."""
    return [dg.AssetCheckSpec(name=s.name, asset=asset, description=s.description,
                              blocking=True) for s in suites]


def checked(context: dg.AssetExecutionContext, carers: CarersResource,
            con: duckdb.DuckDBPyConnection, asset: str, suites: Sequence[Suite],
            result: dg.MaterializeResult) -> dg.MaterializeResult:
    """`result` with the results of the asset's suites (`check_specs`), each kept as a GX
    validation result like a separate check's."""
    if not suites:
        return result
    return dg.MaterializeResult(metadata=result.metadata, check_results=[
        suite_check_result(carers, con, asset, suite, context.run_id) for suite in suites])


def suite_check_result(carers: CarersResource, con: duckdb.DuckDBPyConnection, asset: str,
                       suite: Suite, run_id: str, blocking: bool = True) -> dg.AssetCheckResult:
    """One GX suite run on `con` as a check of `asset`, kept as a GX validation result (its
    Data Docs page is built when the run ends)."""
    outcome = run_suite(con, suite, carers.engine)
    page = validation.record(carers.gx_dir, outcome, suite, asset, run_id)
    return to_check_result(outcome, warn_only=not blocking, data_docs=page,
                           data_docs_index=validation.index_page(carers.gx_dir),
                           check_name=suite.name)


def gx_check(asset: str, suite: Suite, additional_deps: Sequence[str] = (),
             blocking: bool = True) -> dg.AssetChecksDefinition:
    """An asset check that runs one GX suite in a step of its own, for a suite that also reads
    other assets (`additional_deps`); an asset's own suites run in its step (`checks=` of the
    asset factories). Failures and samples go in metadata. A check that does not block fails
    with WARN severity, so the refresh still publishes."""

    @dg.asset_check(asset=asset, name=suite.name, description=suite.description,
                    blocking=blocking, additional_deps=[dg.AssetKey(d) for d in additional_deps])
    def _check(context, carers: CarersResource) -> dg.AssetCheckResult:
        with carers.connect() as con:
            return suite_check_result(carers, con, asset, suite, context.run.run_id, blocking)

    return _check


def return_assets(kind: str, group: str, staging_deps: Sequence[str] = (),
                  checks: Sequence[Suite] = ()) -> list[dg.AssetsDefinition]:
    """raw_<kind> and stg_<kind> for one local return (RETURNS.md); stg_<kind> runs the
    contract's GX suite and `checks` in its step."""
    spec = get_return(kind)
    suites = [contract_suite(spec), *checks]
    called_at = _caller()
    meanings = {c.name: c.meaning or c.describe_type for c in spec.columns}

    @dg.asset(name=f"raw_{kind}", group_name=group, kinds={"duckdb", "python", "csv", "xlsx"},
              deps=["audit_landing_files"],
              metadata=static_metadata(returns_db.raw_table(spec), called_at,
                                       _defined_at(read_return), _defined_at(get_return)),
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

    @dg.asset(name=f"stg_{kind}", group_name=group, kinds={"duckdb", "sql"},
              deps=[f"raw_{kind}", *staging_deps],
              check_specs=check_specs(f"stg_{kind}", suites),
              metadata=static_metadata(returns_db.staging_table(spec), called_at,
                                       _defined_at(returns_db.build_staging)),
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
            return checked(context, carers, con, f"stg_{kind}", suites, materialized(
                con, returns_db.staging_table(spec), meanings, masked=spec.personal_columns,
                rows_in=counts.rows_in, rows_loaded=counts.rows_loaded,
                rows_quarantined=counts.rows_quarantined, rows_superseded=counts.rows_superseded,
                cross_rules_skipped=dg.MetadataValue.json(counts.skipped_rules),
                quarantine=dg.MetadataValue.md(quarantine_markdown(
                    con, kind, mask_values=spec.personal))))

    return [_raw, _stg]
