"""Further `carers` subcommands, one module each.

A module here defines `register(sub, add_paths)`: it adds its parser to `sub` (argparse
subparsers) and sets `func`; `add_paths(parser, *names)` adds the shared folder options it
uses ("warehouse", "publish", "landing"; all three when none are named). Every parser has a
description and examples (epilog) and every option a help text: tests/pipelines/test_cli_help.py
checks them. `pipelines.cli` discovers the modules, so a new command touches no other file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any


def register_all(sub: Any, add_paths: Callable[[Any], None]) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub, add_paths)
