"""Which inputs of an edition are illustrative example data, not council records.

Every file shipped in sources/data/examples is illustrative: its README says so ("Everything in
this folder is illustrative ... reconstructions, not council records"), and the files made by
scripts also say so on their first line. An edition's lineage names each figure's source file
and sha256; a figure is illustrative when any of its source files has the sha256 of a shipped
example file. A council's own return dropped in the landing folder has another
sha256 and is not flagged, even under the same name."""

from __future__ import annotations

from functools import lru_cache

import duckdb

from sources.files import EXAMPLES_DIR, sha256_of

MARK = "ILLUSTRATIVE EXAMPLE"
BANNER = ("Illustrative data: some figures here come from invented example returns shipped "
          "with the pipeline, not from council records. They show the method only.")


@lru_cache(maxsize=1)
def illustrative_sha256s() -> frozenset[str]:
    """sha256 of every shipped example return (the folder's README declares them all
    illustrative, whether or not the file's own first line carries MARK)."""
    return frozenset(sha256_of(path) for path in sorted(EXAMPLES_DIR.iterdir())
                     if path.is_file() and path.suffix.lower() in {".csv", ".xlsx"})


def illustrative_indicators(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Indicator ids with at least one figure drawn from an illustrative file."""
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables").fetchall()}
    if "indicator_lineage" not in tables:
        return set()
    rows = con.execute("select distinct indicator_id from indicator_lineage "
                       "where list_contains(?, source_sha256)",
                       [sorted(illustrative_sha256s())]).fetchall()
    return {r[0] for r in rows}


def is_illustrative_sha(shas: str | None) -> bool:
    """Whether any of '; '-joined sha256 values is an illustrative file's."""
    if not shas or not isinstance(shas, str):
        return False
    known = illustrative_sha256s()
    return any(s.strip() in known for s in shas.split(";"))
