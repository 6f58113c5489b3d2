"""Local returns in the warehouse: raw history by file, typed and validated staging, quarantine.

Every row rule runs as one generated SQL statement over the raw text, so the same rules serve
a refresh, a single file checked on its own, and ten million rows. Identifiers come from the
contract (our own code); rule texts and allowed values are bound as parameters.

Rows in = rows loaded + rows quarantined + rows superseded (by a corrected file for the same
organisation and financial year), per file, recorded in audit.file_loads.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from sources.errors import Problem, SourceError
from sources.returns.contract import NOT_RECORDED, Return
from sources.returns.read import TOTAL_ROW, ReadReturn
from sources.returns.values import parse, plain_references, reference_problem
from warehouse import db
from warehouse.audit_log import AuditLog, record_first_seen, replay_history

LINEAGE_COLUMNS = ("_source_file", "_source_sha256", "_source_row", "_loaded_at")
# Problems the reader found in a row (a hidden row, a cell that is not valid text): JSON list
# of {column, value, rule, fix}, quarantined with the row's other problems.
READ_PROBLEMS = "_read_problems"
PROBLEM_JSON = '[{"column": "VARCHAR", "value": "VARCHAR", "rule": "VARCHAR", "fix": "VARCHAR"}]'
PARSED = duckdb.struct_type({"value": "VARCHAR", "rule": "VARCHAR", "fix": "VARCHAR"})
NUMBER_TYPES = ("count", "whole", "money")


# pragma: no mutate on the cache: its size or its absence changes speed, never an answer.
@functools.lru_cache(maxsize=1 << 16)  # pragma: no mutate
def _parsed(kind: str, text: str, maximum: int | None) -> tuple[str | None, str | None,
                                                                  str | None]:
    result = parse(kind, text, maximum)
    return result.value, result.rule, result.fix


def _parse_udf(texts: Any, kinds: Any, maxima: Any) -> pa.StructArray:
    """DuckDB's batch call of sources.returns.values.parse: each distinct text parsed once."""
    texts, kinds, maxima = (a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
                            for a in (texts, kinds, maxima))
    kind = kinds[0].as_py() if len(kinds) else "count"
    maximum = maxima[0].as_py() if len(maxima) else None
    encoded = texts.dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    # References of the plain shape are references as they are (values.plain_references):
    # only the others are parsed one by one.
    plain = (plain_references(encoded.dictionary).to_pylist() if kind == "reference"
             else [False] * len(distinct))
    results = [(t, None, None) if ok else _parsed(kind, t, maximum)
               for t, ok in zip(distinct, plain, strict=True)]
    fields = []
    for i in range(3):
        values = pa.array([r[i] for r in results], pa.string())
        fields.append(values.take(encoded.indices))
    return pa.StructArray.from_arrays(fields, names=["value", "rule", "fix"])


def _reference_udf(texts: Any) -> pa.Array:
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    encoded = texts.dictionary_encode()
    problems = pa.array([reference_problem(t) for t in encoded.dictionary.to_pylist()],
                        pa.string())
    return problems.take(encoded.indices)


def register_parsers(con: duckdb.DuckDBPyConnection) -> None:
    """Make the one parser (sources.returns.values) callable from SQL on this connection:
    carers_parse(text, type, maximum) -> {value, rule, fix}; carers_reference_problem(text)."""
    functions = (("carers_parse", _parse_udf, ["VARCHAR", "VARCHAR", "BIGINT"], PARSED),
                 ("carers_reference_problem", _reference_udf, ["VARCHAR"], "VARCHAR"))
    for name, function, arguments, returns in functions:
        with contextlib.suppress(duckdb.InvalidInputException):
            con.remove_function(name)
        # Already registered on this database by another connection (warehouse.db keeps the
        # database open across a run's connections): the same function, so keep it.
        with contextlib.suppress(duckdb.CatalogException):
            con.create_function(name, function, arguments, returns, type="arrow",
                                null_handling="special", side_effects=False)


q = db.quote_identifier  # names from the contract ('group' is a keyword)


def raw_table(spec: Return) -> str:
    return f"raw.{spec.kind}"


def staging_table(spec: Return) -> str:
    return f"staging.{spec.kind}"


def ensure_tables(con: duckdb.DuckDBPyConnection, spec: Return) -> None:
    columns = ", ".join(f"{q(c)} varchar" for c in [*spec.names, "source_org"])
    con.execute(f"create table if not exists {raw_table(spec)} ({columns}, "
                "_source_file varchar, _source_sha256 varchar, _source_row integer, "
                f"_loaded_at timestamp, {READ_PROBLEMS} varchar)")
    have = {r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = ?", [spec.kind]).fetchall()}
    for name in [*spec.names, READ_PROBLEMS]:
        if name not in have:  # a column added to the contract after this table was made
            con.execute(f"alter table {raw_table(spec)} add column {q(name)} varchar")


def load_raw(con: duckdb.DuckDBPyConnection, read: ReadReturn, loaded_at: datetime
             ) -> tuple[int, int]:
    """Add a file's rows to raw history unless that content is there already.

    Returns (rows in the file, rows newly inserted)."""
    try:
        return _load_raw(con, read, loaded_at)
    finally:
        # The UTF-8 copy of a large CSV sent in another encoding (sources/returns/read.py) is
        # removed whether its rows were new, already in raw history, or could not be read.
        if read.scan is not None and read.scan.temporary:
            read.scan.path.unlink(missing_ok=True)


def _load_raw(con: duckdb.DuckDBPyConnection, read: ReadReturn, loaded_at: datetime
              ) -> tuple[int, int]:
    spec = read.spec
    table = raw_table(spec)
    ensure_tables(con, spec)
    sha = read.source.sha256
    existing = int(db.scalar(con, f"select count(*) from {table} where _source_sha256 = ?",
                             [sha]))
    if existing:
        return existing, 0
    names = [*spec.names, "source_org"]
    params = {"file": read.source.name, "sha": sha, "loaded_at": loaded_at}
    target = (f"{table} ({', '.join(q(n) for n in names)}, _source_file, _source_sha256, "
              f"_source_row, _loaded_at, {READ_PROBLEMS})")
    try:
        if read.table is not None:
            con.register("_incoming_return", read.table)
            try:
                # A workbook's sheets after the first are named in _source_file: file [sheet].
                con.execute(
                    f"insert into {target} select {', '.join(q(n) for n in names)}, "
                    "coalesce(_source_sheet, $file), $sha, _source_row, $loaded_at, "
                    f"{READ_PROBLEMS} from _incoming_return", params)
            finally:
                con.unregister("_incoming_return")
        else:
            _insert_scan(con, read, params, target)
    except duckdb.Error as exc:
        con.execute(f"delete from {table} where _source_sha256 = ?", [sha])
        # DuckDB could not read the file (a large CSV it scans itself): refuse the file by name.
        raise SourceError([Problem(str(read.source.path), None, None, None,
                                   f"the file could not be read as CSV ({_first_line(exc)})",
                                   "Open it in Excel and save it again as 'CSV UTF-8 (comma "
                                   "delimited)', then refresh.")]) from exc
    return int(db.scalar(con, f"select count(*) from {table} where _source_sha256 = ?",
                         [sha])), 1


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _insert_scan(con: duckdb.DuckDBPyConnection, read: ReadReturn, params: dict,
                 target: str) -> None:
    """DuckDB reads a large CSV itself; blank and total rows are dropped as in the Python path.

    Rows are numbered before blank and total rows are dropped, so a row's number is the one
    the partner sees whatever was skipped above it."""
    scan = read.scan
    assert scan is not None
    spec = read.spec
    file_columns = {c: f"column{i:0{len(str(len(scan.columns)))}d}"
                    for i, c in enumerate(scan.columns)}
    select = []
    for name in spec.names:
        select.append(f"nullif(trim({q(file_columns[name])}), '')" if name in file_columns
                      else "null")
    org = (f"coalesce(nullif(trim({q(file_columns['source_org'])}), ''), $org)"
           if "source_org" in file_columns else "$org")
    first = q(file_columns[scan.columns[0]])
    any_value = " or ".join(f"nullif(trim({q(v)}), '') is not null"
                            for v in file_columns.values())
    con.execute(
        f"""
        insert into {target}
        select {', '.join(select)}, {org}, $file, $sha, _row, $loaded_at, null
        from (select *, ($header_row + row_number() over ())::integer as _row
              from read_csv($path, skip = $skip, header = false, all_varchar = true,
                            parallel = false, null_padding = true, delim = $delim,
                            quote = '"', escape = '"', strict_mode = false,
                            columns = $columns))
        where ({any_value})
          and not regexp_full_match(lower(coalesce(trim({first}), '')), $total_re)
        """,
        {**params, "org": read.org, "path": str(scan.path), "skip": scan.skip,
         "header_row": scan.header_row, "total_re": TOTAL_ROW.pattern,
         "delim": scan.delimiter,
         "columns": {v: "VARCHAR" for v in file_columns.values()},
         })


def _typed(column: Any, text: str) -> tuple[str, str | None]:
    """SQL for the typed value of a column and for 'it is there but will not type'."""
    t = column.type
    if t == "text":
        return text, None
    if t in (*NUMBER_TYPES, "reference"):
        # The parser's verdict (carers_parse, see register_parsers) is computed once per row
        # in the `parsed` step; its problem carries its own rule and fix.
        parsed = text.replace("__n_", "__p_", 1)
        cast = {"count": "bigint", "whole": "bigint", "money": "decimal(14, 2)",
                "reference": "varchar"}[t]
        return f"({parsed}).value::{cast}", None
    if t == "date":
        parsed = (f"coalesce(try_strptime({text}, '%Y-%m-%d'), "
                  f"try_strptime({text}, '%d/%m/%Y'), "
                  f"try_strptime({text}, '%Y-%m-%d %H:%M:%S'))::date")
        # A two-digit year (09/06/25) parses as the year 25: not a date anyone meant.
        typed = f"case when year({parsed}) between 1900 and 2999 then {parsed} end"
        return typed, f"{text} is not null and ({typed}) is null"
    if t == "month":
        typed = (f"coalesce(try_strptime({text}, '%Y-%m'), "
                 f"case when day(try_strptime({text}, '%Y-%m-%d')) = 1 "
                 f"then try_strptime({text}, '%Y-%m-%d') end)::date")
        return typed, f"{text} is not null and ({typed}) is null"
    if t == "yesno":
        typed = (f"case when lower({text}) in ('yes', 'y', 'true', '1') then true "
                 f"when lower({text}) in ('no', 'n', 'false', '0') then false end")
        return typed, f"{text} is not null and ({typed}) is null"
    if t == "enum":
        spaced = f"regexp_replace(lower({text}), '\\s+', '_', 'g')"
        allowed = f"$allowed_{column.name.replace('-', '_')}"
        typed = (f"case when list_contains({allowed}, {spaced}) then {spaced} "
                 f"when list_contains({allowed}, replace({spaced}, '-', '_')) "
                 f"then replace({spaced}, '-', '_') end")
        return typed, f"{text} is not null and ({typed}) is null"
    raise ValueError(f"unknown column type {t!r}")


def _type_rule(column: Any) -> tuple[str, str]:
    if column.type == "date":
        return ("must be a date written 2025-06-09 or 09/06/2025 (day/month/year, "
                "four-digit year)",
                "Type the date as day/month/year with a four-digit year, e.g. 09/06/2025, or "
                "use an Excel date cell; US month/day order is not accepted.")
    if column.type == "month":
        return ("must be a month written 2025-06", "Type the month as year-month, e.g. 2025-06.")
    if column.type in ("count", "whole"):
        return ("must be a whole number of 0 or more",
                "Type the number of people or items, without text; leave it blank if it was "
                "not recorded (blank is never read as zero).")
    if column.type == "money":
        return ("must be an amount in pounds of 0 or more, e.g. 250 or 249.99",
                "Type the amount without text; leave it blank if not known.")
    if column.type == "yesno":
        return "must be yes or no", "Type yes or no."
    if column.type == "enum":
        return (f"must be one of: {', '.join(column.allowed)}",
                f"Use one of the allowed values for {column.name} (see the template's "
                "second sheet).")
    return "is not valid", "Correct the value."


@dataclass(frozen=True)
class ValidationSql:
    sql: str
    params: dict[str, Any]


def validation_sql(spec: Return, source: str, today: date) -> ValidationSql:
    """SQL selecting every row of `source` (raw text) typed, with a list of its problems.

    Each column is typed once per row (`typed`), and an enum or a number once per distinct
    text (a return repeats its values), joined back; a row's list of problems is built only
    when one of its conditions holds (at 10m rows, building and filtering a list of every
    possible problem for every clean row was most of staging's time)."""
    params: dict[str, Any] = {"today": today, "not_recorded": list(NOT_RECORDED)}
    normalised, typed, outputs, problems, conditions = [], [], [], [], []

    def problem(condition: str, column: str, value: str, rule: str, fix: str) -> str:
        i = len(params)
        params[f"rule_{i}"], params[f"fix_{i}"] = rule, fix
        return (f"case when {condition} then {{'column': '{column}', 'value': {value}, "
                f"'rule': $rule_{i}, 'fix': $fix_{i}}} end")

    parsed, enums = [], []
    for c in spec.columns:
        text = f"n.{q('__n_' + c.name)}"
        typed_column = f"n.{q('__t_' + c.name)}"
        normalised.append(
            f"case when lower(trim(r.{q(c.name)})) in (select unnest($not_recorded)) then null "
            f"else nullif(trim(r.{q(c.name)}), '') end as {q('__n_' + c.name)}")
        if c.type == "enum":
            params[f"allowed_{c.name.replace('-', '_')}"] = list(c.allowed)
            expression, broken = _typed(c, "t")
            enums.append((c.name, expression))
            expression = f"n.{q('__e_' + c.name)}"
        else:
            expression, broken = _typed(c, text)
        typed.append(f"{expression} as {q('__t_' + c.name)}")
        outputs.append(f"{typed_column} as {q(c.name)}")
        raw_value = f"n.{q(c.name)}"
        if c.required:
            conditions.append(f"{text} is null")
            problems.append(problem(conditions[-1], c.name, raw_value,
                                    "is required and is blank or 'not recorded'",
                                    f"Fill in {c.name}" + (f" ({c.meaning})." if c.meaning
                                                           else ".")))
        if broken:
            # `broken` is "{text} is not null and (typed) is null": the typed value is there
            # once, as a column.
            rule, fix = _type_rule(c)
            conditions.append(f"{text} is not null and {typed_column} is null")
            problems.append(problem(conditions[-1], c.name, raw_value, rule, fix))
        if c.type in (*NUMBER_TYPES, "reference"):
            verdict = f"n.{q('__p_' + c.name)}"
            params[f"type_{c.name}"], params[f"maximum_{c.name}"] = c.type, c.maximum
            parsed.append((c.name, f"carers_parse(t, $type_{c.name}, "
                                   f"$maximum_{c.name}::bigint)"))
            conditions.append(f"{text} is not null and ({verdict}).rule is not null")
            problems.append(
                f"case when {conditions[-1]} then "
                f"{{'column': '{c.name}', 'value': {raw_value}, 'rule': ({verdict}).rule, "
                f"'fix': ({verdict}).fix}} end")
    # The text as sent of each column a row rule names, so a rule reports the partner's value
    # (01/12/2099 as typed, not 2099-12-01).
    rule_columns = sorted({rule.column for rule in spec.rules})
    raw_for_rules = "".join(f" n.{q('__n_' + c)} as {q('__raw_' + c)}," for c in rule_columns)
    # Each distinct text is parsed (a number) or matched (an enum) once, then joined back.
    lookups = [(name, "p", call) for name, call in parsed] + \
        [(name, "e", expression) for name, expression in enums]
    distinct = "".join(
        f"{q(f'__d{letter}_' + name)} as (select t, {call} as v from (select distinct "
        f"{q('__n_' + name)} as t from normalised where {q('__n_' + name)} is not null)),\n"
        for name, letter, call in lookups)
    joins = "\n".join(
        f"left join {q(f'__d{letter}_' + name)} on {q(f'__d{letter}_' + name)}.t = "
        f"n.{q('__n_' + name)}" for name, letter, _ in lookups)
    any_problem = " or ".join(f"({c})" for c in conditions) or "false"
    sql = f"""
        with
        normalised as (
            select r.*, {', '.join(normalised)}
            from {source} as r
        ),
        {distinct}
        parsed as (
            select n.*{''.join(f", {q(f'__d{letter}_' + name)}.v as {q(f'__{letter}_' + name)}"
                               for name, letter, _ in lookups)}
            from normalised as n
            {joins}
        ),
        typed as (
            select n.*, {', '.join(typed)}
            from parsed as n
        ),
        checked as (
            select n._source_file, n._source_sha256, n._source_row, n.source_org,
                   {', '.join(outputs)},{raw_for_rules}
                   list_concat(
                       case when n.{READ_PROBLEMS} is null then []
                            else from_json(n.{READ_PROBLEMS}, '{PROBLEM_JSON}') end,
                       case when {any_problem}
                            then list_filter([{', '.join(problems)}], lambda x: x is not null)
                            else [] end)
                       as problems
            from typed as n
        )
        select * from checked
    """
    if spec.rules:
        # A rule is not checked on a column whose value already failed to type (its own
        # problem says why; '1.250,50' is not also "an awarded grant needs an amount").
        rule_checks = [problem(f"coalesce({rule.broken_when}, false) and not list_contains("
                               f"list_transform(c.problems, lambda x: x.column), '{rule.column}')",
                               rule.column,
                               f"coalesce(c.{q('__raw_' + rule.column)}, "
                               f"c.{q(rule.column)}::varchar)", rule.rule, rule.fix)
                       for rule in spec.rules]
        any_broken = " or ".join(f"coalesce({rule.broken_when}, false)" for rule in spec.rules)
        raw_columns = ", ".join(q("__raw_" + c) for c in rule_columns)
        sql = f"""
            with base as ({sql})
            select c.* exclude (problems, {raw_columns}),
                   case when {any_broken}
                        then list_concat(c.problems, list_filter([{', '.join(rule_checks)}],
                                                                 lambda x: x is not null))
                        else c.problems end
                       as problems
            from base as c
        """
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
    return ValidationSql(sql, used)


@dataclass
class StagingCounts:
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    rows_superseded: int
    skipped_rules: list[str] = field(default_factory=list)
    # Per file content: {"sha256", "covers": [{"organisation", "financial_year",
    # "superseded_by"}]}: what it covers and, where it lost, the file that replaced it.
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class CrossRule:
    """A rule that needs another return's staged table: `broken_when` is a SQL condition on
    the row (alias v) that may read `requires`. When that table does not exist the rule is
    skipped, and the skip is reported with the staging counts."""

    name: str
    column: str
    requires: str
    broken_when: str
    rule: str
    fix: str


CROSS_RULES: dict[str, tuple[CrossRule, ...]] = {
    "grant_outcomes": (
        CrossRule("grant_was_awarded", "grant_id", "staging.grant_awards",
                  "v.grant_id is not null and not exists (select 1 from staging.grant_awards "
                  "as a where a.grant_id = v.grant_id and a.decision = 'awarded')",
                  "no awarded grant has this grant_id in the grant_awards return",
                  "Check the grant_id against the award letter; if the award is missing, "
                  "send the corrected grant_awards return first."),
    ),
}


def apply_cross_rules(con: duckdb.DuckDBPyConnection, kind: str, table: str = "_validated"
                      ) -> list[str]:
    """Add cross-return problems to the validated rows; the skipped rules, with why."""
    skipped = []
    for rule in CROSS_RULES.get(kind, ()):
        if not db.table_exists(con, rule.requires):
            skipped.append(f"{rule.name}: skipped because {rule.requires} does not exist "
                           f"(no such return loaded yet)")
            continue
        con.execute(f"""
            update {table} as v set problems = list_append(v.problems, {{
                'column': $column, 'value': v.{q(rule.column)}::varchar,
                'rule': $rule, 'fix': $fix}})
            where {rule.broken_when}
        """, {"column": rule.column, "rule": rule.rule, "fix": rule.fix})
    return skipped


def build_staging(con: duckdb.DuckDBPyConnection, spec: Return, current: Sequence[dict],
                  today: date) -> StagingCounts:
    """Rebuild staging.<kind>, its quarantine rows and file counts from the current files.

    `current` lists the files now in the landing folder: dicts of file, sha256, first_seen.
    For each organisation and financial year, rows come from the newest file covering it
    (a corrected resubmission replaces the earlier one); duplicate keys among loaded rows are
    quarantined after their first occurrence."""
    ensure_tables(con, spec)
    register_parsers(con)
    files = pa.table({
        "file": [f["file"] for f in current],
        "sha256": [f["sha256"] for f in current],
        "first_seen": [f["first_seen"] for f in current],
    }, schema=pa.schema([("file", pa.string()), ("sha256", pa.string()),
                         ("first_seen", pa.timestamp("us"))]))
    con.register("_current_files", files)
    try:
        return _build(con, spec, today)
    finally:
        con.unregister("_current_files")


def _build(con: duckdb.DuckDBPyConnection, spec: Return, today: date) -> StagingCounts:
    """One wide temporary table (`_validated`: every current row typed, with its problems,
    financial year and first sight); everything else is small or a view over it. At 10m rows
    each copy of the wide table (supersession, then the duplicate-key windows, as earlier
    versions made) cost tens of seconds and spilled under DuckDB's 1 GB limit."""
    kind = spec.kind
    source = (f"(select r.* from {raw_table(spec)} as r "
              "where r._source_sha256 in (select sha256 from _current_files))")
    check = validation_sql(spec, source, today)
    period = q(spec.period_column)
    # Financial year of each row; the newest file per organisation and year wins.
    fy = (f"case when month(c.{period}) >= 4 then year(c.{period}) "
          f"else year(c.{period}) - 1 end")
    con.execute(f"""
        create or replace temp table _validated as
        select c.*, {fy} as _fy, f.first_seen as _first_seen
        from ({check.sql}) as c
        join _current_files as f on f.sha256 = c._source_sha256
    """, check.params)
    skipped_rules = apply_cross_rules(con, kind)
    # Supersession is decided on the (organisation, year, file) pairs, a few per file.
    con.execute("""
        create or replace temp table _pairs as
        select distinct source_org, _fy, _source_sha256, _source_file, _first_seen
        from _validated where _fy is not null
    """)
    con.execute("""
        create or replace temp table _winners as
        select source_org, _fy, _source_sha256 from (
            select *, row_number() over (partition by source_org, _fy
                                         order by _first_seen desc, _source_file desc) as rn
            from _pairs) where rn = 1
    """)
    # A row is superseded when its year has a value and its (organisation, year, file) did
    # not win. Almost always every pair wins (one file per organisation and year): then no
    # row is, and no row needs the join.
    losers = db.scalar(con, "select count(*) from _pairs as p anti join _winners as w "
                            "using (source_org, _fy, _source_sha256)")
    superseded = ("v._fy is not null and w._source_sha256 is null" if losers else "false")
    winners = ("left join _winners as w using (source_org, _fy, _source_sha256)"
               if losers else "")
    con.execute(f"""
        create or replace temp view _ranked as
        select v.*, v.rowid as _rid, {superseded} as _superseded
        from _validated as v {winners}
    """)
    if spec.key:
        _mark_duplicates(con, spec)

    names = ", ".join(q(n) for n in spec.names)
    con.execute(f"""
        create or replace table {staging_table(spec)} as
        select source_org, {names}, _fy as financial_year,
               _source_file, _source_sha256, _source_row
        from _ranked
        where not _superseded and len(problems) = 0
        order by source_org, _first_seen, _source_file, _source_row
    """)
    con.execute("delete from audit.quarantine where return_kind = ?", [kind])
    con.execute("""
        insert into audit.quarantine
        select $kind, _source_file, _source_sha256, _source_row, p.column, p.value, p.rule,
               p.fix, now()::timestamp
        from (select _source_file, _source_sha256, _source_row, unnest(problems) as p
              from _ranked where not _superseded and len(problems) > 0)
        order by _source_file, _source_row
    """, {"kind": kind})
    con.execute("delete from audit.file_loads where return_kind = ? "
                "and status is distinct from 'rejected'", [kind])
    con.execute("""
        insert into audit.file_loads by name
        select $kind as return_kind, _source_file as source_file,
               _source_sha256 as source_sha256,
               count(*)::integer as rows_in,
               (count(*) filter (where not _superseded and len(problems) = 0))::integer
                   as rows_loaded,
               (count(*) filter (where not _superseded and len(problems) > 0))::integer
                   as rows_quarantined,
               (count(*) filter (where _superseded))::integer as rows_superseded,
               now()::timestamp as loaded_at, 'loaded' as status
        from _ranked group by _source_file, _source_sha256
    """, {"kind": kind})
    # What each file covers, from the pairs (a pair's rows are superseded together).
    covers = con.execute("""
        with pairs as (
            select distinct p._source_sha256, p._source_file, p.source_org, p._fy,
                   w._source_sha256 is null as _superseded
            from _pairs as p left join _winners as w using (source_org, _fy, _source_sha256)
        )
        select p._source_sha256, p.source_org, p._fy,
               case when p._superseded then w._source_sha256 end
        from pairs as p left join _winners as w using (source_org, _fy)
        order by 1, 2, 3
    """).fetchall()
    by_file: dict[str, list[dict[str, Any]]] = {}
    for sha, org, fy_, winner in covers:
        by_file.setdefault(sha, []).append(
            {"organisation": org, "financial_year": fy_, "superseded_by": winner})
    # The totals are the sums of this kind's file counts just written (no further scan).
    totals = con.execute("""
        select coalesce(sum(rows_in), 0), coalesce(sum(rows_loaded), 0),
               coalesce(sum(rows_quarantined), 0), coalesce(sum(rows_superseded), 0)
        from audit.file_loads where return_kind = ? and status = 'loaded'
    """, [kind]).fetchall()[0]
    con.execute("drop view if exists _ranked")
    for temp in ("_validated", "_pairs", "_winners", "_repeated", "_duplicates"):
        con.execute(f"drop table if exists {temp}")
    return StagingCounts(*(int(x) for x in totals), skipped_rules=skipped_rules,
                         files=[{"sha256": sha, "covers": c} for sha, c in by_file.items()])


def _mark_duplicates(con: duckdb.DuckDBPyConnection, spec: Return) -> None:
    """Quarantine each loaded row whose key an earlier loaded row has (earlier: first seen,
    then file, then row), naming that first row; across senders the rule names both files.

    Almost every key occurs once. The hashes of the keys that occur more than once are found
    by grouping (one number per row: grouping the key's texts themselves took longer), and
    only the rows with such a hash are ordered, by their exact key (a hash shared by two
    different keys gives each key a partition of its own, so its first row stays first). A
    window over every row sorted all of them: at 10m rows the slowest part of staging. The
    problem is added to those few rows of `_validated`, found by rowid."""
    key = [q(k) for k in spec.key]
    partition = ", ".join(key if spec.key_across_senders else ["source_org", *key])
    eligible = "from _ranked where not _superseded and len(problems) = 0"
    con.execute(f"""
        create or replace temp table _repeated as
        select hash({partition}) as _h {eligible}
        group by _h having count(*) > 1
    """)
    con.execute(f"""
        create or replace temp table _duplicates as
        select * exclude (_n) from (
            select _rid, row_number() over w as _n,
                   first(_source_row) over w as _first_row,
                   first(_source_file) over w as _first_file,
                   first(source_org) over w as _first_org
            {eligible} and hash({partition}) in (select _h from _repeated)
            window w as (partition by {partition}
                         order by _first_seen, _source_file, _source_row))
        where _n > 1
    """)
    if not db.scalar(con, "select count(*) from _duplicates"):
        return
    con.execute(f"""
        update _validated as v set problems = list_append(v.problems, {{
            'column': $key_column, 'value': v.{q(spec.key[-1])}::varchar,
            'rule': 'duplicates row ' || d._first_row || ' of ' || d._first_file
                    || case when d._first_org is distinct from v.source_org
                            then ' sent by ' || d._first_org else '' end
                    || ' (' || $key_text || ' must be unique' || $scope || ')',
            'fix': case when d._first_org is distinct from v.source_org
                        then 'Agree with ' || d._first_org || ' which of you sends '
                             || 'this row, and remove it from the other file; or '
                             || 'give it its own ' || $key_column || '.'
                        else 'Remove the repeated row, or give it its own '
                             || $key_column || '.' end}})
        from _duplicates as d
        where v.rowid = d._rid
    """, {"key_column": spec.key[-1], "key_text": " + ".join(spec.key),
          "scope": " across all senders" if spec.key_across_senders else ""})


def check_return(read: ReadReturn, today: date) -> tuple[list[Problem], StagingCounts]:
    """Validate one file on its own, in memory: what a refresh would quarantine."""
    con = duckdb.connect()
    try:
        db.ensure_schemas(con)
        load_raw(con, read, datetime.now())
        counts = build_staging(con, read.spec, [{"file": read.source.name,
                                                 "sha256": read.source.sha256,
                                                 "first_seen": datetime.now()}], today)
        rows = con.execute("select source_file, source_row, column_name, value, rule, fix "
                           "from audit.quarantine "
                           "order by source_file = $file desc, source_file, source_row, "
                           "column_name", {"file": read.source.name}).fetchall()
    finally:
        con.close()
    # Rows on a workbook's further sheets carry the sheet in their file name: file [sheet].
    problems = [Problem(str(read.source.path) + r[0][len(read.source.name):], r[1], r[2], r[3],
                        r[4], r[5]) for r in rows]
    return problems, counts


def record_rejected(con: duckdb.DuckDBPyConnection, kind: str | None, file: str, sha256: str,
                    error: SourceError | str) -> None:
    """A file that cannot be read at all: one row in audit.file_loads with why (row, column,
    rule and fix; the file is the row's own); nothing from it is loaded."""
    if isinstance(error, str):
        reasons = error
    else:
        reasons = "; ".join(p.describe(file=False) for p in error.problems[:5])
        if len(error.problems) > 5:
            reasons += f"; ... and {len(error.problems) - 5} more"
    con.execute("delete from audit.file_loads where source_file = ? and source_sha256 = ?",
                [file, sha256])
    con.execute("""
        insert into audit.file_loads by name
        select ? as return_kind, ? as source_file, ? as source_sha256, 0 as rows_in,
               0 as rows_loaded, 0 as rows_quarantined, 0 as rows_superseded,
               now()::timestamp as loaded_at, 'rejected' as status, ? as reason
    """, [kind, file, sha256, reasons])


def rejected_files(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Files this refresh could not read, with why (for the summary, manifest and metadata)."""
    rows = con.execute("select return_kind, source_file, source_sha256, reason "
                       "from audit.file_loads where status = 'rejected' "
                       "order by source_file").fetchall()
    return [{"return": k, "file": f, "sha256": s, "reason": r} for k, f, s, r in rows]


def start_run(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the previous refresh's file counts and quarantine: each refresh rebuilds them,
    so what a summary reads afterwards is always this run's."""
    con.execute("delete from audit.file_loads")
    con.execute("delete from audit.quarantine")
    con.execute("delete from audit.file_formats")


def record_format(con: duckdb.DuckDBPyConnection, read: ReadReturn) -> None:
    """How a file was read (encoding and delimiter, or sheets), for the refresh summary."""
    con.execute("insert into audit.file_formats values (?, ?, ?, ?)",
                [read.spec.kind, read.source.name, read.source.sha256, read.describe_format()])


def record_landing(con: duckdb.DuckDBPyConnection, files: Sequence[Any]) -> None:
    """Rewrite audit.landing_files from an inventory (sources.files.inventory)."""
    first_by_sha: dict[str, str] = {}
    rows = []
    for f in files:
        duplicate_of = first_by_sha.get(f.sha256)
        first_by_sha.setdefault(f.sha256, f.path.name)
        rows.append((str(f.path), f.path.name, f.sha256, f.kind, f.is_return, duplicate_of))
    con.execute("delete from audit.landing_files")
    if rows:
        con.executemany("insert into audit.landing_files values (?, ?, ?, ?, ?, ?)", rows)


def landing_returns(con: duckdb.DuckDBPyConnection, kind: str) -> list[tuple[str, str, str]]:
    """(path, file name, sha256) of the distinct-content landing files of one return kind."""
    return [tuple(r) for r in con.execute(
        "select path, source_file, source_sha256 from audit.landing_files "
        "where kind = ? and is_return and duplicate_of is null order by source_file",
        [kind]).fetchall()]


def current_files(con: duckdb.DuckDBPyConnection, kind: str, seen_at: datetime,
                  log: AuditLog | None = None) -> list[dict[str, Any]]:
    """The kind's landing files with when each content was first seen (recorded now if new).

    With the audit `log` (warehouse/audit_log.py) the first sights it holds are replayed first
    (a rebuilt warehouse has lost them), and new first sights are appended to it, so which file
    supersedes which never depends on whether the warehouse was rebuilt."""
    if log is not None:
        replay_history(con, log, kind)
    con.execute("""
        insert into audit.file_history
        select l.kind, l.source_file, l.source_sha256, $seen_at
        from audit.landing_files as l
        where l.kind = $kind and l.is_return and l.duplicate_of is null
          and l.source_sha256 not in (select source_sha256 from audit.file_history
                                      where return_kind = $kind)
    """, {"kind": kind, "seen_at": seen_at})
    rows = con.execute("""
        select l.source_file, l.source_sha256, min(h.first_seen)
        from audit.landing_files as l
        join audit.file_history as h
          on h.source_sha256 = l.source_sha256 and h.return_kind = l.kind
        where l.kind = ? and l.is_return and l.duplicate_of is null
        group by all order by all
    """, [kind]).fetchall()
    if log is not None:
        record_first_seen(con, log, kind)
    return [{"file": f, "sha256": s, "first_seen": t} for f, s, t in rows]
