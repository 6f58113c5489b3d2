"""What a suite is and what its evaluation returns, whichever engine evaluates it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class Suite:
    """A named set of expectations over the rows a SQL query selects.

    `build` receives the `great_expectations.expectations` module and returns expectation
    objects, so GX is only imported when a suite runs. `query` is SQL from our own code; values it
    needs are passed as `params` ($name), never formatted into it.
    """

    name: str
    description: str
    query: str
    build: Callable[[Any], list[Any]]
    row_id: str | None = None  # a column that names the source row, shown in samples
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
class SuiteResult:
    suite: str
    rows: int
    evaluated: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.error]
