"""Published claims (reporting/claims.yaml) and their reconciliation against a published edition.

A claim is one figure a strategy document quotes. Each is checked against the published
tables (indicator_values, indicator_lineage, indicators) of one edition, never bent to fit.
One vocabulary of statuses (STATUSES), used by every reconciliation the project publishes:

- `matches an independent source`: our figure agrees (within the claim's stated tolerance)
  and comes from a source other than the document itself;
- `reproduced only from illustrative example data`: it agrees, but only with the invented
  example returns shipped with the pipeline (reporting/illustrative.py), not council records;
- `circular`: it agrees, but our only source for it quotes this document;
- `differs`: our figure is different, with the difference and the reason;
- `held for another period`: the figure is ours, for a different period than the claim's;
- `no source held`: nothing we hold can check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

from reporting.illustrative import is_illustrative_sha
from warehouse import catalogue
from warehouse.catalogue import SAFE_LOADER
from warehouse.stats import number_or_none

CLAIMS_PATH = Path(__file__).parent / "claims.yaml"
FIELDS = ("value", "numerator", "denominator")
RELATIONS = ("equal", "more_than")
MATCHES = "matches an independent source"
ILLUSTRATIVE = "reproduced only from illustrative example data"
CIRCULAR = "circular"
DIFFERS = "differs"
HELD_OTHER = "held for another period"
NO_SOURCE = "no source held"
STATUSES = {
    MATCHES: "Our figure agrees with the published one, within the stated tolerance (for "
             "example rounding to the nearest thousand), from a source independent of the "
             "document.",
    ILLUSTRATIVE: "Our figure agrees, but only because it is computed from the illustrative "
                  "example returns shipped with the pipeline (invented to be consistent with "
                  "the strategy), not from council records. It shows the method, not a fact.",
    CIRCULAR: "Our figure agrees, but our only source for it quotes this document, so the "
              "agreement checks nothing.",
    DIFFERS: "Our figure is different; the difference and the reason are given, computed "
             "from the data where possible. Figures are never adjusted to agree.",
    HELD_OTHER: "The published figure is one we hold, but for a different period from the "
                "one the document gives it (period ID and label name the period it is).",
    NO_SOURCE: "Nothing we hold can check the claim; the reason is given.",
}

COLUMNS = ["claim_id", "document", "quote", "claimed_text", "claimed_figure", "unit",
           "indicator_id", "area_code", "period_id", "breakdown", "field", "our_figure",
           "our_text", "period_label", "definition", "source_file", "source_sha256",
           "source_rows", "status", "explanation"]


class ClaimsError(ValueError):
    """claims.yaml is wrong: the message names the claim, the field and the fix."""


@dataclass(frozen=True)
class Claim:
    id: str
    document: str
    quote: str
    figure: float
    text: str
    unit: str
    check: dict[str, Any] | None = None
    tolerance: float | None = None
    relation: str = "equal"
    note: str | None = None
    explain: str | None = None
    no_source: str | None = None
    circular: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _error(path: Path, claim_id: str, message: str) -> ClaimsError:
    return ClaimsError(f"{path.name}: claim '{claim_id}': {message}")


def load(path: Path = CLAIMS_PATH, indicator_ids: set[str] | None = None) -> list[Claim]:
    """Read and validate claims.yaml. `indicator_ids` (default: the catalogue's) are the ids a
    claim may check; an unknown id, a missing tolerance or figure is a ClaimsError."""
    if indicator_ids is None:

        indicator_ids = {i.id for i in catalogue.load().indicators}
    document = yaml.load(path.read_text(), Loader=SAFE_LOADER) or {}
    claims: list[Claim] = []
    seen: set[str] = set()
    for raw in document.get("claims") or []:
        claims.append(_parse(path, raw, indicator_ids, seen))
    if not claims:
        raise ClaimsError(f"{path.name}: no claims; the file needs a `claims:` list")
    return claims


def _parse(path: Path, raw: dict[str, Any], indicator_ids: set[str], seen: set[str]) -> Claim:
    claim_id = str(raw.get("id") or "<no id>")
    missing = [k for k in ("id", "document", "quote", "figure", "text", "unit")
               if raw.get(k) in (None, "")]
    if missing:
        raise _error(path, claim_id, f"missing {', '.join(missing)}; every claim needs them")
    if claim_id in seen:
        raise _error(path, claim_id, "the id is used twice; ids must be unique")
    seen.add(claim_id)
    if not isinstance(raw["figure"], int | float) or isinstance(raw["figure"], bool):
        raise _error(path, claim_id, f"figure {raw['figure']!r} is not a number; write it "
                                     "without commas or % (26313, 10.48)")
    check, no_source = raw.get("check"), raw.get("no_source")
    if bool(check) == bool(no_source):
        raise _error(path, claim_id, "give either `check` (with `tolerance`) or `no_source` "
                                     "(why nothing held can check it), not both or neither")
    relation = raw.get("relation", "equal")
    if relation not in RELATIONS:
        raise _error(path, claim_id, f"relation {relation!r} is not one of {list(RELATIONS)}")
    if check:
        tolerance = raw.get("tolerance")
        if tolerance is None or not isinstance(tolerance, int | float) or tolerance < 0:
            raise _error(path, claim_id, "a checked claim needs `tolerance`: the largest "
                                         "difference still called a match (0 for exact)")
        if not isinstance(check, dict) or bool(check.get("indicator")) == bool(check.get("query")):
            raise _error(path, claim_id, "`check` needs either `indicator` (with area, period, "
                                         "field) or `query`")
        if check.get("indicator"):
            if check["indicator"] not in indicator_ids:
                raise _error(path, claim_id, f"unknown indicator id {check['indicator']!r}; "
                                             "use an id from the indicator catalogue")
            lacking = [k for k in ("area", "period") if not check.get(k)]
            if lacking:
                raise _error(path, claim_id, f"check is missing {', '.join(lacking)}")
            if check.get("field", "value") not in FIELDS:
                raise _error(path, claim_id, f"check field {check.get('field')!r} is not one "
                                             f"of {list(FIELDS)}")
    known = set(Claim.__dataclass_fields__) - {"extra"}
    values = {k: v for k, v in raw.items() if k in known}
    values["extra"] = {k: v for k, v in raw.items() if k not in known}
    values["figure"] = float(raw["figure"])
    values["id"] = claim_id
    for key in ("quote", "note", "no_source", "text", "document", "circular"):
        if values.get(key) is not None:
            values[key] = " ".join(str(values[key]).split())
    return Claim(**values)


def format_figure(value: float | None, unit: str) -> str:
    """A figure as a person reads it: thousands separated; percentages to 2 decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "[x]"
    if unit == "%":
        return f"{value:.2f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables")
            .fetchall()}


def _lookups(con: duckdb.DuckDBPyConnection, claims: list[Claim]
             ) -> dict[tuple[str, str, str, str], pd.DataFrame]:
    """For every claim checked against an indicator: every period's row of its indicator,
    area and breakdown, with the lineage and the definition of its field. One query for all
    claims (one query a claim took 10 ms each: half the facts page's time)."""
    keys = sorted({(c.check["indicator"], c.check["area"], c.check.get("breakdown", "all"),
                    c.check.get("field", "value"))
                   for c in claims if c.check and c.check.get("indicator")
                   and not c.check.get("query") and not c.no_source})
    if not keys:
        return {}
    found = con.execute(
        """
        with k as (
            select unnest(?::varchar[]) as indicator_id, unnest(?::varchar[]) as area_code,
                   unnest(?::varchar[]) as breakdown, unnest(?::varchar[]) as field
        ),
        l as (
            select indicator_id, area_code, breakdown, period_id,
                   string_agg(distinct source_file, '; ') as source_file,
                   string_agg(distinct source_sha256, '; ') as source_sha256,
                   string_agg(source_rows, '; ') as source_rows
            from indicator_lineage
            semi join k using (indicator_id, area_code, breakdown)
            group by all
        )
        select k.indicator_id as _indicator, k.area_code as _area,
               k.breakdown as _breakdown, k.field as _field,
               v.period_id, v.period_label, v.numerator, v.denominator, v.value, v.symbol,
               v.note,
               case k.field when 'numerator' then i.numerator
                    when 'denominator' then i.denominator else i.definition end as definition,
               l.source_file, l.source_sha256, l.source_rows
        from k
        join indicator_values v using (indicator_id, area_code, breakdown)
        left join indicators i on i.indicator_id = v.indicator_id
        left join l on l.indicator_id = v.indicator_id and l.area_code = v.area_code
                   and l.breakdown = v.breakdown and l.period_id = v.period_id
        order by all
        """,
        [list(column) for column in zip(*keys, strict=True)]).df()
    groups = dict(iter(found.groupby(["_indicator", "_area", "_breakdown", "_field"],
                                     sort=False)))
    empty = found.iloc[0:0]
    return {key: groups.get(key, empty).drop(columns=["_indicator", "_area", "_breakdown",
                                                      "_field"]).reset_index(drop=True)
            for key in keys}


def _agrees(claim: Claim, ours: float) -> bool:
    if claim.relation == "more_than":
        return ours > claim.figure - (claim.tolerance or 0)
    return abs(ours - claim.figure) <= (claim.tolerance or 0) + 1e-9


def reconcile(con: duckdb.DuckDBPyConnection, claims: list[Claim] | None = None
              ) -> pd.DataFrame:
    """One row per claim: the published figure, ours with its source, and the status."""
    claims = load() if claims is None else claims
    tables = _tables(con)
    needed = {"indicator_values", "indicator_lineage", "indicators"}
    found = _lookups(con, claims) if needed <= tables else {}
    rows = [_reconcile_one(con, claim, tables, found) for claim in claims]
    return pd.DataFrame(rows, columns=COLUMNS)


def _reconcile_one(con: duckdb.DuckDBPyConnection, claim: Claim, tables: set[str],
                   lookups: dict[tuple[str, str, str, str], pd.DataFrame]) -> dict[str, Any]:
    check = claim.check or {}
    row: dict[str, Any] = {
        "claim_id": claim.id, "document": claim.document, "quote": claim.quote,
        "claimed_text": claim.text, "claimed_figure": claim.figure, "unit": claim.unit,
        "indicator_id": check.get("indicator"), "area_code": check.get("area"),
        "period_id": check.get("period"), "breakdown": check.get("breakdown", "all")
        if check.get("indicator") else None,
        "field": check.get("field", "value") if check.get("indicator") else None,
        "our_figure": None, "our_text": None, "period_label": None, "definition": None,
        "source_file": None, "source_sha256": None, "source_rows": None}
    if claim.no_source:
        return {**row, "status": NO_SOURCE, "explanation": claim.no_source}
    if check.get("query"):
        try:
            found = con.execute(check["query"]).df()
        except duckdb.CatalogException:
            return {**row, "status": NO_SOURCE, "explanation":
                    "no source held yet: a table the check reads is not in this edition"}
        except duckdb.Error as exc:
            raise ClaimsError(f"{CLAIMS_PATH.name}: claim '{claim.id}': its check query "
                              f"failed ({exc}); fix the SQL (one row with a `value` column)"
                              ) from exc
        current = found.iloc[0] if len(found) else None
        others = pd.DataFrame()
        value_column = "value"
    else:
        needed = {"indicator_values", "indicator_lineage", "indicators"}
        if not needed <= tables:
            return {**row, "status": NO_SOURCE, "explanation":
                    f"this edition has no {', '.join(sorted(needed - tables))} table"}
        found = lookups[(check["indicator"], check["area"], check.get("breakdown", "all"),
                         check.get("field", "value"))]
        if found.empty:
            return {**row, "status": NO_SOURCE, "explanation":
                    f"no source held yet: indicator {check['indicator']} has no rows for "
                    f"{check['area']} in this edition"}
        value_column = check.get("field", "value")
        here = found[found["period_id"] == check["period"]]
        current = here.iloc[0] if len(here) else None
        others = found[found["period_id"] != check["period"]]
    ours = number_or_none(current[value_column]) if current is not None else None
    if current is not None:
        row.update({k: (None if pd.isna(current.get(k)) else current.get(k))
                    for k in ("period_label", "definition", "source_file", "source_sha256",
                              "source_rows") if k in current.index})
    explain = _explain(con, claim)
    if ours is None:
        symbol = current.get("symbol") if current is not None else None
        why = (f"{value_column} is not held for {check.get('period')}"
               + (f" (published as {symbol})" if isinstance(symbol, str) and symbol else ""))
        for _, other in others.iterrows():
            theirs = number_or_none(other[value_column])
            if theirs is not None and _agrees(claim, theirs):
                row.update({"our_figure": theirs, "our_text": format_figure(theirs, claim.unit),
                            "period_id": other["period_id"],
                            "period_label": other["period_label"],
                            "definition": other["definition"],
                            "source_file": other["source_file"],
                            "source_sha256": other["source_sha256"],
                            "source_rows": other["source_rows"]})
                return {**row, "status": HELD_OTHER, "explanation": _join(
                    f"{why}; {claim.text} is the {other['period_label']} figure (period "
                    f"{other['period_id']}), so the quote sets it in the wrong year",
                    claim.note, explain)}
        return {**row, "status": NO_SOURCE, "explanation": _join(why, claim.note, explain)}
    row.update({"our_figure": ours, "our_text": format_figure(ours, claim.unit)})
    if _agrees(claim, ours):
        status, why = _agreeing_status(claim, current, row)
        return {**row, "status": status, "explanation": _join(
            _match_text(claim, ours), why, claim.note, explain)}
    if claim.relation == "more_than":
        gap = (f"ours ({format_figure(ours, claim.unit)}) is not more than "
               f"{format_figure(claim.figure, claim.unit)}")
    else:
        difference = (f"{ours - claim.figure:+.2f} percentage points" if claim.unit == "%"
                      else format_figure(ours - claim.figure, claim.unit))
        gap = (f"ours is {format_figure(ours, claim.unit)}, a difference of {difference} "
               f"(tolerance {_tolerance(claim)})")
    return {**row, "status": DIFFERS, "explanation": _join(gap, claim.note, explain)}


def _document_title(document: str) -> str:
    """'All-age carers strategy 2026-31, page 6' -> 'all-age carers strategy 2026-31'."""
    return document.split(",")[0].strip().lower()


def _agreeing_status(claim: Claim, current: pd.Series | None, row: dict[str, Any]
                     ) -> tuple[str, str | None]:
    """Which kind of agreement: circular (the claim says so, or the source row cites the
    document), illustrative (a source file is a shipped example), or independent."""
    if claim.circular:
        return CIRCULAR, claim.circular
    note = current.get("note") if current is not None and "note" in current.index else None
    title = _document_title(claim.document)
    if isinstance(note, str) and title and title in note.lower():
        name = claim.document.split(",")[0]
        return CIRCULAR, f"our only source for this figure cites the {name} itself"
    if is_illustrative_sha(row.get("source_sha256")):
        return ILLUSTRATIVE, ("computed from an illustrative example return "
                              f"({row.get('source_file')}), not council records")
    return MATCHES, None


def _match_text(claim: Claim, ours: float) -> str:
    if claim.relation == "more_than":
        return (f"ours ({format_figure(ours, claim.unit)}) is more than "
                f"{format_figure(claim.figure, claim.unit)}")
    if ours == claim.figure:
        return "the same figure"
    return (f"ours is {format_figure(ours, claim.unit)}; the published figure is within "
            f"{_tolerance(claim)} (rounding)")


def _tolerance(claim: Claim) -> str:
    return f"{claim.tolerance:,g}{' percentage points' if claim.unit == '%' else ''}"


def _explain(con: duckdb.DuckDBPyConnection, claim: Claim) -> str | None:
    if not claim.explain:
        return None
    try:
        found = con.execute(claim.explain).fetchall()
    except duckdb.CatalogException:
        return None  # a table the explanation reads is not in this edition
    except duckdb.Error as exc:
        raise ClaimsError(f"{CLAIMS_PATH.name}: claim '{claim.id}': its `explain` query "
                          f"failed ({exc}); fix the SQL (it must return one row with a "
                          "`text` column)") from exc
    return str(found[0][0]) if found and found[0][0] is not None else None


def _join(*parts: str | None) -> str:
    return ". ".join(p.rstrip(". ") for p in parts if p) + "."
