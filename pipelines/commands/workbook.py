"""`carers publish --year 2025/26`: the annual progress workbook and its CSVs, the facts page
and its reconciliation, and the charts, from the latest published edition (never the live
warehouse)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipelines.refresh import cmd_refresh
from pipelines.settings import setting

EXIT_NO_REPORT = 2


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser(
        "publish", help="write the annual progress workbook (XLSX and CSVs), the facts page and "
                        "the charts for a financial year",
        description="Reads the latest published edition and writes the Board's progress "
                    "workbook for one financial year, with a CSV for every table, into "
                    "<publish root>/reports/<edition>/<year>/ unless --out is given.")
    add_paths(p)
    p.add_argument("--year", required=True, help="a financial year: 2025/26, 2025-26 or 202526")
    p.add_argument("--refresh", action="store_true",
                   help="run `carers refresh` first, so the workbook uses a new edition")
    p.add_argument("--out", help="the folder to write into")
    p.add_argument("--edition", default="latest", help="an edition id (default latest)")
    p.set_defaults(func=run)


def facts_and_charts(report: Any, out: Path) -> tuple[list[dict], list[Path]]:
    """The facts page, its CSVs and the charts written into `out` from the report's edition
    (read-only); the charts also go on the workbook's Charts sheet."""
    import duckdb

    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from reporting.editions import PUBLISHED_DB
    from reporting.facts_page import write_page

    con = duckdb.connect(str(report.edition_folder / PUBLISHED_DB), read_only=True)
    try:
        return write_page(con, out, report.edition)
    finally:
        con.close()


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from reporting.workbook import WorkbookError, build_report, write
    from warehouse import catalogue as catalogue_module

    if args.refresh:
        status = cmd_refresh(argparse.Namespace(**{**vars(args), "wait": False,
                                                   "verbose": False, "force": False}))
        if status:
            print("carers publish: the refresh failed, so no workbook was written.",
                  file=sys.stderr)
            return status
    root = Path(args.publish).expanduser().resolve() if args.publish \
        else setting("CARERS_PUBLISH")
    try:
        report = build_report(root, args.year, catalogue_module.load(), args.edition)
        out = Path(args.out).expanduser().resolve() if args.out else \
            root / "reports" / report.edition / report.year.replace("/", "-")
        charts, facts = facts_and_charts(report, out)
        written = write(report, out, charts=charts, extra_files=facts)
    except WorkbookError as error:
        print(f"carers publish: {error}", file=sys.stderr)
        return EXIT_NO_REPORT
    # Lazily, as the other imports here: reporting pulls in pandas and DuckDB.
    from reporting.editions import cite

    warning = cite(root, report.edition, out, "workbook")
    if warning:
        print(warning, file=sys.stderr)
    print(f"Progress workbook for {report.year} from edition {report.edition} "
          f"(manifest sha256 {report.manifest_sha256[:12]}):")
    for path in written:
        print(f"  {path}")
    if report.without_data:
        print(f"Warning: {len(report.without_data)} catalogue indicator(s) have no value for "
              f"Rotherham in this edition (shown as [x]): {', '.join(report.without_data)}. "
              "Land their returns and run `carers refresh`.")
    return 0
