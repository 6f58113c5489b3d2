"""Load and validate the indicator catalogue.

`warehouse/catalogue.yaml` holds the frame (the 2026-31 commitments and the 2022-25 measures
of success) and the census indicators; each domain adds its indicators in a file of its own
under `warehouse/catalogue.d/` (same `indicators:` list format). The files are read in name
order and validated as one catalogue: ids are unique across all of them.

Any file may also hold a `relations:` list: how published counts are linked (a total and its
breakdowns, one count under two indicators, a numerator that is a count elsewhere, a
complement, stock and flow across periods, small areas adding up to their district, a money
total and the awards behind it). Disclosure control protects over the whole linked set
(reporting/disclosure.py, docs/disclosure.md)."""

from __future__ import annotations

import re
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


RELATION_KINDS = ("breakdowns", "same", "sum", "complement", "money", "derived", "areas")
PARTS = {"numerator": "n", "denominator": "d", "value": "v"}


@dataclass(frozen=True)
class Ref:
    """One published count: an indicator's numerator (or denominator, or value) for a
    breakdown (`*`: every breakdown but `all`), in the same period or the previous one."""
    indicator: str
    breakdown: str = "all"
    part: str = "numerator"
    period: str = "same"
    sign: float = 1.0
    # A term whose row is not published: zero (a breakdown with no records has no row; the
    # stock before the first period held, as an attacker would assume) or unknown.
    missing: str = "zero"


@dataclass(frozen=True)
class Relation:
    """How published counts are linked; see RELATION_KINDS and docs/disclosure.md.

    breakdowns: `indicator`'s `parts` (or every breakdown) add up to its `total` breakdown.
    same:       every ref in `refs` is one count.
    sum:        `total` = sum of sign x term over `terms` (stock and flow: a term with
                `period: previous`).
    complement: `whole` - `part` is a count of people too (for example awards = applications -
                ineligible); every proportion about people has its own complement already.
    money:      `amount`'s value is a money total behind the counts `refs`: its whole row is
                hidden whenever one of them is (an amount divided by a flat rate is a count).
    derived:    the same for any figure computed from counts in a way that is not a sum (a
                denominator that is meetings x members).
    areas:      `indicator`'s rows at `from_level` add up to their parent area's row."""
    kind: str
    file: str
    indicator: str | None = None
    total: Ref | None = None
    refs: tuple[Ref, ...] = ()
    parts: tuple[str, ...] | None = None
    from_level: str | None = None

    def indicators(self) -> set[str]:
        ids = {r.indicator for r in self.refs}
        if self.total:
            ids.add(self.total.indicator)
        if self.indicator:
            ids.add(self.indicator)
        return ids


@dataclass(frozen=True)
class Catalogue:
    commitments: dict[str, str]
    measures: dict[str, str]
    indicators: tuple[Indicator, ...]
    relations: tuple[Relation, ...] = ()

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
        indicator = Indicator(**values)
        if indicator.disclosure == "people" and stated_values(indicator):
            raise problem("published text states a data value: "
                          + "; ".join(stated_values(indicator)) + ". Caveats and rationale are "
                          "published beside protected figures: describe, do not quote counts "
                          "(a figure quoted from a document belongs in reporting/claims.yaml).")
        indicators.append(indicator)
    by_id = {i.id: i for i in indicators}
    relations = tuple(parse_relation(raw, by_id) for raw in document.get("relations") or [])
    return Catalogue(commitments, measures, tuple(indicators), relations)


# What a caveat or rationale may say with digits: years and year ranges, dates, the
# suppression rule itself, interval levels, thresholds, commitments and identifiers. Anything
# else with a digit reads as a data value and is refused (issue 17: "told 4 applicants").
_ALLOWED_NUMBERS = [
    r"\b(19|20)\d\d\s*[-/\u2013]\s*(19|20)?\d\d\b",           # 2022-25, 2020-21, 2022/23
    r"\b(19|20)\d\d\b",                                          # a year
    r"\b\d{1,2}\s+(January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b",                                       # 31 March
    r"\b1\s*(-|\u2013|to|and)\s*4\b",                               # counts of 1-4
    r"\b(fewer|less|lower|more|greater|higher) than £?\d+\b"
    r"|\b(under|below|over|above|at least) £?\d+\b",
    r"\b\d+\+? (or more )?hours\b",                                # a band of the question
    r"\b\d+(\.\d+)?%\s+(confidence\s+)?intervals?\b",                # 95% interval
    r"\b(commitments?|measure) \d\b",
    r"\(1 = highest[^)]*\)",
    r"\bper 1,?000\b|\bx 1?0+\b",
    r"[A-Za-z]+[-.]?\d[\w.]*",                                      # 1D? no: C1, AF2.2, COVID-19
    r"\b\d+[A-Za-z][\w]*",                                          # 1D, 3D2, 90th, 50+h
]
_ALLOWED = re.compile("|".join(f"(?:{p})" for p in _ALLOWED_NUMBERS))
_DIGITS = re.compile(r"\d[\d,.]*")


def text_states_value(text: str) -> list[str]:
    """The numbers in `text` that are not a year, a date, the suppression rule, an interval
    level, a threshold or an identifier: each reads as a data value."""
    rest = _ALLOWED.sub(" ", text)
    return [m.group().rstrip(",.") for m in _DIGITS.finditer(rest)]


def stated_values(ind: Indicator) -> list[str]:
    found = []
    for where, text in [("rationale", ind.rationale),
                        *(("caveat", c) for c in ind.caveats)]:
        numbers = text_states_value(text or "")
        if numbers:
            found.append(f"{where} says {', '.join(repr(n) for n in numbers)} in {text!r}")
    return found


def _ref(raw: Any, file: str, where: str) -> Ref:
    if isinstance(raw, str):
        raw = {"indicator": raw}
    if not isinstance(raw, dict) or "indicator" not in raw:
        raise CatalogueError(f"{file}: relation {where}: each count is "
                             "{indicator, breakdown?, part?, period?, sign?}")
    unknown = set(raw) - {"indicator", "breakdown", "part", "period", "sign", "missing"}
    if unknown:
        raise CatalogueError(f"{file}: relation {where}: unknown keys {sorted(unknown)}")
    if raw.get("part", "numerator") not in PARTS:
        raise CatalogueError(f"{file}: relation {where}: part must be one of {sorted(PARTS)}")
    if raw.get("period", "same") not in ("same", "previous"):
        raise CatalogueError(f"{file}: relation {where}: period must be same or previous")
    period = raw.get("period", "same")
    missing = raw.get("missing", "zero")
    if missing not in ("zero", "unknown"):
        raise CatalogueError(f"{file}: relation {where}: missing must be zero or unknown")
    return Ref(str(raw["indicator"]), str(raw.get("breakdown", "all")),
               raw.get("part", "numerator"), period, float(raw.get("sign", 1)), missing)


def parse_relation(raw: dict[str, Any], by_id: dict[str, Indicator]) -> Relation:
    """One `relations:` entry, checked against the indicators it names."""
    raw = dict(raw)
    file = raw.pop(FILE_KEY, CATALOGUE_PATH.name)
    kind = raw.get("kind")
    where = f"{kind} {raw.get('indicator') or raw.get('total') or raw.get('refs') or ''}"
    if kind not in RELATION_KINDS:
        raise CatalogueError(f"{file}: relation kind {kind!r} is not one of "
                             f"{list(RELATION_KINDS)}")
    if kind == "breakdowns":
        parts = raw.get("parts", "rest")
        rel = Relation(kind, file, indicator=raw.get("indicator"),
                       total=_ref({"indicator": raw.get("indicator"),
                                   "breakdown": raw.get("total", "all")}, file, where),
                       parts=None if parts == "rest" else tuple(str(p) for p in parts))
    elif kind == "same":
        rel = Relation(kind, file, refs=tuple(_ref(r, file, where) for r in raw.get("refs", [])))
        if len(rel.refs) < 2:
            raise CatalogueError(f"{file}: relation {where}: `same` needs two refs or more")
    elif kind == "sum":
        rel = Relation(kind, file, total=_ref(raw.get("total"), file, where),
                       refs=tuple(_ref(r, file, where) for r in raw.get("terms", [])))
    elif kind == "complement":
        rel = Relation(kind, file, total=_ref(raw.get("whole"), file, where),
                       refs=(_ref(raw.get("part"), file, where),))
    elif kind in ("money", "derived"):
        rel = Relation(kind, file, indicator=raw.get("amount"),
                       refs=tuple(_ref(r, file, where) for r in raw.get("counts", [])))
    else:  # areas
        rel = Relation(kind, file, indicator=raw.get("indicator"),
                       from_level=str(raw.get("from_level", "lsoa")))
    for ind_id in rel.indicators():
        if ind_id not in by_id:
            raise CatalogueError(f"{file}: relation {where} names indicator {ind_id!r}, "
                                 "which the catalogue does not define")
    if kind not in ("money", "derived"):
        kinds = {by_id[i].disclosure for i in rel.indicators()}
        if len(kinds) > 1:
            public = sorted(i for i in rel.indicators() if by_id[i].disclosure != "people")
            raise CatalogueError(
                f"{file}: relation {where} links counts about people with {public}, marked "
                "`disclosure: none`: a count shared with a count of people is about people; "
                "mark them `disclosure: people`")
    return rel


def read_documents(path: Path = CATALOGUE_PATH, extra_dir: Path | None = CATALOGUE_DIR,
                   extra_folders: tuple[Path | str, ...] = ()
                   ) -> dict[str, Any]:
    """The frame file plus every `*.yaml` under `extra_dir`, as one document."""
    with path.open() as handle:
        document = yaml.load(handle, Loader=SAFE_LOADER) or {}
    indicators = [{**i, FILE_KEY: path.name} for i in document.get("indicators") or []]
    relations = [{**r, FILE_KEY: path.name} for r in document.get("relations") or []]
    if extra_dir is not None and extra_dir.is_dir():
        for part in sorted(extra_dir.glob("*.yaml")):
            with part.open() as handle:
                extra = yaml.load(handle, Loader=SAFE_LOADER) or {}
            unexpected = set(extra) - {"indicators", "relations"}
            if unexpected:
                raise CatalogueError(f"{part.name}: only an `indicators:` list (and a "
                                     "`relations:` list) belong here "
                                     f"(found {sorted(unexpected)}); commitments and measures "
                                     f"are defined once, in {path.name}")
            indicators.extend({**i, FILE_KEY: f"{extra_dir.name}/{part.name}"}
                              for i in extra.get("indicators") or [])
            relations.extend({**r, FILE_KEY: f"{extra_dir.name}/{part.name}"}
                             for r in extra.get("relations") or [])
    # Further folders of indicator files for one run (the benchmark's own indicators, given
    # through CARERS_CATALOGUE_EXTRA to the resource). Empty in normal use.
    for folder in extra_folders:
        for part in sorted(Path(folder).glob("*.yaml")):
            with part.open() as handle:
                found = yaml.load(handle, Loader=SAFE_LOADER) or {}
            indicators.extend({**i, FILE_KEY: str(part)} for i in found.get("indicators") or [])
            relations.extend({**r, FILE_KEY: str(part)} for r in found.get("relations") or [])
    return {**document, "indicators": indicators, "relations": relations}


@cache
def load(path: Path = CATALOGUE_PATH, extra_dir: Path | None = CATALOGUE_DIR,
         extra_folders: tuple[Path | str, ...] = ()) -> Catalogue:
    """The catalogue; `extra_folders` adds indicator files for one run (the benchmark's)."""
    return parse(read_documents(path, extra_dir, tuple(extra_folders)))
