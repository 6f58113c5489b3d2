"""`carers editions`: the published editions, newest first, and which one is `latest`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pipelines.settings import setting


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser("editions", help="list the published editions (newest first)")
    add_paths(p)
    p.set_defaults(func=run)


def describe(root: Path) -> list[str]:
    # Imported when the command runs, not at the top: every command module is loaded to build
    # `carers --help`, and these pull in pandas, DuckDB and matplotlib.
    from reporting.editions import editions, latest_edition

    latest = latest_edition(root)
    lines = []
    for folder in reversed(editions(root)):
        manifest = json.loads((folder / "manifest.json").read_text())
        rows = {t["name"]: t["rows"] for t in manifest.get("tables", [])}
        mark = "  <- latest" if folder == latest else ""
        lines.append(f"{folder.name}  created {manifest.get('created_at', '?')}  "
                     f"run {manifest.get('run_id', '?')}  "
                     f"{rows.get('indicator_values', 0)} indicator values{mark}")
    return lines or [f"No editions in {root}: run `carers refresh`."]


def run(args: argparse.Namespace) -> int:

    root = Path(args.publish).expanduser().resolve() if args.publish \
        else setting("CARERS_PUBLISH")
    print("\n".join(describe(root)))
    return 0
