"""The `carers` command: refresh, ui, and the commands analysts and members use."""

from __future__ import annotations

import argparse
import subprocess
import sys

from pipelines.commands import register_all
from pipelines.refresh import absolute_settings, cmd_refresh, use_project_instance
from pipelines.settings import DEFAULTS, PROJECT_ROOT

WORKSPACE = "workspace.yaml"


def cmd_ui(args: argparse.Namespace) -> int:
    absolute_settings(args)
    use_project_instance()
    # workspace.yaml names the code location carers_outcomes, as pyproject.toml does.
    command = [sys.executable, "-m", "dagster", "dev", "-w", str(PROJECT_ROOT / WORKSPACE),
               "-h", args.host, "-p", str(args.port)]
    print(f"Dagster UI on http://{args.host}:{args.port} (instance: {PROJECT_ROOT}/dagster.yaml)")
    return subprocess.call(command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carers", description="Rotherham carers outcomes pipeline (The Borough That Cares).")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_paths(p: argparse.ArgumentParser) -> None:
        for flag, name in (("--warehouse", "CARERS_WAREHOUSE"), ("--publish", "CARERS_PUBLISH"),
                           ("--landing", "CARERS_LANDING")):
            p.add_argument(flag, help=f"overrides ${name} (default {DEFAULTS[name]})")

    p = sub.add_parser("refresh", help="materialise every asset, run every check, publish")
    add_paths(p)
    p.add_argument("--wait", action="store_true",
                   help="queue behind a refresh already running instead of refusing")
    p.add_argument("--verbose", action="store_true", help="show Dagster's step-by-step log")
    p.add_argument("--force", action="store_true",
                   help="publish a new edition even when nothing changed since the latest")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("ui", help="start the Dagster UI on the project's instance")
    add_paths(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_ui)

    register_all(sub, add_paths)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
