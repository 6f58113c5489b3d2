"""The published form of warehouse tables, and what went into them.

The disclosure boundary: the live warehouse keeps full lineage (file, sha256 and the rows
behind every figure, in marts.indicator_lineage and the audit schema) for analysts. An edition
carries, for figures built from local returns (records about people), the source file name and
sha256 only: no row numbers, no row counts. Public aggregate sources (census, DfE, ASCOF
tables) keep their row references. Every table is built from the disclosure-controlled values
(reporting/disclosure.py), and the interval audit of what is published runs before anything is
written; its report goes into the manifest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from reporting import board, targets
from reporting.disclosure import (
    SUPPRESSED,
    DisclosureError,
    audit_published,
    disclosed_report,
    narrowest,
    protect,
)
from sources.returns.contract import RETURNS
from warehouse.catalogue import Catalogue
from warehouse.db import quote_identifier
from warehouse.indicators import KEY


def indicator_metadata(catalogue: Catalogue) -> pd.DataFrame:
    rows = []
    for ind in catalogue.indicators:
        rows.append({
            "indicator_id": ind.id, "title": ind.title, "definition": ind.definition,
            "rationale": ind.rationale,
            "numerator": ind.numerator.get("definition"),
            "numerator_source": ind.numerator.get("source"),
            "denominator": (ind.denominator or {}).get("definition"),
            "denominator_source": (ind.denominator or {}).get("source"),
            "unit": ind.unit, "decimals": ind.places, "value_type": ind.value_type,
            "polarity": ind.polarity,
            "period_type": ind.period_type, "frequency": ind.frequency,
            "disclosure": ind.disclosure,
            "caveats": " ".join(ind.caveats),
            "series_breaks": " ".join(f"{b.get('period_id')}: {b.get('note')}"
                                      for b in ind.series_breaks),
            "commitments": "; ".join(f"{c} {catalogue.commitments[c]}"
                                     for c in ind.commitments),
            "measures_of_success": "; ".join(f"{m} {catalogue.measures[m]}"
                                             for m in ind.measures),
        })
    return pd.DataFrame(rows)


def published_tables(con: duckdb.DuckDBPyConnection, catalogue: Catalogue,
                     earlier: Sequence[pd.DataFrame] = ()) -> dict[str, pd.DataFrame]:
    """Every table of an edition, disclosure control applied."""
    return protected_tables(con, catalogue, earlier)[0]


def protected_tables(con: duckdb.DuckDBPyConnection, catalogue: Catalogue,
                     earlier: Sequence[pd.DataFrame] = ()
                     ) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Every table of an edition and the disclosure report for its manifest. `earlier` are
    the indicator_values of the editions already published (cells hidden there stay hidden;
    the audit sets them beside this one). Raises DisclosureError, publishing nothing, when
    the audit finds a hidden count narrowed below the protection range."""
    values = con.sql("select * from marts.indicator_values").to_arrow_table().to_pandas()
    people = {i.id for i in catalogue.indicators if i.disclosure == "people"}
    value_types = {i.id: i.value_type for i in catalogue.indicators}
    lineage = con.sql("select * from marts.indicator_lineage").to_arrow_table().to_pandas()
    public = public_files(con)
    published, decision = protect(values, people, catalogue.relations, value_types, earlier)
    excused: dict = {}
    intervals = audit_published(published, values, people, catalogue.relations, value_types,
                                earlier, excused)
    published = published.assign(source=published_sources(published, lineage, public))
    hidden_values = _hidden_counts(values, published, people)
    report = {**decision.report(), "audit": {
        "method": "linear programming (HiGHS) over every published relation, with earlier "
                  "editions beside this one",
        "cells": len(intervals),
        "narrowest_interval": narrowest(intervals),
        "passed": True,
        "disclosed_by_earlier_editions": disclosed_report(excused)},
        "earlier_editions_compared": len(earlier)}
    tables = {
        "indicator_values": published,
        "indicator_lineage": published_lineage(lineage, public),
        "indicators": indicator_metadata(catalogue),
        **board_tables(published, catalogue),
        **{name: protect_reconciliation(frame, hidden_values)
           for name, frame in reconciliation_tables(con).items()},
    }
    return tables, report


def public_files(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Files of public aggregate sources (every raw table that is not a local return): they
    may keep their row references. Any other file is treated as records about people."""
    tables = [t for (t,) in con.execute(
        "select table_name from information_schema.columns where table_schema = 'raw' "
        "and column_name = '_source_file' order by table_name").fetchall()
        if t not in RETURNS]
    files: set[str] = set()
    for table in tables:
        files |= {f for (f,) in con.execute(
            f"select distinct _source_file from {quote_identifier('raw.' + table)}").fetchall()}
    return files


def published_lineage(lineage: pd.DataFrame, public: set[str]) -> pd.DataFrame:
    """indicator_lineage as published: row references for public files only."""
    out = lineage.copy()
    out["source_rows"] = out["source_rows"].astype(object)
    out.loc[~out["source_file"].isin(public), "source_rows"] = None
    return out


def published_sources(values: pd.DataFrame, lineage: pd.DataFrame, public: set[str]
                      ) -> pd.Series:
    """The `source` text of each row: file (sha256) for every source, and the rows only for
    public files."""
    if lineage.empty:
        return pd.Series([None] * len(values), index=values.index, dtype=object)
    rows = lineage["source_rows"].where(lineage["source_file"].isin(public))
    text = (lineage["source_file"] + " (sha256 " + lineage["source_sha256"].str[:12] + ")"
            + rows.map(lambda r: f" rows {r}" if isinstance(r, str) and r else ""))
    # Joined per key in plain Python: a pandas groupby with a Python aggregate walked the
    # Arrow-backed strings one by one (0.2 s a refresh).
    joined: dict[tuple, list[str]] = {}
    for key, part in zip(zip(*(lineage[k].tolist() for k in KEY), strict=True), text.tolist(),
                         strict=True):
        joined.setdefault(key, []).append(part)
    return pd.Series([("; ".join(joined[key]) if key in joined else None)
                      for key in zip(*(values[k].tolist() for k in KEY), strict=True)],
                     index=values.index, dtype=object)


def _hidden_counts(values: pd.DataFrame, published: pd.DataFrame, people: set[str]
                   ) -> dict[str, set[float]]:
    """The true counts hidden in the edition, by area (for tables published beside it)."""
    hidden = published["symbol"].fillna("").astype(str).str.contains(SUPPRESSED, regex=False) \
        & published["indicator_id"].isin(people)
    found: dict[str, set[float]] = {}
    for column in ("numerator", "denominator", "value"):
        part = values.loc[hidden, ["area_code", column]].dropna()
        for area, v in part.itertuples(index=False, name=None):
            found.setdefault(area, set()).add(float(v))
    return found


def protect_reconciliation(frame: pd.DataFrame, hidden: dict[str, set[float]]
                           ) -> pd.DataFrame:
    """A reconciliation table never shows, for an area, a figure held in the warehouse that
    the edition hides: such a held figure is published as [c]."""
    if "area_code" not in frame.columns or not hidden:
        return frame
    out = frame.copy()
    held = [c for c in out.columns if c.startswith(("held", "our", "lsoa_sum", "district"))
            and pd.api.types.is_numeric_dtype(out[c])]
    for column in held:
        mask = [a in hidden and v is not None and not pd.isna(v) and float(v) in hidden[a]
                for a, v in zip(out["area_code"], out[column], strict=True)]
        if any(mask):
            out[column] = out[column].astype(object)
            out.loc[mask, column] = SUPPRESSED
    return out


__all__ = ["DisclosureError", "protected_tables", "published_tables", "raw_inputs"]


def board_tables(published: pd.DataFrame, catalogue: Catalogue) -> dict[str, pd.DataFrame]:
    """The Board's indicator table, the coverage of the strategy and the targets (issue 6),
    built from the disclosure-controlled values so nothing hidden there reappears."""

    agreed = targets.load(catalogue)
    return {
        "board_table": board.board_table(published, catalogue, agreed),
        "coverage": board.coverage_table(catalogue, published),
        "targets": targets.table(agreed),
    }


def reconciliation_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every marts.*_reconciliation table (a published claim checked against the data held),
    published as it is: they hold area totals and quoted figures, never case-level rows."""
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "and table_name like '%\\_reconciliation' escape '\\' order by table_name").fetchall()]
    return {name: con.sql(f"select * from {quote_identifier('marts.' + name)}")
            .to_arrow_table().to_pandas() for name in names}


def raw_inputs(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every input file behind the raw tables, with its sha256; the rows taken from it for
    public files only (a local return's row count is a count of records about people)."""
    tables = con.execute(
        "select table_name from information_schema.columns "
        "where table_schema = 'raw' and column_name = '_source_sha256' order by table_name"
    ).fetchall()
    inputs = []
    for (table,) in tables:
        for file, sha, rows in con.execute(
                "select _source_file, _source_sha256, count(*) from "
                f"{quote_identifier('raw.' + table)} group by all order by all").fetchall():
            entry = {"table": f"raw.{table}", "file": file, "sha256": sha}
            if table not in RETURNS:
                entry["rows"] = rows
            inputs.append(entry)
    return inputs
