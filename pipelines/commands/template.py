"""`carers template NAME [--xlsx]`: a blank template for a return in RETURNS.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser(
        "template", help="write a blank template for a local return (CSV, or XLSX with a "
                         "sheet explaining each column)")
    p.add_argument("name", help="the return, e.g. events, membership, newsletter")
    p.add_argument("--xlsx", action="store_true",
                   help="an Excel workbook with a 'Columns' sheet (default: CSV header row)")
    p.add_argument("-o", "--out", help="file to write (default NAME_template.csv/.xlsx here)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from sources.returns.contract import RETURNS
    from sources.returns.template import write_template

    spec = RETURNS.get(args.name.strip().lower())
    if spec is None:
        print(f"carers template: there is no return called {args.name!r}. The returns are: "
              f"{', '.join(RETURNS)}.", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else \
        Path(f"{spec.kind}_template.{'xlsx' if args.xlsx else 'csv'}")
    try:
        path = write_template(spec, out, args.xlsx, args.force)
    except FileExistsError as exc:
        print(f"carers template: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote the {spec.kind} template ({len(spec.columns)} columns, "
          f"{len(spec.required)} required) to {path}")
    return 0
