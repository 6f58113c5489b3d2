"""Load and validate the indicator catalogue.

`warehouse/catalogue.yaml` holds the frame (the 2026-31 commitments and the 2022-25 measures
of success) and the census indicators; each domain adds its indicators in a file of its own
under `warehouse/catalogue.d/` (same `indicators:` list format). The files are read in name
order and validated as one catalogue: ids are unique across all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sources.periods import PREFIX
from warehouse.db import SQL_DIR

# libyaml's parser where PyYAML was built with it (the same safe types, about 10x faster:
# the catalogue was 1.5 s of every refresh with the pure-Python parser).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATALOGUE_PATH = Path(__file__).parent / "catalogue.yaml"
CATALOGUE_DIR = Path(__file__).parent / "catalogue.d"

VALUE_TYPES = {"proportion", "rate", "count", "mean", "median", "score", "percentage",
               "percentile"}  # percentile: e.g. a 90th percentile waiting time
POLARITIES = {"higher_is_better", "lower_is_better", "no_judgement"}
DISCLOSURE = {"people", "none"}
REQUIRED = ("id", "title", "definition", "rationale", "unit", "value_type", "polarity",
            "period_type", "frequency", "disclosure", "commitments", "measures", "sql", "inputs",
            "numerator")
# Value types that are a ratio of two counts: their denominator must be defined and sourced.
# The others (counts, means, medians, percentiles, scores) may say `denominator: null`, but
# must say it: a forgotten denominator and "there is none" are different things.
NEEDS_DENOMINATOR = {"proportion", "rate", "percentage"}
# Where each indicator was read from, so an error names the file to fix. Set by
# read_documents on each raw entry; not part of the indicator.
FILE_KEY = "_catalogue_file"


class CatalogueError(ValueError):
    """The catalogue is wrong: the message names the indicator, the field and the fix."""


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    rationale: str
    unit: str
    value_type: str
    polarity: str
    period_type: str
    frequency: str
    disclosure: str
    commitments: tuple[str, ...]
    measures: tuple[str, ...]
    sql: str
    inputs: tuple[str, ...]
    numerator: dict[str, str]
    denominator: dict[str, str] | None = None
    multiplier: float = 1.0
    # Decimal places the indicator is published to (issue 20): the workbook, the facts page
    # and data requests all display values at this precision (cells keep full precision).
    # None only for catalogues that predate the field: see `places`.
    decimals: int | None = None
    ranked: bool = False
    caveats: tuple[str, ...] = ()
    series_breaks: tuple[dict[str, str], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def places(self) -> int:
        """Decimal places to display: as declared, else 1 for ratios, scores, medians and
        percentiles and 0 for counts and means."""
        if self.decimals is not None:
            return self.decimals
        return 0 if self.value_type in {"count", "mean"} else 1

    def break_note(self, period_id: str) -> str | None:
        for item in self.series_breaks:
            if item.get("period_id") == period_id:
                return item.get("note")
        return None


@dataclass(frozen=True)
class Catalogue:
    commitments: dict[str, str]
    measures: dict[str, str]
    indicators: tuple[Indicator, ...]

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    @property
    def sql_files(self) -> list[str]:
        return sorted({i.sql for i in self.indicators})

    @property
    def inputs(self) -> list[str]:
        return sorted({name for i in self.indicators for name in i.inputs})


def _problem(ind_id: str, message: str, file: str | None = None) -> CatalogueError:
    return CatalogueError(f"{file or CATALOGUE_PATH.name}: indicator '{ind_id}': {message}")


def _metadata_problems(raw: dict[str, Any]) -> list[str]:
    """What a complete public-health metadata entry lacks (numerator and denominator with
    sources, caveats, series breaks, at least one commitment)."""
    problems = []
    numerator = raw.get("numerator")
    if not isinstance(numerator, dict) or not numerator.get("definition") \
            or not numerator.get("source"):
        problems.append("numerator needs a definition and a source")
    if "denominator" not in raw:
        problems.append(
            "needs a denominator: give `denominator: {definition, source}`, or "
            "`denominator: null` for a count, mean, median, percentile or score")
    else:
        denominator = raw["denominator"]
        if denominator is None:
            if raw.get("value_type") in NEEDS_DENOMINATOR:
                problems.append(f"a {raw.get('value_type')} needs a denominator "
                                "(definition and source)")
        elif not isinstance(denominator, dict) or not denominator.get("definition") \
                or not denominator.get("source"):
            problems.append("denominator needs a definition and a source (or null)")
    caveats = raw.get("caveats")
    if not isinstance(caveats, list) or not caveats \
            or not all(isinstance(c, str) and c.strip() for c in caveats):
        problems.append("caveats must be a list of at least one sentence")
    breaks = raw.get("series_breaks", "missing")
    if not isinstance(breaks, list):
        problems.append("series_breaks must be a list (`series_breaks: []` if none)")
    elif not all(isinstance(b, dict) and b.get("period_id") and b.get("note") for b in breaks):
        problems.append("each series break needs a period_id and a note")
    if not raw.get("commitments"):
        problems.append("commitments must name at least one of C1-C5")
    return problems


def parse(document: dict[str, Any]) -> Catalogue:
    commitments = dict(document.get("commitments") or {})
    measures = dict(document.get("measures_of_success") or {})
    seen: set[str] = set()
    indicators = []
    known = {f.name for f in Indicator.__dataclass_fields__.values()} - {"extra"}
    first_file: dict[str, str] = {}
    for raw in document.get("indicators") or []:
        raw = dict(raw)
        file = raw.pop(FILE_KEY, None)
        ind_id = str(raw.get("id", "<no id>"))

        def problem(message: str, ind_id: str = ind_id, file: str | None = file
                    ) -> CatalogueError:
            return _problem(ind_id, message, file)

        missing = [k for k in REQUIRED if raw.get(k) in (None, "") and k not in ("measures",)]
        if "measures" not in raw:
            missing.append("measures")
        if missing:
            raise problem(f"missing {', '.join(missing)}; every indicator needs them")
        if ind_id in seen:
            where = f" (first in {first_file[ind_id]})" if first_file.get(ind_id) else ""
            raise problem(f"the id is used twice{where}; ids must be unique")
        seen.add(ind_id)
        first_file[ind_id] = file or ""
        checks = [("value_type", VALUE_TYPES), ("polarity", POLARITIES),
                  ("disclosure", DISCLOSURE), ("period_type", set(PREFIX))]
        for key, allowed in checks:
            if raw[key] not in allowed:
                raise problem(f"{key} {raw[key]!r} is not one of {sorted(allowed)}")
        if "decimals" in raw and (not isinstance(raw["decimals"], int)
                                  or isinstance(raw["decimals"], bool)
                                  or not 0 <= raw["decimals"] <= 6):
            raise problem(f"decimals {raw['decimals']!r} must be a whole number from 0 to 6 "
                          "(the decimal places the indicator is published to)")
        if raw["value_type"] in NEEDS_DENOMINATOR and not raw.get("denominator"):
            raise problem(f"a {raw['value_type']} needs a denominator (definition and source)")
        for c in raw["commitments"]:
            if c not in commitments:
                raise problem(f"unknown commitment {c!r}; known: {sorted(commitments)}")
        for m in raw["measures"] or []:
            if m not in measures:
                raise problem(f"unknown measure of success {m!r}; known: {sorted(measures)}")
        incomplete = _metadata_problems(raw)
        if incomplete:
            raise problem("incomplete metadata: " + "; ".join(incomplete))
        if not (SQL_DIR / raw["sql"]).is_file():
            raise problem(f"sql file warehouse/sql/{raw['sql']} does not exist")
        values = {k: v for k, v in raw.items() if k in known}
        for key in ("commitments", "measures", "inputs", "caveats", "series_breaks"):
            values[key] = tuple(values.get(key) or ())
        values["extra"] = {k: v for k, v in raw.items() if k not in known}
        indicators.append(Indicator(**values))
    return Catalogue(commitments, measures, tuple(indicators))


def read_documents(path: Path = CATALOGUE_PATH, extra_dir: Path | None = CATALOGUE_DIR,
                   extra_folders: tuple[Path | str, ...] = ()
                   ) -> dict[str, Any]:
    """The frame file plus every `*.yaml` under `extra_dir`, as one document."""
    with path.open() as handle:
        document = yaml.load(handle, Loader=SAFE_LOADER) or {}
    indicators = [{**i, FILE_KEY: path.name} for i in document.get("indicators") or []]
    if extra_dir is not None and extra_dir.is_dir():
        for part in sorted(extra_dir.glob("*.yaml")):
            with part.open() as handle:
                extra = yaml.load(handle, Loader=SAFE_LOADER) or {}
            unexpected = set(extra) - {"indicators"}
            if unexpected:
                raise CatalogueError(f"{part.name}: only an `indicators:` list belongs here "
                                     f"(found {sorted(unexpected)}); commitments and measures "
                                     f"are defined once, in {path.name}")
            indicators.extend({**i, FILE_KEY: f"{extra_dir.name}/{part.name}"}
                              for i in extra.get("indicators") or [])
    # Further folders of indicator files for one run (the benchmark's own indicators, given
    # through CARERS_CATALOGUE_EXTRA to the resource). Empty in normal use.
    for folder in extra_folders:
        for part in sorted(Path(folder).glob("*.yaml")):
            with part.open() as handle:
                found = yaml.load(handle, Loader=SAFE_LOADER) or {}
                indicators.extend({**i, FILE_KEY: str(part)}
                                  for i in found.get("indicators") or [])
    return {**document, "indicators": indicators}


@cache
def load(path: Path = CATALOGUE_PATH, extra_dir: Path | None = CATALOGUE_DIR,
         extra_folders: tuple[Path | str, ...] = ()) -> Catalogue:
    """The catalogue; `extra_folders` adds indicator files for one run (the benchmark's)."""
    return parse(read_documents(path, extra_dir, tuple(extra_folders)))
