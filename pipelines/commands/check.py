"""`carers check FILE`: validate a return before it is dropped into the landing folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser(
        "check", help="check a return file before sending it: every row that would be "
                      "quarantined, with the fix (exit 1 if any, 2 if the file is unreadable)",
        description="Reads a partner's return as a refresh would (title rows, totals rows, UK "
                    "dates, Windows-1252 all accepted) and lists every row that would be "
                    "quarantined, with its Excel row number, column, value, rule and the fix. "
                    "Nothing is loaded or changed. Exit status 0 if every row would load, 1 if "
                    "any would be quarantined, 2 if a file cannot be read.",
        epilog="examples:\n  carers check council_events_2025.csv\n"
               "  carers check returns/*.xlsx\n"
               "  carers check newsletter.csv --return newsletter\n"
               "The returns and their columns: ../shared/RETURNS.md and docs/returns.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="a return, .csv or .xlsx (give several to check them all)")
    p.add_argument("--return", dest="kind", metavar="NAME",
                   help="the return it should be, e.g. events (default: recognised by its "
                        "header row)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from warehouse.returns_check import check_file

    worst = 0
    for index, name in enumerate(args.files):
        report = check_file(Path(name), args.kind)
        if index:
            print()
        print("\n".join(report.lines()))
        worst = max(worst, report.status)
    return worst
