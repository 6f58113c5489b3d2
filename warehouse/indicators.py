"""Turn the catalogue's SQL results into indicator_values: values, intervals, comparators,
rank, direction of travel and symbols. The warehouse keeps true values; disclosure control is
applied when publishing.

Lineage: every indicator query returns one row per figure, and says which input rows each
figure is made from in one of three ways:

- `sources`: a list of {file, sha256, rows}, rows as ranges text ('2-40, 42-90') or a list of
  row numbers (the census queries, the benchmark's);
- `refs`: a list of `carers_ref(_source_file, _source_sha256, _source_row)` per figure, for
  queries over small tables only (grants, reach, ASCOF): the lists are built in memory;
- for returns that can be large (events, assessments, young carers): a `lineage` relation in
  long form, one row per set of rows (`row_set`, any name) and staged row (`_source_file`,
  `_source_sha256`, `_source_row`), built with filters and unions, never a list per figure;
  each figure names its set, and `carers_sources(lineage)` (a table macro defined here)
  gives every set its `sources`, row ranges found by a window in row order (which DuckDB
  spills), joined to the figures: see warehouse/sql/indicators/events.sql. Several figures may
  share one set (the events of one type in a year count for events held, attendance...).

The lineage stays in DuckDB: `write_tables` (the refresh) joins it to the figures and writes
indicator_values.source and indicator_lineage in SQL; at 10m event rows the ranges are
hundreds of MiB of text. `compute` gives the same tables as frames (tests, small data)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse import stats
from warehouse.catalogue import Catalogue, Indicator
from warehouse.db import quote_identifier, read_sql

ENGLAND = "E92000001"
KEY = ("indicator_id", "area_code", "period_id", "breakdown")

VALUE_COLUMNS = [
    "indicator_id", "indicator_title", "area_code", "area_name", "area_level",
    "is_sum_of_districts", "period_id", "period_type", "period_label", "breakdown",
    "numerator", "denominator", "value", "lower_ci", "upper_ci", "unit", "value_type",
    "polarity", "england_value", "england_comparison", "region_code", "region_value",
    "region_comparison", "rank", "rank_of", "previous_period_id", "previous_value", "change",
    "direction", "symbol", "note", "source",
    # Comparison with all councils, where the indicator SQL gives it (issue 9, ASCOF): the
    # median of all councils, the distance from it in median absolute deviations, and the
    # council's rank among councils (1 = highest). Null for other indicators.
    "council_median", "mads_from_median", "council_rank", "council_rank_of",
    # Fingertips' outer level (issue 20): 99.8% limits beside the 95%, the comparisons at
    # 99.8%, and half the rounding step of a value the publisher gave already rounded (the
    # England young-carers rate from a percentage rounded to 0.1%), so comparisons allow it.
    "lower_ci_998", "upper_ci_998", "england_comparison_998", "region_comparison_998",
    "value_half_step",
]


class IndicatorError(ValueError):
    """An indicator SQL result does not fit the catalogue."""


def compress_rows(rows: Iterable[int] | str | None) -> str:
    """[2, 3, 4, 9] -> '2-4, 9': the spreadsheet rows a figure was built from."""
    if rows is None:
        return ""
    if isinstance(rows, str):
        return rows
    ordered = sorted({int(r) for r in rows})
    ranges: list[str] = []
    start = prev = None
    for r in ordered:
        if start is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            ranges.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = r
    if start is not None:
        ranges.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(ranges)


def sources_from_refs(refs: list[dict]) -> list[dict]:
    """Group an indicator row's staged-row references ({f: file, s: sha256, r: row}) into
    its sources: one entry per file, with that file's rows sorted and distinct.

    Indicator SQL may return `refs` (one reference per row it read) instead of `sources`."""
    rows_by_file: dict[tuple[str, str], set[int]] = {}
    for ref in refs:
        rows_by_file.setdefault((ref["f"], ref["s"]), set()).add(ref["r"])
    return [{"file": f, "sha256": sha, "rows": sorted(rows)}
            for (f, sha), rows in sorted(rows_by_file.items())]


# A staged row's reference inside indicator SQL: `carers_ref(_source_file, _source_sha256,
# _source_row)`, one BIGINT (the file's number in `_ref_files` x 2^32 + the row), not a
# {file, sha256, row} struct: at 10m event rows each row sits in about six lists, and as
# structs holding two strings those lists were what exhausted DuckDB's memory limit.
REF_FILES = "_ref_files"
ROW_BITS = 4294967296  # 2^32: spreadsheet rows stay far below


def prepare_refs(con: duckdb.DuckDBPyConnection) -> None:
    """Number every file behind a row the indicator SQL reads (the _source_file and
    _source_sha256 of every raw, staging and marts table) and define `carers_ref(file,
    sha256, row)` and `carers_refs(structs)` (a list of {f, s, r} as numbers), for the
    indicator SQL run on `con`."""
    tables = con.execute(
        "select table_schema, table_name from information_schema.columns "
        "where table_schema in ('raw', 'staging', 'marts') group by all having "
        "count(*) filter (where column_name in ('_source_file', '_source_sha256')) = 2 "
        "order by all").fetchall()
    files = " union ".join(
        f"select distinct _source_file as rf_file, _source_sha256 as rf_sha "
        f"from {quote_identifier(schema)}.{quote_identifier(t)}" for schema, t in tables) or \
        "select null::varchar as rf_file, null::varchar as rf_sha where false"
    con.execute(f"create or replace temp table {REF_FILES} as select "
                f"row_number() over (order by rf_file, rf_sha) as rf_n, rf_file, rf_sha "
                f"from ({files})")
    # The numbers as a map literal in the macro: no subquery, so it also works in lambdas.
    pairs = con.execute(f"select rf_file || chr(9) || rf_sha, rf_n from {REF_FILES} "
                        "order by rf_n").fetchall()
    keys = ", ".join("'" + k.replace("'", "''") + "'" for k, _ in pairs)
    numbers = ", ".join(str(n) for _, n in pairs)
    con.execute(f"create or replace temp macro carers_ref(f, s, r) as "
                f"map([{keys}]::varchar[], [{numbers}]::bigint[])[f || chr(9) || s] "
                f"* {ROW_BITS} + r")
    con.execute("create or replace temp macro carers_refs(l) as "
                "list_transform(l, lambda x: carers_ref(x.f, x.s, x.r))")
    con.execute(CARERS_SOURCES)


# `carers_sources(lineage)`: a domain query's lineage in long form (`row_set`, `_source_file`,
# `_source_sha256`, `_source_row`: one row per set of rows and staged row, each staged row at
# most once in a set) to one row per set with its `sources`, a list of {file, sha256, rows}
# sorted by file and sha256, the rows as ranges ('2-40, 42-90'). No list of rows is built: a
# window over each set's rows in row order (which DuckDB spills) marks where a run of
# consecutive rows starts and ends, and only those rows are written into the ranges. A row
# listed twice in one set is an error (a set is a set: use `union`, not `union all`, where
# two branches may give the same row).
CARERS_SOURCES = """
create or replace temp macro carers_sources(lineage) as table
with edges as (
    select row_set, _source_file as f, _source_sha256 as s, _source_row as r,
           lag(_source_row) over w as p, lead(_source_row) over w as n
    from query_table(lineage)
    window w as (partition by row_set, _source_file, _source_sha256 order by _source_row)
),
files as (
    select row_set, f, s,
           string_agg(case when p = r
                           then error('row ' || r || ' of ' || f || ' is listed twice in the '
                                      || 'lineage set ' || row_set::varchar)
                           when p is null or r - p > 1
                           then ', ' || r || case when n is null or n - r > 1 then '' else '-' end
                           else r::varchar end, '' order by r) as rows
    from edges
    where p is null or r - p <> 1 or n is null or n - r <> 1
    group by all
)
select row_set, list({'file': f, 'sha256': s, 'rows': substr(rows, 3)} order by f, s) as sources
from files group by row_set
"""


# Regroups an indicator result's `refs` (carers_ref numbers, or {f, s, r} structs) into
# per-file sources with the rows as ranges ('2-40, 42-90'), inside DuckDB: the same result
# `sources_from_refs` and `compress_rows` give, without a Python object per staged row.
# Consecutive rows share (row - rank): gaps and islands.
REFS_AS_STRUCTS = """
refs as (select distinct _i, ref.f as f, ref.s as s, ref.r as r
         from (select rowid as _i, unnest(refs) as ref from _indicator_rows)),"""
REFS_AS_NUMBERS = f"""
numbers as (select distinct _i, ref
            from (select rowid as _i, unnest(refs) as ref from _indicator_rows)),
refs as (select _i, rf_file as f, rf_sha as s, (ref % {ROW_BITS})::bigint as r
         from numbers join {REF_FILES} on rf_n = ref // {ROW_BITS}),"""
SOURCES_FROM_REFS = """
islands as (select _i, f, s, r - row_number() over (partition by _i, f, s order by r) as island,
                   r from refs),
ranges as (select _i, f, s, min(r) as lo, max(r) as hi from islands group by _i, f, s, island),
files as (select _i, f, s,
                 string_agg(case when lo = hi then lo::varchar
                                 else lo::varchar || '-' || hi::varchar end, ', ' order by lo)
                     as rows
          from ranges group by _i, f, s),
per_row as (select _i, list({'file': f, 'sha256': s, 'rows': rows} order by f, s) as sources
            from files group by _i)
select t.* exclude (refs), coalesce(p.sources, []) as sources
from _indicator_rows as t left join per_row as p on p._i = t.rowid
order by t.rowid
"""


# A `sources` column whose rows are lists of row numbers (the census queries give them so)
# as ranges, per entry, in the entries' own order: what `compress_rows` does, in DuckDB.
LIST_ROWS_AS_TEXT = """
create or replace temp table {table} as
with entries as (select rowid as _i, generate_subscripts(sources, 1) as _pos,
                        unnest(sources) as src from {raw}),
numbers as (select _i, _pos, unnest(src.rows) as r from entries),
islands as (select _i, _pos, r, r - dense_rank() over (partition by _i, _pos order by r)
                       as island
            from numbers where r is not null),
ranges as (select _i, _pos, min(r) as lo, max(r) as hi from islands
            group by _i, _pos, island),
texts as (select _i, _pos,
                 string_agg(case when lo = hi then lo::varchar
                                 else lo::varchar || '-' || hi::varchar end, ', ' order by lo)
                     as rows
          from ranges group by all),
per_row as (select e._i, list({{'file': e.src.file, 'sha256': e.src.sha256,
                                'rows': coalesce(t.rows, '')}} order by e._pos) as sources
            from entries as e left join texts as t using (_i, _pos) group by e._i)
select r.* replace (coalesce(p.sources, []) as sources)
from {raw} as r left join per_row as p on p._i = r.rowid
order by r.rowid
"""


def _ensure_macros(con: duckdb.DuckDBPyConnection) -> None:
    if con.execute("select count(*) from duckdb_functions() where function_name in "
                   "('carers_ref', 'carers_sources')").fetchall()[0][0] < 2:
        prepare_refs(con)


def materialize(con: duckdb.DuckDBPyConnection, sql: str, table: str, *,
                text_rows: bool = False) -> bool:
    """Run one indicator query into the temp table `table`, a `refs` column turned into
    `sources` (list of {file, sha256, rows}); with `text_rows`, sources whose rows are lists
    get them as ranges too. Whether the table has `sources`. The lineage stays in DuckDB:
    at 10m event rows the row ranges of the domain queries are hundreds of MiB of text."""
    _ensure_macros(con)
    return _materialize(con, sql, table, text_rows=text_rows)


def _materialize(con: duckdb.DuckDBPyConnection, sql: str, table: str, *,
                 text_rows: bool = False) -> bool:
    """`materialize` once the macros are in place (listing DuckDB's functions to look for
    them takes 15-45 ms: once per refresh, not once per query)."""
    name = quote_identifier(table)
    head = con.sql(f"select * from ({sql}) limit 0")
    if "refs" not in head.columns:
        list_rows = False
        if text_rows and "sources" in head.columns:
            kind = head.types[head.columns.index("sources")]
            rows = dict(kind.child.children).get("rows") if kind.id == "list" else None
            list_rows = rows is not None and rows.id == "list"
        if not list_rows:
            con.execute(f"create or replace temp table {name} as select * from ({sql})")
            return "sources" in head.columns
        raw = quote_identifier(table + "_raw")
        con.execute(f"create or replace temp table {raw} as select * from ({sql})")
        try:
            con.execute(LIST_ROWS_AS_TEXT.format(table=name, raw=raw))
        finally:
            con.execute(f"drop table if exists {raw}")
        return True
    numbers = "STRUCT" not in str(head.types[head.columns.index("refs")]).upper()
    # Rows are told apart by the table's rowid (insertion order): a row_number() window
    # would gather every row's reference list into one buffer (1 GiB at 10m rows).
    con.execute(f"create or replace temp table _indicator_rows as select * from ({sql})")
    try:
        if numbers:
            (lost,) = con.execute("select count(*) from (select unnest(refs) as ref from "
                                  "_indicator_rows) where ref is null").fetchall()[0]
            if lost:
                raise IndicatorError(f"{lost} row reference(s) of this indicator query name a "
                                     "file that no raw, staging or marts table holds: " + sql[:200])
        con.execute(f"create or replace temp table {name} as with "
                    + (REFS_AS_NUMBERS if numbers else REFS_AS_STRUCTS) + SOURCES_FROM_REFS)
    finally:
        con.execute("drop table if exists _indicator_rows")
    return True


def indicator_records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    """The rows of one indicator query as dicts; a `refs` column becomes `sources`."""
    try:
        materialize(con, sql, "_indicator_records")
        return con.sql("select * from _indicator_records order by rowid"
                       ).to_arrow_table().to_pylist()
    finally:
        con.execute("drop table if exists _indicator_records")


RESULT = "_indicator_result_{}"  # temp table of the catalogue's n-th indicator query


def run_indicator_sql(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> list[dict]:
    """Every indicator query's rows as dicts, without their lineage: each query's result stays
    in the temp table RESULT.format(n), and a row with lineage carries `_result` (n) and
    `_rid` (its rowid there), for `_lineage_tables` to join (drop them with `_drop_results`)."""
    rows: list[dict] = []
    known = {i.id for i in catalogue.indicators}
    prepare_refs(con)  # the files staged now
    for n, sql_name in enumerate(catalogue.sql_files):
        sql = read_sql(sql_name.removesuffix(".sql")).strip().rstrip(";")
        table = RESULT.format(n)
        if _materialize(con, sql, table, text_rows=True):
            records = con.sql(f"select * exclude (sources), {n} as _result, rowid as _rid "
                              f"from {table} order by rowid").to_arrow_table().to_pylist()
        else:
            records = con.sql(f"select * from {table} order by rowid"
                              ).to_arrow_table().to_pylist()
        for rec in records:
            if rec["indicator_id"] not in known:
                raise IndicatorError(
                    f"warehouse/sql/{sql_name} returns indicator_id {rec['indicator_id']!r}, "
                    "which the catalogue does not define; add an entry to "
                    "warehouse/catalogue.yaml or a file in warehouse/catalogue.d/")
        rows.extend(records)
    return rows


def _drop_results(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    for n in range(len(catalogue.sql_files)):
        con.execute(f"drop table if exists {RESULT.format(n)}")
    con.execute("drop table if exists _figure_sources")


def _finite(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _value_and_ci(ind: Indicator, num: Any, den: Any, given: Any,
                  given_lo: Any = None, given_hi: Any = None, z: float = stats.Z95
                  ) -> tuple[float | None, float | None, float | None]:
    """The value and its interval at the level `z` stands for. Limits the source gives are
    95% limits: at any other level they are None unless computed from counts."""
    num, den = _finite(num), _finite(den)
    mult = float(ind.multiplier)
    given_lo, given_hi = ((_finite(given_lo), _finite(given_hi)) if z == stats.Z95
                          else (None, None))
    if ind.value_type == "proportion":
        if num is None or not den:
            return _finite(given), given_lo, given_hi
        lo, hi = stats.wilson(num, den, z)
        return num / den * mult, lo * mult, hi * mult
    if ind.value_type == "rate":
        if num is None or not den:
            return _finite(given), given_lo, given_hi
        lo, hi = stats.rate_interval(int(num), den, mult, z)
        return num / den * mult, lo, hi
    if ind.value_type == "count" and given is None:
        return num, None, None
    return _finite(given), given_lo, given_hi


def _values(con: duckdb.DuckDBPyConnection, catalogue: Catalogue
            ) -> tuple[pd.DataFrame, list[str]]:
    """indicator_values without `source`, in their final order, each row with `_result` and
    `_rid` (where its lineage is: see run_indicator_sql), and the ids of indicators that have
    no data. The caller drops the result tables (`_drop_results`)."""
    areas = {r["area_code"]: r for r in
             con.sql("select * from marts.dim_area").to_arrow_table().to_pylist()}
    periods = {r["period_id"]: r for r in
               con.sql("select * from marts.dim_period").to_arrow_table().to_pylist()}
    by_id = {i.id: i for i in catalogue.indicators}

    out: list[dict[str, Any]] = []
    for rec in run_indicator_sql(con, catalogue):
        ind = by_id[rec["indicator_id"]]
        value, lo, hi = _value_and_ci(ind, rec.get("numerator"), rec.get("denominator"),
                                      rec.get("value"), rec.get("lower_ci"), rec.get("upper_ci"))
        _, lo998, hi998 = _value_and_ci(ind, rec.get("numerator"), rec.get("denominator"),
                                        rec.get("value"), z=stats.Z998)
        area = areas.get(rec["area_code"], {})
        period = periods.get(rec["period_id"])
        if period is None:
            raise IndicatorError(f"{ind.id}: period_id {rec['period_id']!r} is not in dim_period")
        symbols, notes = [], []
        if rec.get("symbol"):
            symbols.append(rec["symbol"])
        if rec.get("note"):
            notes.append(rec["note"])
        if value is None and "[x]" not in symbols and "[c]" not in symbols:
            symbols.append("[x]")
        brk = ind.break_note(rec["period_id"])
        if brk:
            symbols.append("[b]")
            notes.append(brk)
        out.append({
            "indicator_id": ind.id, "indicator_title": ind.title,
            "area_code": rec["area_code"], "area_name": area.get("area_name", rec.get("area_name")),
            "area_level": area.get("area_level", rec.get("area_level")),
            # An indicator whose England and region rows are the publisher's own totals
            # (not sums of districts) says so by returning is_sum_of_districts = false.
            "is_sum_of_districts": bool(rec["is_sum_of_districts"]
                                        if rec.get("is_sum_of_districts") is not None
                                        else area.get("is_sum_of_districts", False)),
            "period_id": rec["period_id"], "period_type": period["period_type"],
            "period_label": period["label"], "breakdown": rec.get("breakdown") or "all",
            "numerator": _finite(rec.get("numerator")),
            "denominator": _finite(rec.get("denominator")),
            "value": value, "lower_ci": lo, "upper_ci": hi, "unit": ind.unit,
            "lower_ci_998": lo998, "upper_ci_998": hi998,
            "value_half_step": _finite(rec.get("value_half_step")),
            "value_type": ind.value_type, "polarity": ind.polarity,
            "region_code": area.get("region_code") if area.get("area_level") == "district"
            else (ENGLAND if area.get("area_level") == "region"
                  else (None if area else rec.get("region_code"))),
            "symbol": " ".join(dict.fromkeys(symbols)) or None,
            "note": " ".join(notes) or None,
            "source": None,  # from the lineage, in DuckDB (_lineage_tables)
            "council_median": _finite(rec.get("council_median")),
            "mads_from_median": _finite(rec.get("mads_from_median")),
            "council_rank": rec.get("council_rank"),
            "council_rank_of": rec.get("council_rank_of"),
            "_start": period["start_date"],
            # False when this value must not be set against the previous period's (a part
            # year, say): no change or direction of travel is computed across it.
            "_comparable": rec.get("comparable") is not False,
            "_result": rec.get("_result"), "_rid": rec.get("_rid"),
        })

    _add_comparators(out, by_id)
    _add_ranks(out, by_id)
    _add_trend(out, by_id)
    have = {r["indicator_id"] for r in out}
    missing = [i.id for i in catalogue.indicators if i.id not in have]
    values = pd.DataFrame(out, columns=[*VALUE_COLUMNS, "_start", "_result", "_rid"])
    values = values.drop(columns="_start")
    values = values.sort_values(list(KEY), kind="stable").reset_index(drop=True)
    return values, missing


def _lineage_tables(con: duckdb.DuckDBPyConnection, catalogue: Catalogue,
                    values: pd.DataFrame) -> None:
    """The temp table _figure_sources: for each row of `values` (by position, `_ord`) its key
    and `sources` from the result tables, joined in DuckDB."""
    with_sources = _with_sources(con, catalogue)
    figures = _figures(values)
    results = " union all ".join(
        f"select {n} as _result, rowid as _rid, sources from {RESULT.format(n)}"
        for n in with_sources) or "select null::integer as _result, null::bigint as _rid, " \
                                   "[]::struct(file varchar, sha256 varchar, rows varchar)[] " \
                                   "as sources where false"
    con.register("_figures", figures)
    try:
        con.execute("create or replace temp table _figure_sources as "
                    "select f._ord, f.indicator_id, f.area_code, f.period_id, f.breakdown, "
                    f"s.sources from _figures as f join ({results}) as s "
                    "on s._result = f._result and s._rid = f._rid")
    finally:
        con.unregister("_figures")


def _figures(values: pd.DataFrame) -> pa.Table:
    """Each row of `values` by position (`_ord`), with its key and where its lineage is
    (`_result`, `_rid`: null where it has none), to join in DuckDB as `_figures`."""
    return pa.table({"_ord": list(range(len(values))),
                     **{k: values[k].astype(object).tolist() for k in KEY},
                     "_result": _integers(values["_result"]),
                     "_rid": _integers(values["_rid"])})


def _integers(column: pd.Series) -> pa.Array:
    """A pandas column of row numbers (NaN where a row has no lineage) as Arrow integers."""
    return pa.array([None if pd.isna(x) else int(x) for x in column], type=pa.int64())


# indicator_values.source: 'file (sha256 first 12) rows ranges', '; ' between files.
SOURCE_TEXT = ("nullif(array_to_string(list_transform(sources, lambda x: x.file || ' (sha256 ' "
               "|| left(x.sha256, 12) || ') rows ' || coalesce(x.rows, '')), '; '), '')")
LINEAGE_SQL = """
select indicator_id, area_code, period_id, breakdown, src.file as source_file,
       src.sha256 as source_sha256, coalesce(src.rows, '') as source_rows
from (select *, unnest(sources) as src, generate_subscripts(sources, 1) as _pos
      from _figure_sources)
order by indicator_id, area_code, period_id, breakdown, source_file, _ord, _pos
"""


def compute(con: duckdb.DuckDBPyConnection, catalogue: Catalogue
            ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """indicator_values, indicator_lineage, and the ids of indicators that have no data, as
    frames (the lineage text comes to Python: for tests and small warehouses; the refresh
    writes the tables with `write_tables`, which keeps it in DuckDB)."""
    try:
        values, missing = _values(con, catalogue)
        _lineage_tables(con, catalogue, values)
        source = dict(con.execute(f"select _ord, {SOURCE_TEXT} from _figure_sources"
                                  ).fetchall())
        values["source"] = [source.get(i) for i in range(len(values))]
        lineage = con.sql(LINEAGE_SQL).df()
    finally:
        _drop_results(con, catalogue)
    return values.drop(columns=["_result", "_rid"]), lineage, missing


# The most row-range text written by one statement of `write_tables`: DuckDB holds a vector's
# strings (up to 2,048 rows) in memory at once, and at 10m event rows one figure's ranges
# run to 7 MB, the events figures to 400 MB: written in one statement they exceeded the 1 GB
# memory limit.
BATCH_BYTES = 48 * 2**20


def write_tables(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, values_table: str,
                 lineage_table: str) -> tuple[pd.DataFrame, int, list[str]]:
    """`create or replace` indicator_values and indicator_lineage as `compute` gives them,
    the lineage (row ranges: hundreds of MiB at national scale) never leaving DuckDB, written
    in batches of figures in their final order, each with at most BATCH_BYTES of ranges.
    The values without `source`, the lineage's row count, and the indicators with no data."""
    values_name, lineage_name = quote_identifier(values_table), quote_identifier(lineage_table)
    try:
        values, missing = _values(con, catalogue)
        with_sources = _with_sources(con, catalogue)
        size: dict[tuple[int, int], int] = {}
        for n in with_sources:
            size.update(((n, rid), int(b or 0)) for rid, b in con.execute(
                "select rowid, list_sum(list_transform(sources, lambda x: "
                f"length(coalesce(x.rows, '')) + 100)) from {RESULT.format(n)}").fetchall())
        table = _figures(values)
        figures = [(i, n, r) for i, (n, r) in enumerate(zip(
            table["_result"].to_pylist(), table["_rid"].to_pylist(), strict=True))]
        con.register("_figures", table)
        con.register("_incoming", pa.Table.from_pandas(
            values.assign(_ord=range(len(values))), preserve_index=False))
        try:
            con.execute(f"create or replace table {values_name} as select * exclude "
                        "(_result, _rid, _ord) replace (null::varchar as source) "
                        "from _incoming limit 0")
            con.execute(f"create or replace table {lineage_name} (indicator_id varchar, "
                        "area_code varchar, period_id varchar, breakdown varchar, "
                        "source_file varchar, source_sha256 varchar, source_rows varchar)")
            for first, last in _batches([size.get((n, r), 0) if n is not None else 0
                                         for _, n, r in figures]):
                batch = [(n, r) for _, n, r in figures[first:last + 1]
                         if n is not None and n in with_sources]
                parts = []
                for n in sorted({n for n, _ in batch}):
                    rids = [r for m, r in batch if m == n]
                    parts.append(f"select f._ord, f.indicator_id, f.area_code, f.period_id, "
                                 f"f.breakdown, r.sources from {RESULT.format(n)} as r "
                                 f"join _figures as f on f._result = {n} and f._rid = r.rowid "
                                 f"where r.rowid between {min(rids)} and {max(rids)} "
                                 f"and f._ord between {first} and {last}")
                sources = " union all ".join(parts) or (
                    "select null::bigint as _ord, null::varchar as indicator_id, "
                    "null::varchar as area_code, null::varchar as period_id, "
                    "null::varchar as breakdown, [{'file': 'x', 'sha256': 'x', 'rows': 'x'}] "
                    "as sources where false")
                con.execute(f"insert into {values_name} select v.* exclude (_result, _rid, "
                            f"_ord) replace (s.source as source) from _incoming as v "
                            f"left join (select _ord, {SOURCE_TEXT} as source from "
                            f"({sources})) as s using (_ord) "
                            f"where v._ord between {first} and {last} order by v._ord")
                con.execute(f"insert into {lineage_name} select indicator_id, area_code, "
                            "period_id, breakdown, src.file, src.sha256, "
                            "coalesce(src.rows, '') from (select *, unnest(sources) as src, "
                            f"generate_subscripts(sources, 1) as _pos from ({sources})) "
                            "order by _ord, src.file, _pos")
        finally:
            con.unregister("_figures")
            con.unregister("_incoming")
        lineage_rows = con.execute(f"select count(*) from {lineage_name}").fetchall()[0][0]
    finally:
        _drop_results(con, catalogue)
    return values.drop(columns=["_result", "_rid"]), lineage_rows, missing


def _with_sources(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> list[int]:
    """The catalogue's queries whose result table has a `sources` column."""
    return [n for n in range(len(catalogue.sql_files))
            if "sources" in con.sql(f"select * from {RESULT.format(n)} limit 0").columns]


def _batches(sizes: list[int]) -> list[tuple[int, int]]:
    """Consecutive (first, last) positions, each run of sizes adding up to at most
    BATCH_BYTES (or one position, if it alone is larger)."""
    out: list[tuple[int, int]] = []
    first, total = 0, 0
    for i, size in enumerate(sizes):
        if i > first and total + size > BATCH_BYTES:
            out.append((first, i - 1))
            first, total = i, 0
        total += size
    if sizes:
        out.append((first, len(sizes) - 1))
    return out


def _comparison(r: dict, comparator: dict | None, polarity: str, level: str) -> str | None:
    """Benchmark row `r` against a comparator row. A comparator published already rounded
    (value_half_step) is a range, not a point: 'similar' when that range meets r's interval."""
    if comparator is None:
        return None
    lo, hi = (r["lower_ci"], r["upper_ci"]) if level == "95" \
        else (r["lower_ci_998"], r["upper_ci_998"])
    return stats.compare_rounded(lo, hi, comparator["value"],
                                 comparator.get("value_half_step"), polarity)


def _add_comparators(rows: list[dict], by_id: dict[str, Indicator]) -> None:
    index = {(r["indicator_id"], r["period_id"], r["breakdown"], r["area_code"]): r
             for r in rows}
    for r in rows:
        polarity = by_id[r["indicator_id"]].polarity
        key = (r["indicator_id"], r["period_id"], r["breakdown"])
        england = index.get((*key, ENGLAND)) if r["area_code"] != ENGLAND else None
        region = index.get((*key, r["region_code"])) if r["region_code"] else None
        r["england_value"] = england["value"] if england else None
        r["region_value"] = region["value"] if region else None
        has_region = r["area_level"] == "district" \
            or (r["area_level"] == "local_authority" and r["region_code"])
        for level, suffix in (("95", ""), ("998", "_998")):
            r["england_comparison" + suffix] = _comparison(r, england, polarity, level)
            r["region_comparison" + suffix] = (_comparison(r, region, polarity, level)
                                               if has_region else None)
        if england and england.get("value_half_step") is not None \
                and r["england_comparison"] is not None:
            half = england["value_half_step"]
            note = (f"England's figure was published already rounded, so it is known only "
                    f"to within {half:g} {r['unit']} either side of {england['value']:g}; "
                    "the comparison with England allows for that.")
            r["note"] = f"{r['note']} {note}" if r.get("note") else note


def _add_ranks(rows: list[dict], by_id: dict[str, Indicator]) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        r["rank"] = r["rank_of"] = None
        if by_id[r["indicator_id"]].ranked and r["area_level"] == "district" \
                and r["value"] is not None:
            groups[(r["indicator_id"], r["period_id"], r["breakdown"])].append(r)
    for members in groups.values():
        ordered = sorted(members, key=lambda r: -r["value"])
        for r in members:
            # Competition ranking, 1 = highest value, whatever the polarity.
            r["rank"] = 1 + sum(1 for o in ordered if o["value"] > r["value"])
            r["rank_of"] = len(members)


def _trend_interval(ind: Indicator, r: dict) -> tuple[float | None, float | None]:
    """The 95% interval the direction-of-travel test uses: the published one, or for a
    count of people or events its Poisson limits (exact below 10, Byars from 10); these
    are not published, since a count is not an estimate of anything."""
    if r["lower_ci"] is not None and r["upper_ci"] is not None:
        return r["lower_ci"], r["upper_ci"]
    value = r["value"]
    if ind.value_type == "count" and value is not None and float(value).is_integer() \
            and value >= 0:
        return stats.byars(int(value))
    return None, None


def _add_trend(rows: list[dict], by_id: dict[str, Indicator]) -> None:
    series: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        series[(r["indicator_id"], r["area_code"], r["breakdown"])].append(r)
    for (ind_id, _, _), members in series.items():
        ind = by_id[ind_id]
        members.sort(key=lambda r: r["_start"])
        previous = None
        for r in members:
            r["previous_period_id"] = previous["period_id"] if previous else None
            r["previous_value"] = previous["value"] if previous else None
            comparable = previous is not None and not (ind.break_note(r["period_id"])
                                                      or ind.break_note(previous["period_id"]))
            comparable = comparable and r.get("_comparable", True) \
                and previous.get("_comparable", True)
            if comparable and r["value"] is not None and previous["value"] is not None:
                r["change"] = r["value"] - previous["value"]
                r["direction"] = stats.direction(
                    r["value"], previous["value"], ind.polarity,
                    _trend_interval(ind, r), _trend_interval(ind, previous))
            else:
                r["change"] = r["direction"] = None
            previous = r
