"""`carers docs`: build the Great Expectations Data Docs now (a refresh starts the build in the
background when its run ends) and print where the site is."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from pipelines.settings import setting


def gx_dir(args: argparse.Namespace) -> Path:
    """CARERS_GX, else `gx/` beside the warehouse file (as the Dagster resource decides)."""
    if os.environ.get("CARERS_GX"):
        return Path(os.environ["CARERS_GX"]).expanduser().resolve()
    return setting("CARERS_WAREHOUSE", getattr(args, "warehouse", None) or "").parent / "gx"


def register(sub: Any, add_paths: Any) -> None:
    p = sub.add_parser("docs", help="build the Data Docs of every validation result not yet "
                                    "built and print the path of their index")
    add_paths(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs: GX takes seconds to import, and every command module is
    # loaded to build `carers --help`.
    from expectations.validation import build_data_docs, index_page

    folder = gx_dir(args)
    if not (folder / "great_expectations.yml").is_file() and not (folder / "pending").is_dir():
        print(f"No validation results in {folder}: run `carers refresh` first.", file=sys.stderr)
        return 1
    build_data_docs(folder)
    print(f"Data Docs: {index_page(folder)}")
    return 0
