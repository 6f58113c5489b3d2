"""The one adapter from a suite result to a Dagster AssetCheckResult.

It lives with the assets because it imports dagster: expectations/ stays plain Python that
tests call directly.
"""

from __future__ import annotations

import dagster as dg

from expectations.suite import SuiteResult


def to_check_result(result: SuiteResult, warn_only: bool = False) -> dg.AssetCheckResult:
    """`warn_only`: a failure is reported with WARN severity (for checks that do not block)."""
    metadata: dict[str, object] = {
        "rows_validated": result.rows,
        "expectations_evaluated": result.evaluated,
        "expectations_failed": len(result.failures),
    }
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
    return dg.AssetCheckResult(passed=result.success, metadata=metadata,
                               severity=dg.AssetCheckSeverity.WARN if warn_only
                               else dg.AssetCheckSeverity.ERROR)
