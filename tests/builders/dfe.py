"""A DfE young-carers file for every local authority, with known totals."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import duckdb

from sources import census, dfe
from sources.files import PUBLIC_DIR, SourceFile, sha256_of
from sources.periods import dim_period_rows
from warehouse import db
from warehouse.catalogue import Catalogue, load
from warehouse.indicators import compute

ROTHERHAM, ENGLAND, YORKS = "E08000018", "E92000001", "E12000003"
HEADER = list(dfe.COLUMNS)
SHIPPED = PUBLIC_DIR / "dfe" / "dfe_young_carers_published_figures.csv"


def _source(path: Path) -> SourceFile:
    return SourceFile(path, "dfe_young_carers", "landing", sha256_of(path))


def dfe_row(period: str, level: str, code: str, name: str, status: str, number: object,
         denominator: object = "", percent: object = "", la: str = "", region: str = "",
         region_name: str = "") -> list[object]:
    national = level == "National"
    return [period, "Academic year", level, ENGLAND, "England",
            "" if national else (code if level == "Regional" else region),
            "" if national else (name if level == "Regional" else region_name),
            la, code if level == "Local authority" else "",
            name if level == "Local authority" else "", "Total", "Total", status, number,
            denominator, percent]



def many_authorities(path: Path) -> dict[str, tuple[int, int, int]]:
    """A real-format file: England, a region and 150 authorities (Rotherham among them, not
    first), each with S, P, N and Total rows; returns code -> (school, parent, pupils)."""
    rng = random.Random(4)
    rows, truth = [], {}
    codes = [f"E{10 + i % 3:02d}{i:06d}" for i in range(149)] + [ROTHERHAM]
    rng.shuffle(codes)
    for i, code in enumerate(codes):
        school, parent = rng.randrange(5, 200), rng.randrange(5, 100)
        pupils = rng.randrange(20_000, 200_000)
        if code == ROTHERHAM:
            school, parent, pupils = 61, 21, 46_000
        truth[code] = (school, parent, pupils)
        name = "Rotherham" if code == ROTHERHAM else f"Authority {i}"
        la = "372" if code == ROTHERHAM else str(800 + i)
        for status, number in (("S", school), ("P", parent),
                               ("N", pupils - school - parent), ("Total", pupils)):
            rows.append(dfe_row("202425", "Local authority", code, name, status, number, la=la,
                             region=YORKS, region_name="Yorkshire and The Humber"))
    # Publisher totals that are NOT the sum of the authorities above (the file is a sample).
    for status, number in (("S", 40_000), ("P", 20_000), ("N", 7_940_000),
                           ("Total", 8_000_000)):
        rows.append(dfe_row("202425", "National", ENGLAND, "England", status, number))
        rows.append(dfe_row("202425", "Regional", YORKS, "Yorkshire and The Humber", status,
                         number // 10))
    rows.append(dfe_row("202425", "Local authority", "E10000999", "Suppressed shire", "S", "c",
                     la="999", region=YORKS, region_name="Yorkshire and The Humber"))
    rng.shuffle(rows)
    with path.open("w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(HEADER)
        w.writerows(rows)
    return truth


def dfe_warehouse(dfe_path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with areas, periods, the DfE tables and an empty service return."""
    con = duckdb.connect()
    db.ensure_schemas(con)
    lookup = PUBLIC_DIR / "lookups" / "LAD22_to_RGN22_lookup_England.csv"
    db.replace_table(con, "raw.lookup_lad_region", census.read_lad_region(
        SourceFile(lookup, "lookup_lad_region", "public", sha256_of(lookup))))
    db.create_table_from_sql(con, "marts.dim_area", "dim_area")
    import pandas as pd
    db.replace_table(con, "marts.dim_period", pd.DataFrame(dim_period_rows()))
    db.replace_table(con, "raw.dfe_young_carers", dfe.read_young_carers(_source(dfe_path)))
    db.create_table_from_sql(con, "staging.dfe_young_carers", "stg_dfe_young_carers")
    db.create_table_from_sql(con, "marts.young_carers_school_census",
                             "young_carers_school_census")
    db.create_table_from_sql(con, "marts.young_carers_reconciliation",
                             "young_carers_reconciliation")
    from sources.returns.contract import get
    from warehouse.returns import ensure_tables, staging_table
    spec = get("young_carers_support")
    ensure_tables(con, spec)
    cols = ", ".join(f'null::{"date" if c.type == "date" else "varchar"} as "{c.name}"'
                     for c in spec.columns)
    con.execute(f"create or replace table {staging_table(spec)} as select "
                f"null::varchar as source_org, {cols}, null::integer as financial_year, "
                "null::varchar as _source_file, null::varchar as _source_sha256, "
                "null::integer as _source_row where false")
    return con


def _young_carer_catalogue() -> Catalogue:
    full = load()
    return Catalogue(full.commitments, full.measures,
                     tuple(i for i in full.indicators if i.sql == "indicators/young_carers.sql"))


def young_carer_values(con):
    values, lineage, _ = compute(con, _young_carer_catalogue())
    return values.set_index(["indicator_id", "area_code", "period_id", "breakdown"]), lineage
