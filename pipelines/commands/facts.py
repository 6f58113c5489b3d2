"""`carers facts`: the facts page and its reconciliation, written afresh from one published
edition (read-only) into a folder of your choice. Editions themselves are never changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipelines.settings import setting


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser("facts", help="write the facts page and reconciliation for an edition "
                                     "into a folder (editions carry their own copy)")
    add_paths(p)
    p.add_argument("--edition", help="edition id (default: latest)")
    p.add_argument("--out", required=True, help="folder to write facts.html, CSVs and charts")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import duckdb
    import pandas as pd

    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from reporting.editions import PUBLISHED_DB, latest_edition
    from reporting.facts_page import write_page

    root = Path(args.publish).expanduser().resolve() if args.publish \
        else setting("CARERS_PUBLISH")
    folder = root / args.edition if args.edition else latest_edition(root)
    if folder is None or not (folder / PUBLISHED_DB).is_file():
        print(f"No published edition {args.edition or 'latest'} in {root}: run "
              "`carers editions` to list them, or `carers refresh` to publish one.",
              file=sys.stderr)
        return 1
    out = Path(args.out).expanduser().resolve()
    con = duckdb.connect(str(folder / PUBLISHED_DB), read_only=True)
    try:
        charts, paths = write_page(con, out, folder.name)
    finally:
        con.close()
    # Lazily, as the other imports here: reporting pulls in pandas and DuckDB.
    from reporting.editions import cite

    warning = cite(root, folder.name, out, "facts page")
    if warning:
        print(warning, file=sys.stderr)
    pages = paths[:len(paths) - len(charts)]  # facts.html, facts.csv, the reconciliation
    counts = pd.read_csv(out / "facts_reconciliation.csv").status.value_counts()
    print(f"Edition {folder.name}: wrote {', '.join(p.name for p in pages)} and "
          f"{len(charts)} chart(s) to {out}")
    print("Reconciliation: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0
