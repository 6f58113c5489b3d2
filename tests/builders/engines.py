"""Run a suite on a named engine, and only on that engine: a test named after GX runs GX."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pytest

from expectations import core
from expectations.suite import Suite, SuiteResult

ENGINES = ("sql", "gx")


def on_engine(name: str, monkeypatch: pytest.MonkeyPatch
              ) -> Callable[[duckdb.DuckDBPyConnection, Suite], SuiteResult]:
    """`run_suite` with engine_name=name, the other engine made to fail if it is reached (the
    SQL engine's fallback to GX, or a GX setting quietly answered by the SQL engine)."""

    def refuse(other: str) -> Callable[..., SuiteResult]:
        def run(*args: object, **kwargs: object) -> SuiteResult:
            raise AssertionError(f"the {other} engine ran in a test named after {name}")
        return run

    if name == "gx":
        monkeypatch.setattr(core, "run_suite_sql", refuse("sql"))
    else:
        monkeypatch.setattr(core, "run_suite_gx", refuse("gx"))
    return lambda con, suite: core.run_suite(con, suite, engine_name=name)
