"""`carers editions`: the published editions, newest first, and which one is `latest`;
`carers editions --prune` removes old ones that nothing cites."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from pipelines.settings import setting

KEEP_VARIABLE = "CARERS_KEEP_EDITIONS"
KEEP_DEFAULT = 10


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser(
        "editions", help="list the published editions (newest first); --prune removes old ones",
        description="Lists the editions. With --prune, removes every edition except the newest "
                    f"N (--keep, else ${KEEP_VARIABLE}, else {KEEP_DEFAULT}), `latest`, and "
                    "every edition a workbook, facts page or request output has cited.")
    add_paths(p)
    p.add_argument("--prune", action="store_true", help="remove old editions nothing cites")
    p.add_argument("--keep", type=int, help=f"editions to keep (default ${KEEP_VARIABLE} or "
                                            f"{KEEP_DEFAULT})")
    p.add_argument("--dry-run", action="store_true", help="with --prune: say, remove nothing")
    p.set_defaults(func=run)


def describe(root: Path) -> list[str]:
    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from reporting.editions import citations, editions, latest_edition

    latest = latest_edition(root)
    cited = {c["edition"] for c in citations(root)}
    lines = []
    for folder in reversed(editions(root)):
        manifest = json.loads((folder / "manifest.json").read_text())
        rows = {t["name"]: t["rows"] for t in manifest.get("tables", [])}
        mark = ("  cited" if folder.name in cited else "") + \
            ("  <- latest" if folder == latest else "")
        lines.append(f"{folder.name}  created {manifest.get('created_at', '?')}  "
                     f"run {manifest.get('run_id', '?')}  "
                     f"{rows.get('indicator_values', 0)} indicator values{mark}")
    return lines or [f"No editions in {root}: run `carers refresh`."]


def keep_setting(value: int | None) -> int:
    if value is not None:
        return value
    text = os.environ.get(KEEP_VARIABLE, "").strip()
    if not text:
        return KEEP_DEFAULT
    if not text.isdigit():
        raise ValueError(f"{KEEP_VARIABLE}={text!r}: give a whole number of editions to keep")
    return int(text)


def prune(root: Path, keep: int, dry_run: bool) -> list[str]:
    from reporting.editions import prune_plan, remove_edition  # lazily: see describe()

    remove, why = prune_plan(root, keep)
    lines = []
    for folder in remove:
        if not dry_run:
            remove_edition(folder)
        lines.append(f"{'would remove' if dry_run else 'removed'} {folder.name}")
    lines.extend(f"kept {name}: {reason}" for name, reason in sorted(why.items(), reverse=True))
    return lines


def run(args: argparse.Namespace) -> int:
    root = Path(args.publish).expanduser().resolve() if args.publish \
        else setting("CARERS_PUBLISH")
    if not args.prune:
        print("\n".join(describe(root)))
        return 0
    # Lazily, as in describe(): only pruning needs them.
    from pipelines.faults import EXIT_BUSY
    from warehouse.lock import BusyError, writer_lock

    try:
        keep = keep_setting(args.keep)
        if keep < 1:
            raise ValueError("--keep must be 1 or more: `latest` is always kept")
        warehouse = Path(args.warehouse).expanduser().resolve() if args.warehouse \
            else setting("CARERS_WAREHOUSE")
        # Publishing happens under the writer lock: never prune while a refresh publishes.
        with writer_lock(warehouse, wait=False):
            lines = prune(root, keep, args.dry_run)
    except BusyError as exc:
        print(f"carers editions --prune: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except ValueError as exc:
        print(f"carers editions --prune: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0
