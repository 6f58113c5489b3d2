"""What a suite is and what its evaluation returns, whichever engine evaluates it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SAMPLE_SIZE = 5
MASK = "[personal: masked]"


@dataclass(frozen=True)
class Suite:
    """A named set of expectations over the rows a SQL query selects.

    `build` receives the `great_expectations.expectations` module and returns expectation
    objects, so GX is only imported when a suite runs. `query` is SQL from our own code; values it
    needs are passed as `params` ($name), never formatted into it. Values of `personal_columns`
    never leave the engine: samples show them masked.
    """

    name: str
    description: str
    query: str
    build: Callable[[Any], list[Any]]
    row_id: str | None = None  # a column that names the source row, shown in samples
    personal_columns: tuple[str, ...] = ()
    params: tuple[tuple[str, Any], ...] = ()  # values the query uses as $name parameters


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    element_count: int | None
    samples: list[Any]
    error: str | None = None

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        if self.error:
            return f"{self.expectation}{where}: could not be evaluated ({self.error})"
        count = "" if self.unexpected_count is None else \
            f": {self.unexpected_count} of {self.element_count} rows unexpected"
        sample = f"; e.g. {self.samples[:3]}" if self.samples else ""
        return f"{self.expectation}{where}{count}{sample}"


@dataclass
class Outcome:
    """One expectation as evaluated: its configuration (GX type and keyword arguments), the
    verdict and GX's result counts. `samples` are GX's partial unexpected values: plain values,
    or dicts of row id and value(s) where the suite names a row id. `observed_value` is set for
    table-level expectations. Every engine returns one Outcome per declared expectation."""

    type: str
    kwargs: dict[str, Any]
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    missing_count: int | None = None
    samples: list[Any] = field(default_factory=list)
    observed_value: Any = None
    error: str | None = None

    @property
    def column(self) -> str | None:
        return self.kwargs.get("column") or ", ".join(self.kwargs.get("column_list") or []) \
            or None

    @property
    def columns(self) -> list[str]:
        return list(self.kwargs.get("column_list") or
                    ([self.kwargs["column"]] if self.kwargs.get("column") else []))

    def failure(self) -> Failure:
        samples = self.samples
        if not samples and self.observed_value is not None:
            samples = [{"observed_value": self.observed_value}]
        return Failure(self.type, self.column, self.unexpected_count, self.element_count,
                       samples, self.error)


@dataclass
class SuiteResult:
    suite: str
    rows: int
    evaluated: int
    failures: list[Failure] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    engine: str = ""

    @property
    def success(self) -> bool:
        return not self.failures

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.error]


def result_of(suite: str, rows: int, outcomes: list[Outcome], engine: str) -> SuiteResult:
    """The suite's result from one outcome per expectation (failures are the unsuccessful)."""
    return SuiteResult(suite, rows, len(outcomes),
                       [o.failure() for o in outcomes if not o.success or o.error],
                       outcomes, engine)


def mask_personal(result: SuiteResult, suite: Suite) -> SuiteResult:
    """Replace the values of the suite's personal columns in every sample (row ids stay)."""
    personal = set(suite.personal_columns)
    if not personal:
        return result

    def masked(sample: Any, columns: list[str]) -> Any:
        if isinstance(sample, dict):
            return {k: (MASK if k in personal and v is not None else v)
                    for k, v in sample.items()}
        if personal & set(columns) and sample is not None:
            return MASK
        return sample

    for o in result.outcomes:
        o.samples = [masked(s, o.columns) for s in o.samples]
    for f in result.failures:
        columns = [c.strip() for c in (f.column or "").split(",") if c.strip()]
        f.samples = [masked(s, columns) for s in f.samples]
    return result
