"""Run a suite of GX expectations on a frame selected from DuckDB; summarise the result."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import duckdb

from expectations.sql_engine import UnsupportedExpectation, run_suite_sql
from expectations.suite import (
    SAMPLE_SIZE,
    Failure,
    Outcome,
    Suite,
    SuiteResult,
    mask_personal,
    result_of,
)

__all__ = ["SAMPLE_SIZE", "Failure", "Suite", "SuiteResult", "run_suite", "run_suite_gx"]

# Which engine evaluates suites: "sql" (default: the declared expectations compiled to DuckDB
# SQL, no row data leaves DuckDB) or "gx" (Great Expectations on a pandas frame, the reference).
# The variable is read by the pipeline's settings and given to the resource, not here.
ENGINE_VARIABLE = "CARERS_EXPECTATIONS_ENGINE"


@cache
def _context() -> Any:
    """One ephemeral GX context per process (a run executes in one process)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False,
                                                         metric_calculations=False)
    context.data_sources.add_pandas("frames")
    return context


def _exception_text(info: Any) -> str | None:
    """GX reports an expectation it could not evaluate only through exception_info."""
    if not info:
        return None
    if isinstance(info, dict) and "raised_exception" in info:
        return (info.get("exception_message") or "error") if info["raised_exception"] else None
    if isinstance(info, dict):
        for value in info.values():
            text = _exception_text(value)
            if text:
                return text
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    value = value.item() if hasattr(value, "item") else value
    if value is not None and not isinstance(value, (str, bytes)) and value != value:
        return None  # pandas shows a missing value as NaN / NaT / NA: the SQL engine's null
    return value


ENGINES = ("sql", "gx")


def engine(value: str = "") -> str:
    """The engine named by `value` (blank: "sql"), checked."""
    value = value.strip().lower() or "sql"
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_VARIABLE}={value!r}: use 'sql' (default) or 'gx'")
    return value


def run_suite(con: duckdb.DuckDBPyConnection, suite: Suite,
              engine_name: str = "sql") -> SuiteResult:
    """Evaluate a suite with the SQL engine (default) or GX (`CARERS_EXPECTATIONS_ENGINE=gx`).

    A suite using an expectation the SQL engine does not know runs on GX, so every suite is
    always evaluated by one engine or the other."""
    chosen = engine(engine_name)
    if chosen == "sql":
        try:
            return mask_personal(run_suite_sql(con, suite), suite)
        except UnsupportedExpectation:
            pass
    return mask_personal(run_suite_gx(con, suite), suite)


def run_suite_gx(con: duckdb.DuckDBPyConnection, suite: Suite) -> SuiteResult:
    import great_expectations as gx

    frame = con.sql(suite.query, params=dict(suite.params) or None).to_arrow_table().to_pandas()
    context = _context()
    source = context.data_sources.get("frames")
    asset = source.add_dataframe_asset(f"{suite.name}_{id(frame)}")
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": frame})
    expectations = suite.build(gx.expectations)
    result_format: dict[str, Any] = {"result_format": "SUMMARY",
                                     "partial_unexpected_count": SAMPLE_SIZE}
    if suite.row_id:
        result_format["unexpected_index_column_names"] = [suite.row_id]
    validation = batch.validate(gx.ExpectationSuite(name=suite.name, expectations=expectations),
                                result_format=result_format)
    source.delete_asset(asset.name)

    outcomes = []
    for r in validation.results:
        error = _exception_text(r.exception_info)
        config = {k: _plain(v) for k, v in r.expectation_config.kwargs.items()
                  if k not in ("batch_id",)}
        res = r.result or {}
        samples = res.get("partial_unexpected_index_list") or \
            res.get("partial_unexpected_list") or []
        outcomes.append(Outcome(
            r.expectation_config.type, config, bool(r.success) and not error,
            res.get("element_count"), res.get("unexpected_count"), res.get("missing_count"),
            _plain(samples)[:SAMPLE_SIZE], _plain(res.get("observed_value")), error))
    # GX groups results by domain: give them back in the order the suite declares them.
    order = {_identity(e.expectation_type, e.configuration.kwargs): i
             for i, e in reversed(list(enumerate(expectations)))}
    outcomes.sort(key=lambda o: order.get(_identity(o.type, o.kwargs), len(order)))
    return result_of(suite.name, len(frame), outcomes, "gx")


def _identity(kind: str, kwargs: dict[str, Any]) -> str:
    shown = {k: _plain(v) for k, v in kwargs.items() if k not in ("batch_id",) and v is not None}
    return kind + json.dumps(shown, sort_keys=True, default=str)
