"""Every suite outcome, whichever engine evaluated it, as a Great Expectations validation result,
kept in a GX file data context beside the warehouse, and GX's Data Docs site built from them.

Two halves, so that the 4-10 s `import great_expectations` stays off a refresh's critical path:

1. `record()` runs inside each asset check. It writes the suite's outcome as JSON in the exact
   shape of GX's `ExpectationSuiteValidationResult.to_json_dict()` (configuration, success,
   element, unexpected and missing counts, partial unexpected values with personal columns
   already masked) to `<gx>/pending/<run>/<suite>.json`, and returns the path of the page GX
   will build for it. No GX import.
2. `build_data_docs()` (run by `python -m expectations.validation GX_DIR`, which the pipeline
   starts in the background when a run ends, or `carers docs`) imports GX, loads every pending
   file into GX's own classes (`ExpectationSuiteValidationResult`, `ExpectationValidationResult`,
   `ExpectationConfiguration`: a payload GX does not accept fails here), stores them in the
   file context's validation results store, saves each suite's expectations in its suite store
   and has GX build the Data Docs site: one page per suite, one per suite per run, an index.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from html import escape
from importlib.metadata import version
from pathlib import Path
from typing import Any

from expectations.suite import Outcome, Suite, SuiteResult

PENDING = "pending"
SITE = "local_site"
RUN_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"  # how GX names a run's folder (RunIdentifier.to_tuple)
BATCH_SOURCE = "warehouse"  # the datasource name shown in Data Docs (the DuckDB warehouse)
BUILD_LOG = "data_docs_build.log"


def site_dir(gx_dir: Path) -> Path:
    return gx_dir / "uncommitted" / "data_docs" / SITE


def index_page(gx_dir: Path) -> Path:
    return site_dir(gx_dir) / "index.html"


def suite_page(gx_dir: Path, suite: str) -> Path:
    return site_dir(gx_dir) / "expectations" / f"{suite}.html"


def validation_page(gx_dir: Path, suite: str, run_id: str, run_time: datetime,
                    asset: str) -> Path:
    """The page GX builds for one suite's result in one run (its ValidationResultIdentifier)."""
    return (site_dir(gx_dir) / "validations" / suite / run_id
            / _run_time(run_time).strftime(RUN_TIME_FORMAT) / f"{asset}.html")


@cache
def _gx_version() -> str:
    """The installed GX version, read from its package metadata (GX itself is not imported)."""
    return version("great-expectations")


def _run_time(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _percent(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None if part is None else 0.0
    return 100.0 * part / whole


def _values(samples: list[Any], columns: list[str], row_id: str | None) -> list[Any]:
    """GX's partial_unexpected_list: the value(s) alone, without the row id."""
    out = []
    for s in samples:
        if isinstance(s, dict):
            picked = {k: v for k, v in s.items() if k != row_id}
            out.append(next(iter(picked.values())) if len(picked) == 1 else picked)
        elif isinstance(s, list) and len(columns) > 1:
            out.append(dict(zip(columns, s, strict=False)))
        else:
            out.append(s)
    return out


def _counts(values: list[Any]) -> list[dict[str, Any]]:
    """GX's partial_unexpected_counts (hashable values only, most frequent first)."""
    keys = [json.dumps(v, sort_keys=True, default=str) for v in values]
    counted = Counter(keys)
    return [{"value": json.loads(k), "count": n} for k, n in counted.most_common()]


def expectation_json(o: Outcome, row_id: str | None) -> dict[str, Any]:
    """One ExpectationValidationResult as GX serialises it."""
    result: dict[str, Any]
    if o.observed_value is not None or (o.element_count is None and not o.error):
        result = {"observed_value": o.observed_value}
    else:
        values = _values(o.samples, o.columns, row_id)
        result = {"element_count": o.element_count, "unexpected_count": o.unexpected_count,
                  "unexpected_percent": _percent(
                      o.unexpected_count,
                      None if o.element_count is None else
                      o.element_count - (o.missing_count or 0)),
                  "partial_unexpected_list": values}
        if o.missing_count is not None:
            result.update({
                "missing_count": o.missing_count,
                "missing_percent": _percent(o.missing_count, o.element_count),
                "unexpected_percent_total": _percent(o.unexpected_count, o.element_count),
                "unexpected_percent_nonmissing": _percent(
                    o.unexpected_count, (o.element_count or 0) - o.missing_count)})
        result["partial_unexpected_counts"] = _counts(values)
        if row_id and o.samples and all(isinstance(s, dict) for s in o.samples):
            result["unexpected_index_column_names"] = [row_id]
            result["partial_unexpected_index_list"] = o.samples
        result = {k: v for k, v in result.items() if v is not None}
    return {
        "success": o.success,
        "expectation_config": {"type": o.type, "kwargs": o.kwargs, "meta": {},
                               "severity": "critical"},
        "result": result,
        "meta": {},
        "exception_info": {"raised_exception": bool(o.error), "exception_traceback": None,
                           "exception_message": o.error},
    }


def validation_json(result: SuiteResult, suite: Suite, asset: str, run_id: str,
                    run_time: datetime) -> dict[str, Any]:
    """The suite's outcome as GX's ExpectationSuiteValidationResult.to_json_dict()."""
    results = [expectation_json(o, suite.row_id) for o in result.outcomes]
    passed = sum(1 for r in results if r["success"])
    return {
        "success": result.success,
        "results": results,
        "suite_name": suite.name,
        "suite_parameters": {},
        "statistics": {"evaluated_expectations": len(results),
                       "successful_expectations": passed,
                       "unsuccessful_expectations": len(results) - passed,
                       "success_percent": _percent(passed, len(results)) if results else None},
        "meta": {
            "great_expectations_version": _gx_version(),
            "run_id": {"run_name": run_id,
                       "run_time": _run_time(run_time).isoformat()},
            "validation_time": _run_time(run_time).strftime(RUN_TIME_FORMAT),
            "active_batch_definition": {"datasource_name": BATCH_SOURCE,
                                        "data_connector_name": "fluent",
                                        "data_asset_name": asset,
                                        "batch_identifiers": {}},
            "batch_spec": {"query": " ".join(suite.query.split())},
            "carers": {"engine": result.engine, "rows": result.rows, "asset": asset,
                       "description": suite.description,
                       "personal_columns_masked": list(suite.personal_columns)},
        },
        "id": None,
    }


def record(gx_dir: Path, result: SuiteResult, suite: Suite, asset: str, run_id: str,
           run_time: datetime | None = None) -> Path:
    """Write the outcome for the next Data Docs build; return the page it will become."""
    run_time = _run_time(run_time or datetime.now(UTC))
    folder = gx_dir / PENDING / run_id
    folder.mkdir(parents=True, exist_ok=True)
    payload = validation_json(result, suite, asset, run_id, run_time)
    target = folder / f"{suite.name}.json"
    tmp = folder / f".{suite.name}.json.tmp"
    tmp.write_text(json.dumps(payload, default=str))
    os.replace(tmp, target)
    return validation_page(gx_dir, suite.name, run_id, run_time, asset)


def pending(gx_dir: Path) -> list[Path]:
    return sorted((gx_dir / PENDING).glob("*/*.json"))


@contextmanager
def _build_lock(gx_dir: Path, wait: bool = True) -> Iterator[bool]:
    gx_dir.mkdir(parents=True, exist_ok=True)
    with (gx_dir / ".build.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def to_gx(payload: dict[str, Any]) -> Any:
    """GX's own result objects from a recorded payload (raises if GX does not accept it)."""
    # GX costs seconds to import: only the Data Docs build (its own process) pays for it.
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    # Each configuration goes through GX's own Expectation class, which checks its arguments
    # and normalises them as GX does (a bound of 0 becomes 0.0), whichever engine evaluated it.
    results = [ExpectationValidationResult(
        success=r["success"], result=r["result"], meta=r["meta"],
        exception_info=r["exception_info"],
        expectation_config=ExpectationConfiguration(
            **r["expectation_config"]).to_domain_obj().configuration)
        for r in payload["results"]]
    return ExpectationSuiteValidationResult(
        success=payload["success"], results=results, suite_name=payload["suite_name"],
        suite_parameters=payload["suite_parameters"], statistics=payload["statistics"],
        meta=payload["meta"], id=payload.get("id"))


def context(gx_dir: Path) -> Any:
    """The GX file data context kept with the warehouse (created on first use)."""
    # See to_gx: GX is imported only by the Data Docs build.
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="file", context_root_dir=str(gx_dir))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


def build_data_docs(gx_dir: Path) -> Path:
    """Store every pending result in the GX context and build the Data Docs for them."""
    # See to_gx: GX is imported only by the Data Docs build.
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    with _build_lock(gx_dir):
        files = pending(gx_dir)
        ctx = context(gx_dir)
        keys: list[Any] = []
        suites: dict[str, dict[str, Any]] = {}
        for path in files:
            payload = json.loads(path.read_text())
            validation = to_gx(payload)
            run = payload["meta"]["run_id"]
            key = ValidationResultIdentifier(
                ExpectationSuiteIdentifier(payload["suite_name"]),
                RunIdentifier(run_name=run["run_name"],
                              run_time=datetime.fromisoformat(run["run_time"])),
                payload["meta"]["active_batch_definition"]["data_asset_name"])
            ctx.validation_results_store.set(key, validation)
            keys.append(key)
            suites[payload["suite_name"]] = payload
        for name, payload in suites.items():
            expectations = [ExpectationConfiguration(
                type=r["expectation_config"]["type"],
                kwargs=r["expectation_config"]["kwargs"]).to_domain_obj()
                for r in payload["results"]]
            suite = gx.ExpectationSuite(
                name=name, expectations=expectations,
                notes=payload["meta"]["carers"]["description"],
                meta={"engine": payload["meta"]["carers"]["engine"],
                      "query": payload["meta"]["batch_spec"]["query"]})
            ctx.suites.add_or_update(suite)
            keys.append(ExpectationSuiteIdentifier(name))
        ctx.build_data_docs(resource_identifiers=keys or None)
        write_contents(gx_dir)
        for path in files:
            path.unlink()
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
    return index_page(gx_dir)


CONTENTS_START = "<!-- carers: contents -->"
CONTENTS_END = "<!-- /carers: contents -->"


def write_contents(gx_dir: Path) -> None:
    """Put a plain list of every suite's page and every run's page at the top of GX's index.

    GX's index draws its tables with JavaScript fetched from public CDNs (jQuery, bootstrap-
    table): on a council machine without the internet they stay empty. The validation and suite
    pages themselves are plain HTML; this list, written from GX's own validation results store,
    makes the index usable offline too."""
    index = index_page(gx_dir)
    if not index.is_file():
        return
    store = gx_dir / "uncommitted" / "validations"
    runs: dict[str, list[tuple[str, str, str, bool, dict]]] = {}
    for path in sorted(store.glob("*/*/*/*.json")):
        suite, run, when, asset = *path.relative_to(store).parts[:3], path.stem
        stored = json.loads(path.read_text())
        runs.setdefault(suite, []).append((run, when, asset, bool(stored.get("success")),
                                           stored.get("statistics") or {}))
    site = site_dir(gx_dir)
    parts = [CONTENTS_START, '<section id="carers-contents" class="container" '
             'style="padding:1em"><h2>Suites and runs</h2>'
             "<p>Every expectation suite and every run's validation result (newest first). "
             "This list needs no internet connection.</p><ul>"]
    for suite in sorted(runs):
        page = suite_page(gx_dir, suite).relative_to(site).as_posix()
        parts.append(f'<li class="carers-suite"><a href="{escape(page)}">{escape(suite)}</a>'
                     "<ul>")
        for run, when, asset, ok, stats in sorted(runs[suite], key=lambda r: r[1],
                                                   reverse=True):
            page = f"validations/{suite}/{run}/{when}/{asset}.html"
            verdict = "passed" if ok else "FAILED"
            parts.append(
                f'<li class="carers-run"><a href="{escape(page)}">{escape(when)} · run '
                f"{escape(run)}</a>: {verdict}, {stats.get('successful_expectations', '?')} of "
                f"{stats.get('evaluated_expectations', '?')} expectations met</li>")
        parts.append("</ul></li>")
    parts.append("</ul></section>" + CONTENTS_END)
    html = index.read_text()
    html = re.sub(re.escape(CONTENTS_START) + ".*?" + re.escape(CONTENTS_END), "", html,
                  flags=re.S)
    html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "".join(parts), html, count=1)
    index.write_text(html)


def start_build(gx_dir: Path) -> subprocess.Popen | None:
    """Build the Data Docs in a process of their own (nothing waits for it); its output goes to
    `<gx>/data_docs_build.log`. None when nothing is pending."""
    if not pending(gx_dir):
        return None
    log = (gx_dir / BUILD_LOG).open("ab")
    try:
        return subprocess.Popen([sys.executable, "-m", "expectations.validation", str(gx_dir)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True,
                                cwd=str(Path(__file__).resolve().parents[1]))
    finally:
        log.close()


def wait_for_build(gx_dir: Path, timeout: float) -> bool:
    """True once nothing is pending and no build is running; False at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pending(gx_dir):
            with _build_lock(gx_dir, wait=False) as free:
                if free:
                    return True
        time.sleep(0.2)
    return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m expectations.validation GX_DIR\n")
        return 2
    index = build_data_docs(Path(args[0]).resolve())
    sys.stdout.write(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} Data Docs: {index}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
