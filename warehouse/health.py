"""Is the live warehouse file sound? If not, move it aside (never delete it) so the run
rebuilds the warehouse from the raw input files, and say so clearly.

Every table in the live warehouse is rebuilt by a refresh from the files in the shipped data
and the landing folder, so a corrupt file costs only the run history kept in its `audit`
tables; the bad file is kept beside it for inspection.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.db import quote_identifier

HEADER_BYTES = 3 * 4096  # DuckDB's main header and two database headers
_LOCKED = ("could not set lock", "conflicting lock")


class WarehouseBusy(RuntimeError):
    """Another program (an analyst's session?) has the warehouse open for writing."""


def problem_with(path: Path) -> str | None:
    """None if the DuckDB file opens and answers a query, else DuckDB's complaint."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if any(text in str(exc).lower() for text in _LOCKED):
            raise WarehouseBusy(
                f"{path} is open for writing in another program: {exc}. Close that session "
                "(analysts: read the published copy, warehouse/publish/latest/published.duckdb)"
                " and run again.") from exc
        return f"{type(exc).__name__}: {exc}"
    try:
        # A truncated file still opens: compare its size with the blocks its header declares.
        _, _, block_size, total_blocks, *_ = con.execute("pragma database_size").fetchone()
        expected = HEADER_BYTES + int(block_size) * int(total_blocks)
        actual = path.stat().st_size
        if actual < expected:
            return (f"the file is {actual} bytes but its header declares {total_blocks} blocks "
                    f"({expected} bytes): it was cut short")
        # Read every column of every table once: DuckDB verifies each block's checksum.
        tables = con.execute("select schema_name, table_name from duckdb_tables() "
                             "where not temporary").fetchall()
        for schema, table in tables:
            # (min() would be answered from block statistics; hash() reads every value.)
            con.execute("select sum(hash(columns(*))) from "
                        f"{quote_identifier(schema)}.{quote_identifier(table)}").fetchall()
    except duckdb.Error as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        con.close()
    return None


def ensure_sound(path: Path) -> str | None:
    """Move a corrupt warehouse aside (with its write-ahead log); return a message saying what
    was found and done, or None when the file is sound or absent. Call with the writer lock."""
    path = Path(path)
    problem = problem_with(path)
    if problem is None:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.rename(aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        wal.rename(aside.with_name(aside.name + ".wal"))
    return (f"The warehouse file {path} is damaged and cannot be read ({problem.strip()}). "
            f"It was moved aside to {aside} (kept, not deleted) and the warehouse is being "
            "rebuilt from the raw input files. The published editions are not affected. "
            "Nothing to do unless this recurs; if it does, check the disk.")
