"""`carers check FILE`: validate a return before it is dropped into the landing folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser(
        "check", help="check a return file before sending it: every row that would be "
                      "quarantined, with the fix (exit 1 if any, 2 if the file is unreadable)")
    p.add_argument("files", nargs="+", metavar="FILE", help="a return, .csv or .xlsx")
    p.add_argument("--return", dest="kind",
                   help="the return it should be (default: recognised by its header row)")
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
