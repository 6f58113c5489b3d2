"""The published form of warehouse tables, and what went into them."""

from __future__ import annotations

import duckdb
import pandas as pd

from reporting import board, targets
from reporting.disclosure import suppress
from warehouse.catalogue import Catalogue
from warehouse.db import quote_identifier


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


def published_tables(con: duckdb.DuckDBPyConnection,
                     catalogue: Catalogue) -> dict[str, pd.DataFrame]:
    """Every table of an edition, disclosure control applied."""
    values = con.sql("select * from marts.indicator_values").to_arrow_table().to_pandas()
    people = {i.id for i in catalogue.indicators if i.disclosure == "people"}
    lineage = con.sql("select * from marts.indicator_lineage").to_arrow_table().to_pandas()
    published = suppress(values, people)
    return {
        "indicator_values": published,
        "indicator_lineage": lineage,
        "indicators": indicator_metadata(catalogue),
        **board_tables(published, catalogue),
        **reconciliation_tables(con),
    }


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
    """Every input file behind the raw tables, with its sha256 and the rows taken from it."""
    tables = con.execute(
        "select table_name from information_schema.columns "
        "where table_schema = 'raw' and column_name = '_source_sha256' order by table_name"
    ).fetchall()
    inputs = []
    for (table,) in tables:
        for file, sha, rows in con.execute(
                "select _source_file, _source_sha256, count(*) from "
                f"{quote_identifier('raw.' + table)} group by all order by all").fetchall():
            inputs.append({"table": f"raw.{table}", "file": file, "sha256": sha, "rows": rows})
    return inputs
