"""`carers request`: answer a Select Commission data request from the published copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipelines.settings import setting

EXIT_BAD_REQUEST = 2


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser(
        "request", help="answer a data request from the published edition (CSV, XLSX, Markdown)",
        description="Figures for chosen indicators, areas and periods, with each figure's "
                    "definition, source, caveats and symbols; read from the published copy "
                    "only, disclosure control applied.")
    add_paths(p)
    p.add_argument("-i", "--indicator", action="append", default=[],
                   help="an indicator id, or words in its title (repeat for more)")
    p.add_argument("-a", "--area", action="append", default=[],
                   help="an area code or name (repeat for more; default Rotherham)")
    p.add_argument("--period", action="append", default=[],
                   help="a period id or label, e.g. CD2021 or 2023-24 (repeat for more)")
    p.add_argument("--since", type=int, help="periods starting in this year or later")
    p.add_argument("--compare", default="england,region",
                   help="comparator columns: england, region, both (default) or none")
    p.add_argument("--format", choices=("csv", "xlsx", "md"), default="md")
    p.add_argument("-o", "--out", help="write to this file (needed for xlsx; default stdout)")
    p.add_argument("--edition", default="latest", help="an edition id (default latest)")
    p.add_argument("--list", action="store_true", help="list the published indicators")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from reporting import requests as rq

    root = Path(args.publish).expanduser().resolve() if args.publish \
        else setting("CARERS_PUBLISH")
    try:
        if args.list:
            print(rq.catalogue_listing(root, args.edition))
            return 0
        if args.format == "xlsx" and not args.out:
            raise rq.RequestError("XLSX is a binary file: give --out FILE.xlsx.")
        compare = [] if args.compare == "none" else \
            [c.strip() for c in args.compare.split(",") if c.strip()]
        request = rq.Request(indicators=args.indicator, areas=args.area or [rq.DEFAULT_AREA],
                             periods=args.period, since=args.since, comparators=compare,
                             edition=args.edition)
        result = rq.answer(root, request)
        content = rq.render(result, args.format)
    except rq.RequestError as exc:
        print(f"carers request: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    if args.out:
        Path(args.out).write_bytes(content)
        # Lazily, as the other imports here: reporting pulls in pandas and DuckDB.
        from reporting.editions import cite

        warning = cite(root, result.edition, Path(args.out).resolve(), "request output")
        if warning:
            print(warning, file=sys.stderr)
        print(f"Wrote {len(result.figures)} figures from edition {result.edition} to {args.out}",
              file=sys.stderr)
    else:
        sys.stdout.write(content.decode())
    return 0
