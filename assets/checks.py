"""The one adapter from a suite result to a Dagster AssetCheckResult.

It lives with the assets because it imports dagster: expectations/ stays plain Python that
tests call directly.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from expectations.suite import Outcome, SuiteResult


def _verdict(o: Outcome) -> str:
    if o.error:
        return "error"
    return "passed" if o.success else "FAILED"


def _found(o: Outcome) -> str:
    if o.observed_value is not None:
        return f"observed {o.observed_value}"
    if o.unexpected_count is None:
        return ""
    return f"{o.unexpected_count} of {o.element_count} unexpected"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _arguments(o: Outcome) -> str:
    shown = {k: v for k, v in o.kwargs.items() if k not in ("column", "column_list")}
    return ", ".join(f"{k}={v!r}" for k, v in shown.items())


def expectations_table(result: SuiteResult) -> str:
    """Every expectation evaluated, in declared order, with its outcome (markdown)."""
    lines = ["| # | expectation | column | arguments | outcome | found |",
             "|---|---|---|---|---|---|"]
    for i, o in enumerate(result.outcomes, 1):
        lines.append(f"| {i} | {o.type} | {_cell(o.column or '(table)')} | "
                     f"{_cell(_arguments(o))} | {_verdict(o)} | {_cell(_found(o))} |")
    return "\n".join(lines)


def to_check_result(result: SuiteResult, warn_only: bool = False,
                    data_docs: Path | None = None, data_docs_index: Path | None = None,
                    check_name: str | None = None) -> dg.AssetCheckResult:
    """`warn_only`: a failure is reported with WARN severity (for checks that do not block).
    `data_docs`: the suite's page for this run in GX's Data Docs (built when the run ends)."""
    metadata: dict[str, object] = {
        "rows_validated": result.rows,
        "expectations_evaluated": result.evaluated,
        "expectations_passed": result.evaluated - len(result.failures),
        "expectations_failed": len(result.failures),
        "engine": result.engine,
    }
    if data_docs is not None:
        metadata["data_docs"] = dg.MetadataValue.url(data_docs.as_uri())
        metadata["data_docs_path"] = dg.MetadataValue.path(str(data_docs))
    if data_docs_index is not None:
        metadata["data_docs_index"] = dg.MetadataValue.url(data_docs_index.as_uri())
    metadata["expectations"] = dg.MetadataValue.md(expectations_table(result))
    metadata["expectation_results"] = dg.MetadataValue.json([
        {"expectation": o.type, "column": o.column, "kwargs": o.kwargs,
         "success": o.success, "element_count": o.element_count,
         "unexpected_count": o.unexpected_count, "observed_value": o.observed_value,
         "error": o.error} for o in result.outcomes])
    if result.failures:
        metadata["failed_expectations"] = dg.MetadataValue.md(
            "\n".join(f"- {f.describe()}" for f in result.failures))
        metadata["failures"] = dg.MetadataValue.json([
            {"expectation": f.expectation, "column": f.column,
             "unexpected_count": f.unexpected_count, "element_count": f.element_count,
             "samples": f.samples, "error": f.error} for f in result.failures])
    if result.errors:
        metadata["check_errors"] = dg.MetadataValue.text(
            "Some expectations could not be evaluated: this is a fault in the check itself, "
            "not a verdict on the data.")
    return dg.AssetCheckResult(passed=result.success, metadata=metadata, check_name=check_name,
                               severity=dg.AssetCheckSeverity.WARN if warn_only
                               else dg.AssetCheckSeverity.ERROR)
