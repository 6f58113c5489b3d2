"""`carers request`: answer a Select Commission data request from the published copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipelines.settings import setting

EXIT_BAD_REQUEST = 2

EXAMPLES = """\
examples:
  carers request -i "assessments completed" -i wait --period 2024/25
  carers request -i "referred by schools" --breakdown school --period latest
  carers request -i census_unpaid_care_pct --area-group south-yorkshire --period 2021
  carers request -i "young carers" -a Rotherham -a England --since 2023 --compare england
  carers request -i "unpaid care" -a Rotherham -a England --format xlsx --out unpaid-care.xlsx
  carers request --list

Periods: 2024/25, 2024-25 and FY2024 mean the financial year April 2024 to March 2025
(AY2024 the academic year 2024/25, CY2024 the calendar year); a plain 2024 means the
financial year starting in April 2024, the academic year of the January 2024 school census,
or the calendar year 2024, as each indicator is counted, and the answer says which. Ranges:
2022/23..2024/25, 2021 to 2024, 2023..latest. Full guide: docs/requests.md.
"""


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser(
        "request", help="answer a data request from the published edition (CSV, XLSX, Markdown)",
        description="Figures for chosen indicators, areas and periods, with each figure's "
                    "definition, source, caveats and symbols; read from the published copy "
                    "only (never the live warehouse), disclosure control applied.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_paths(p, "publish")
    p.add_argument("-i", "--indicator", action="append", default=[], metavar="ID_OR_WORDS",
                   help="an indicator id, or words in its title or breakdowns, e.g. "
                        "\"referred by schools\" (repeat for more; ambiguous words get a "
                        "ranked shortlist)")
    p.add_argument("-a", "--area", action="append", default=[], metavar="CODE_OR_NAME",
                   help="an area code or name, e.g. E08000018 or Rotherham (repeat for more; "
                        "a misspelling gets the nearest names; default Rotherham unless "
                        "--area-group is given)")
    p.add_argument("--area-group", action="append", default=[],
                   choices=("south-yorkshire", "region", "all-districts"),
                   help="a group of areas: the four South Yorkshire districts, every district "
                        "in Rotherham's region, or every English district (repeat for more)")
    p.add_argument("--period", action="append", default=[], metavar="PERIOD",
                   help="2024/25, 2024-25, FY2024, 2024, latest, or a range such as "
                        "2022/23..2024/25 (repeat for more; default every period)")
    p.add_argument("--since", type=int, metavar="YEAR",
                   help="periods from YEAR on, read as --period does (2023: the financial "
                        "year 2023/24 onwards)")
    p.add_argument("--breakdown", action="append", default=[], metavar="NAME",
                   help="only this breakdown, e.g. school or all (repeat for more; default "
                        "every breakdown)")
    p.add_argument("--compare", default="both", metavar="WHICH",
                   help="comparator columns: england, region, both (default), none, or a "
                        "list such as england,region")
    p.add_argument("--format", choices=("csv", "xlsx", "md"), default="md",
                   help="md (Markdown, default), csv, or xlsx (needs --out)")
    p.add_argument("-o", "--out", metavar="FILE",
                   help="write to this file (needed for xlsx; default standard output); never "
                        "inside the warehouse or publish folders")
    p.add_argument("--force", action="store_true", help="overwrite the --out file if it exists")
    p.add_argument("--edition", default="latest",
                   help="answer from this edition id (see `carers editions`; default latest)")
    p.add_argument("--list", action="store_true",
                   help="list the published indicators and the periods they cover, then stop")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from reporting import requests as rq
    from reporting.editions import BoundaryError, check_out_path

    root = Path(args.publish).expanduser().resolve() if args.publish \
        else setting("CARERS_PUBLISH")
    try:
        if args.list:
            print(rq.catalogue_listing(root, args.edition))
            return 0
        if args.format == "xlsx" and not args.out:
            raise rq.RequestError("XLSX is a binary file: give --out FILE.xlsx.")
        out = None
        if args.out:
            if not Path(args.out).expanduser().parent.resolve().is_dir():
                raise rq.RequestError(
                    f"Cannot write {args.out}: the folder {Path(args.out).parent} does not "
                    "exist. Create it first, or give --out a file in a folder that exists.")
            warehouse = Path(args.warehouse).expanduser() if getattr(args, "warehouse", None) \
                else setting("CARERS_WAREHOUSE")
            try:
                out = check_out_path(Path(args.out), warehouse=warehouse, publish_root=root,
                                     force=args.force)
            except BoundaryError as error:
                raise rq.RequestError(str(error)) from error
        compare = [c.strip() for c in args.compare.split(",") if c.strip()]
        request = rq.Request(indicators=args.indicator, areas=args.area, periods=args.period,
                             since=args.since, comparators=compare, edition=args.edition,
                             area_groups=args.area_group, breakdowns=args.breakdown)
        result = rq.answer(root, request)
        content = rq.render(result, args.format)
    except rq.RequestError as exc:
        print(f"carers request: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    if out is not None:
        out.write_bytes(content)
        # Lazily, as the other imports here: reporting pulls in pandas and DuckDB.
        from reporting.editions import cite

        warning = cite(root, result.edition, out, "request output")
        if warning:
            print(warning, file=sys.stderr)
        print(f"Wrote {len(result.figures)} figures from edition {result.edition} to {args.out}",
              file=sys.stderr)
        for reading in result.readings:
            print(f"  {reading}", file=sys.stderr)
    else:
        sys.stdout.write(content.decode())
    return 0
