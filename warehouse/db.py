"""DuckDB connections, one SQL file per table, and the table naming rule."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

SQL_DIR = Path(__file__).parent / "sql"
SCHEMAS = ("raw", "staging", "marts", "audit")

# Asset names map to tables: raw_x -> raw.x, stg_x -> staging.x, anything else -> marts.x.
_PREFIXES = {"raw_": "raw", "stg_": "staging", "audit_": "audit"}


def table_for(asset_name: str) -> str:
    for prefix, schema in _PREFIXES.items():
        if asset_name.startswith(prefix):
            return f"{schema}.{asset_name[len(prefix):]}"
    return f"marts.{asset_name}"


DEFAULT_MEMORY_LIMIT = "1GB"


def memory_limit(value: str = "") -> str:
    """A DuckDB memory limit such as 1GB or 1536MB (blank: the default), checked."""
    value = value.strip() or DEFAULT_MEMORY_LIMIT
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)", value, re.IGNORECASE):
        raise ValueError(f"DuckDB memory limit {value!r}: use a size such as 1GB or 1536MB "
                         "(CARERS_DUCKDB_MEMORY)")
    return value


_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def memory_bytes(value: str) -> int:
    """A memory limit as memory_limit() accepts it, in bytes: 1GB -> 1,000,000,000."""
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-z]+)", memory_limit(value).lower()
                                ).groups()
    return int(float(number) * _UNITS[unit])


def temp_directory(path: Path) -> Path:
    """Where DuckDB spills beyond its memory limit: beside the warehouse file (the same disk,
    never /tmp, which may be memory-backed)."""
    return path.parent / f"{path.name}.tmp"


# Warehouses this process holds open for a whole run (`hold`): opening and closing a DuckDB
# file costs a catalogue read and a checkpoint (about 20-45 ms); with one connection held,
# every further `connect` to the same file shares the open database (about 3 ms).
_HELD: dict[Path, duckdb.DuckDBPyConnection] = {}


def _configure(con: duckdb.DuckDBPyConnection, path: Path, memory: str) -> None:
    # Bound DuckDB's memory (it spills to disk beyond this); CARERS_DUCKDB_MEMORY to change.
    con.execute("set memory_limit = ?", [memory_limit(memory)])
    # Set once per database: a connection sharing a held database that has spilled already
    # may not switch it ("Cannot switch temporary directory after the current one has been
    # used"), even to the same folder.
    spill = str(temp_directory(path))
    (current,) = con.execute("select current_setting('temp_directory')").fetchall()[0]
    if current != spill:
        con.execute("set temp_directory = ?", [spill])


def hold(path: Path | str, memory: str = "") -> None:
    """Keep the warehouse open in this process until `release` (for the length of a run)."""
    path = Path(path).resolve()
    if path in _HELD:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    _configure(con, path, memory)
    ensure_schemas(con)
    _HELD[path] = con


def release(path: Path | str) -> None:
    """Close the connection `hold` kept (the database is checkpointed and closed once no other
    connection of this process uses it)."""
    con = _HELD.pop(Path(path).resolve(), None)
    if con is not None:
        con.close()


@contextmanager
def connect(path: Path | str, *, read_only: bool = False, memory: str = ""
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a warehouse file; `memory` bounds DuckDB's memory (it spills to disk
    beyond it; blank: DEFAULT_MEMORY_LIMIT)."""
    path = Path(path)
    held = not read_only and path.resolve() in _HELD
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        _configure(con, path, memory)
        if not read_only and not held:  # a held database had its schemas made when opened
            ensure_schemas(con)
        yield con
    finally:
        con.close()


def quote_identifier(name: str) -> str:
    """A table or column name quoted for SQL: `schema.table` becomes "schema"."table". The one
    way a name reaches SQL text; values always go as parameters."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {quote_identifier(schema)}")
    con.execute(read_sql("audit_tables"))


def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def create_table_from_sql(con: duckdb.DuckDBPyConnection, table: str, sql_name: str,
                          params: Mapping[str, Any] | None = None) -> int:
    """`create or replace` a table from a select in warehouse/sql/<sql_name>.sql."""
    sql = read_sql(sql_name).strip().rstrip(";")
    con.execute(f"create or replace table {quote_identifier(table)} as {sql}",
                dict(params or {}) or None)
    return row_count(con, table)


def replace_table(con: duckdb.DuckDBPyConnection, table: str, data: Any) -> int:
    """`create or replace` a table from a pandas frame or Arrow table (idempotent loads)."""
    if not isinstance(data, pa.Table):
        data = pa.Table.from_pandas(data, preserve_index=False)
    con.register("_incoming", data)
    try:
        con.execute(f"create or replace table {quote_identifier(table)} as "
                    "select * from _incoming")
    finally:
        con.unregister("_incoming")
    return row_count(con, table)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> Any:
    """The single value a query returns. Fetches the whole result: DuckDB 2.0 refuses new work
    on a connection while a result is still open."""
    rows = con.execute(sql, params).fetchall()
    return rows[0][0] if rows else None


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(scalar(con, f"select count(*) from {quote_identifier(table)}"))


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `schema.table` (or a table in main) exists."""
    schema, _, name = table.rpartition(".")
    schema = schema or "main"
    found = scalar(
        con,
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name])
    return bool(found)


MASKED = "[masked]"


def preview_markdown(con: duckdb.DuckDBPyConnection, table: str, limit: int = 5,
                     where: str = "true", params: list[Any] | None = None,
                     masked: Sequence[str] = ()) -> str:
    """A few rows as a Markdown table, for the Dagster UI (`where` is SQL from our own code,
    its values passed as `params`). Values of `masked` columns (personal) are never shown:
    they would stay in run storage."""
    result = con.execute(f"select * from {quote_identifier(table)} where {where} limit ?",
                         [*(params or []), int(limit)])
    columns = [d[0] for d in result.description if not d[0].startswith("_")]
    keep = [i for i, d in enumerate(result.description) if not d[0].startswith("_")]
    hide = {i for i, d in enumerate(result.description) if d[0] in set(masked)}
    rows = result.fetchall()
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(
            "" if row[i] is None else MASKED if i in hide else str(row[i]).replace("|", "\\|")
            for i in keep) + " |")
    return "\n".join(lines)
