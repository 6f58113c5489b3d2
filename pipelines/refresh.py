"""`carers refresh`: materialise every asset and run every check in this process, on the
project's Dagster instance, and tell a person what happened."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import duckdb

from expectations import validation
from pipelines import faults, uptodate
from pipelines.faults import EXIT_BUSY, EXIT_FAILED, Fault
from pipelines.progress import Progress, choose_mode, step_groups
from pipelines.settings import PROJECT_ROOT, resource_run_config, setting
from sources.returns.contract import RETURNS
from warehouse import db, health
from warehouse.lock import BusyError, writer_lock

__all__ = ["EXIT_BUSY", "EXIT_FAILED", "cmd_refresh", "summarise"]


def absolute_settings(args: argparse.Namespace) -> None:
    """Fix every path to an absolute one before we move to the project root."""
    for name, flag in (("CARERS_WAREHOUSE", "warehouse"), ("CARERS_PUBLISH", "publish"),
                       ("CARERS_LANDING", "landing"), ("CARERS_GX", "gx")):
        value = getattr(args, flag, None)
        if value:
            os.environ[name] = str(Path(value).expanduser().resolve())
        elif os.environ.get(name):
            os.environ[name] = str(Path(os.environ[name]).expanduser().resolve())


def use_project_instance() -> None:
    """One Dagster instance for CLI and UI: dagster.yaml in the project root."""
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    os.chdir(os.environ["DAGSTER_HOME"])


def _root_cause(error: Any) -> Any:
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error


def run_refresh(tags: dict[str, str] | None = None, log_level: str = "WARNING",
                progress: str = "none", stream: Any = None) -> Any:
    """Materialise every asset and run every check in this process, on the project instance.
    `progress` (auto, bar, lines, none) reports each group of assets as it finishes, through
    an event listener on this run (pipelines/progress.py)."""
    # Loading the definitions imports every asset module (and Dagster): only a refresh needs
    # them, so the other commands start quickly.
    import dagster as dg
    from dagster._core.utils import make_new_run_id

    from pipelines.definitions import defs

    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def("refresh")
    stream = stream if stream is not None else sys.stderr
    mode = choose_mode(progress, stream)
    run_id = make_new_run_id()
    shown = None
    if mode != "none":
        shown = Progress(step_groups(job, defs.resolve_asset_graph().assets_defs), mode, stream)
        instance.add_event_listener(run_id, shown)
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, run_id=run_id,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}},
                    **resource_run_config()},
        tags={"carers/trigger": "cli", **(tags or {})})
    if shown is not None:
        shown.finish()
    return result


def summarise(result: Any) -> tuple[list[str], bool]:
    """Lines for a person, and whether the refresh succeeded."""
    lines, ok, _ = summarise_with_fault(result)
    return lines, ok


def summarise_with_fault(result: Any) -> tuple[list[str], bool, Fault | None]:
    """Lines for a person, whether the refresh succeeded, and the operational fault (full
    disk, read-only publish folder, warehouse held by another program) that stopped it."""
    lines = []
    fault = None
    built = sorted({e.event_specific_data.materialization.asset_key.to_user_string()
                    for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"})
    checks = [e.event_specific_data for e in result.all_events
              if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    failed_checks = [c for c in checks if not c.passed]
    lines.append(f"Run {result.run_id}: {len(built)} assets built; {len(checks)} checks run, "
                 f"{len(checks) - len(failed_checks)} passed, {len(failed_checks)} failed.")
    blocking_failed = False
    for c in failed_checks:
        level = c.severity.value
        blocking_failed |= level == "ERROR"
        lines.append(f"  check failed ({level}): {c.asset_key.to_user_string()} / "
                     f"{c.check_name}")
        detail = c.metadata.get("failed_expectations")
        if detail is not None:
            lines.extend(f"      {line}" for line in str(detail.value).splitlines()[:10])
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            cause = _root_cause(error)
            found = fault or faults.from_failure(
                f"{cause.cls_name}: {cause.message}", setting("CARERS_WAREHOUSE"),
                setting("CARERS_PUBLISH"))
            if found is not None and fault is None:
                fault = found
                lines.append(f"  FAILED {event.step_key}: {cause.cls_name}: "
                             f"{cause.message.strip().splitlines()[0][:300]}")
                continue
            lines.append(f"  FAILED {event.step_key}: {cause.cls_name}:")
            lines.extend(f"      {line}" for line in cause.message.strip().splitlines()[:25])
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            mat = event.event_specific_data.materialization
            if mat.asset_key.to_user_string() == "published_edition":
                published = mat.metadata.get("published")
                if published is not None and not published.value:
                    lines.append(str(mat.metadata["message"].value))
                else:
                    lines.append(f"Published edition {mat.metadata['edition'].value}: "
                                 f"{mat.metadata['path'].value}")
                    lines.extend(_disclosed_before(mat.metadata.get("disclosure_audit")))
    if "audit_landing_files" in built:
        lines.extend(_load_report())
    else:
        lines.append("The landing folder was not read in this run: no return counts to show.")
    gx = Path(os.environ.get("CARERS_GX") or setting("CARERS_WAREHOUSE").parent / "gx")
    lines.append(f"Validation results: Data Docs are built in the background at "
                 f"{validation.index_page(gx)} (`carers docs` builds them now).")
    ok = result.success and not blocking_failed
    if fault is not None:
        lines.append(fault.message)
    elif not ok:
        lines.append("Refresh FAILED: nothing new was published; the last good edition is "
                     "unchanged. Fix the problems above and run `carers refresh` again.")
    return lines, ok, fault


def _disclosed_before(report: Any) -> list[str]:
    """Earlier editions that disclose a hidden count on their own (published under older
    rules): this edition cannot repair them, so the operator is told to withdraw them."""
    found = (getattr(report, "value", None) or {}).get("disclosed_by_earlier_editions") or {}
    if not found.get("cells"):
        return []
    return [f"  WARNING: {found['cells']} hidden count(s) can be worked out from earlier "
            f"edition(s) {', '.join(found['editions'])} on their own (published under older "
            "rules; this edition cannot repair that). Withdraw those editions from public "
            "copies (manifest.json: disclosure.disclosed_by_earlier_editions)."]


QUARANTINE_SHOWN = 10  # quarantined rows listed in the refresh summary


def _load_report() -> list[str]:
    """Per return file: rows in, loaded, quarantined, superseded, and every file refused
    (from audit.file_loads, which each refresh rewrites: always this run's)."""
    path = setting("CARERS_WAREHOUSE")
    if not path.exists():
        return []
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute(
            "select l.return_kind, l.source_file, rows_in, rows_loaded, rows_quarantined, "
            "rows_superseded, f.read_as from audit.file_loads as l "
            "left join audit.file_formats as f using (source_sha256) "
            "where status is distinct from 'rejected' "
            "order by l.return_kind, l.source_file").fetchall()
        rejected = con.execute(
            "select coalesce(return_kind, 'not a return'), source_file, reason "
            "from audit.file_loads where status = 'rejected' order by source_file").fetchall()
        total = db.scalar(con, "select count(distinct (source_sha256, source_file, source_row)) "
                               "from audit.quarantine")
        problems = con.execute(
            "select return_kind, source_file, source_row, column_name, value, rule "
            "from audit.quarantine "
            "order by return_kind, source_file, source_row, column_name limit ?",
            [QUARANTINE_SHOWN + 1]).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    lines = [f"Returns: {len(rows)} files loaded; rows quarantined: {total} "
             "(each with its file, row, column, value and rule in audit.quarantine; "
             "`carers check FILE` lists a file's problems with the fix)"
             ] if rows else []
    for kind, file, rows_in, loaded, quarantined, superseded, read_as in rows:
        extra = f", {superseded} superseded by a corrected file" if superseded else ""
        how = f" (read as {read_as})" if read_as else ""
        lines.append(f"  {kind}: {file}: {rows_in} rows in, {loaded} loaded, "
                     f"{quarantined} quarantined{extra}{how}")
    if rejected:
        lines.append(f"Files refused ({len(rejected)}): nothing in them was loaded; every other "
                     "file was")
        for kind, file, reason in rejected:
            lines.append(f"  {kind}: {file}: {reason}")
    if problems:
        lines.append("Quarantined rows" + (f" (first {QUARANTINE_SHOWN})"
                                           if len(problems) > QUARANTINE_SHOWN else "") + ":")
        for kind, file, row, column, value, rule in problems[:QUARANTINE_SHOWN]:
            personal = kind in RETURNS and RETURNS[kind].personal
            shown = ("blank" if value is None else db.MASKED if personal else repr(value))
            lines.append(f"  {file}, row {row}, column '{column}', value {shown}: {rule}")
    return lines


def cmd_refresh(args: argparse.Namespace) -> int:
    """Exit status: 0 refreshed, else one of pipelines/faults.py's (documented in
    docs/operations.md)."""
    absolute_settings(args)
    use_project_instance()
    warehouse, publish = setting("CARERS_WAREHOUSE"), setting("CARERS_PUBLISH")
    tags = {"carers/force": "true"} if getattr(args, "force", False) else {}
    try:
        with writer_lock(warehouse, wait=args.wait):
            fault = faults.probe_publish_folder(publish)
            if fault is None:
                fault = _check_warehouse(warehouse, publish)
            if fault is not None:
                print(fault.message, file=sys.stderr)
                return fault.code
            read_key = uptodate.key(setting("CARERS_LANDING"))
            done = None if tags else uptodate.up_to_date(warehouse, publish, read_key)
            if done is not None:
                print(f"Up to date: nothing changed since refresh {done['run_id']} "
                      f"({done['finished']}): the same landing and public files, catalogue, "
                      "code and settings, on the same day, and the warehouse untouched since. "
                      f"Nothing was rebuilt; `latest` stays on {done['latest']}. "
                      "`carers refresh --force` rebuilds anyway.")
                print("\n".join(_load_report()))  # that refresh's, which read these files
                return 0
            uptodate.forget(warehouse)
            result = run_refresh(tags=tags, log_level="DEBUG" if args.verbose else "WARNING",
                                 progress=getattr(args, "progress", "auto"))
            # Still under the lock: the load report reads the warehouse this run wrote.
            lines, ok, fault = summarise_with_fault(result)
            if ok and fault is None:
                uptodate.record(warehouse, publish, read_key, result.run_id)
    except BusyError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BUSY
    print("\n".join(lines))
    if fault is not None:
        return fault.code
    return 0 if ok else EXIT_FAILED


def _check_warehouse(warehouse: Path, publish: Path) -> Fault | None:
    """Before Dagster starts: move a damaged warehouse aside (saying so), and refuse at once,
    naming the process, when another program holds the file open."""
    try:
        repaired = health.ensure_sound(warehouse)
        if repaired:
            print(repaired, file=sys.stderr)
        health.ensure_writable(warehouse)
    except health.WarehouseBusy as exc:
        return Fault(faults.EXIT_HELD, str(exc))
    except health.WarehouseUnreadable as exc:
        return faults.from_failure(str(exc), warehouse, publish) or Fault(
            EXIT_FAILED, f"{exc}. Nothing was moved or refreshed. {faults.untouched(publish)}")
    except OSError as exc:  # moving a damaged file aside on a full or read-only disk
        return faults.from_failure(f"{type(exc).__name__}: {exc}", warehouse, publish) or \
            Fault(EXIT_FAILED, f"{exc}. {faults.untouched(publish)}")
    return None
