"""The `carers` command: refresh, ui, and the commands analysts and members use."""

from __future__ import annotations

import argparse
import subprocess
import sys

from pipelines.commands import register_all
from pipelines.refresh import absolute_settings, cmd_refresh, use_project_instance
from pipelines.settings import DEFAULTS, PROJECT_ROOT

PATH_HELP = {
    "warehouse": "the live DuckDB warehouse file",
    "publish": "the folder of published editions",
    "landing": "the landing folder of local returns and newer national files",
}
UI_PORT = 3000

OVERVIEW = """\
commands, by who uses them:
  analysts      refresh, ui, check, template, editions
  the strategy  publish (the Board's annual workbook and the facts page), facts
  members       request (a Select Commission data request, answered from the published copy)

examples:
  carers refresh                          build, check and publish on the shipped data
  carers check returns/events_2025.csv    what a partner's return would quarantine
  carers publish --year 2024/25           the annual progress workbook
  carers request -i "young carers" --period latest
  carers <command> --help                 each command's options and examples
"""
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
        prog="carers", description="Rotherham carers outcomes pipeline (The Borough That Cares): "
                                   "build the warehouse, publish editions, answer requests.",
        epilog=OVERVIEW, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_paths(p: argparse.ArgumentParser, *which: str) -> None:
        """The folder options a command uses (default all three): only those, so `--help`
        lists no option that does nothing."""
        for flag, name in (("warehouse", "CARERS_WAREHOUSE"), ("publish", "CARERS_PUBLISH"),
                           ("landing", "CARERS_LANDING")):
            if not which or flag in which:
                p.add_argument(f"--{flag}", metavar="PATH",
                               help=f"{PATH_HELP[flag]} (overrides ${name}; default "
                                    f"{DEFAULTS[name]})")

    p = sub.add_parser(
        "refresh", help="materialise every asset, run every check, publish a new edition",
        description="Reads the shipped public data and the landing folder, builds the DuckDB "
                    "warehouse, runs every check and publishes a new edition under the publish "
                    "folder (`latest` points at it). Prints each stage as it finishes (a "
                    "progress bar on a terminal), then what was built, which checks failed and "
                    "how many rows were quarantined. Exits 1 if a blocking check fails or a "
                    "source cannot be read (the last good edition is left untouched), 75 if "
                    "another refresh holds the warehouse.",
        epilog="examples:\n  carers refresh\n  carers refresh --wait --progress lines\n"
               "  carers refresh --landing /srv/carers/landing --publish /srv/carers/publish\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_paths(p)
    p.add_argument("--wait", action="store_true",
                   help="queue behind a refresh already running instead of refusing")
    p.add_argument("--verbose", action="store_true", help="show Dagster's step-by-step log")
    p.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                   help="progress while it runs: a bar on a terminal and nothing otherwise "
                        "(auto, the default), a bar, one line per stage, or none")
    p.add_argument("--force", action="store_true",
                   help="publish a new edition even when nothing changed since the latest")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser(
        "ui", help="start the Dagster UI on the project's instance",
        description="Starts `dagster dev` on the project's Dagster instance (dagster.yaml, "
                    "storage in .dagster/), so runs started by `carers refresh` appear in its "
                    "run history with their check results. Stop it with Ctrl-C.",
        epilog=f"examples:\n  carers ui\n  carers ui --port 3123\n"
               f"  carers ui --host 0.0.0.0 --port {UI_PORT}   (reachable from other machines)\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_paths(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=UI_PORT,
                   help=f"the port to listen on (default {UI_PORT})")
    p.set_defaults(func=cmd_ui)

    register_all(sub, add_paths)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
