"""The project's settings from the environment, read in one place: the Dagster resource gets
them as `dg.EnvVar`s (so the UI shows where each value came from), and the command line reads
the same variables with the same embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.settings import DEFAULTS, FIELDS, PROJECT_ROOT

if TYPE_CHECKING:
    from assets.resources import CarersResource

__all__ = ["DEFAULTS", "PROJECT_ROOT", "carers_resource", "resource_run_config", "setting"]


def setting(name: str, configured: str = "") -> Path:
    """A path setting: a configured value, else the environment variable, else the default."""
    value = configured or os.environ.get(name, "")
    return Path(value or DEFAULTS[name]).expanduser().resolve()


def carers_resource() -> CarersResource:
    """The resource, with every field whose variable is set taken from it through Dagster."""
    # Dagster only here: `setting` serves commands (and "Up to date") that never load it.
    import dagster as dg

    from assets.resources import CarersResource

    return CarersResource(**{field: dg.EnvVar(variable) for field, (variable, _) in FIELDS.items()
                             if os.environ.get(variable)})


def resource_run_config() -> dict:
    """Run config giving the resource every field: from its variable where one is set (Dagster
    reads it when the run starts), else the embedded default. A run started in this process
    then uses the settings in force now, whatever they were when the definitions loaded."""
    return {"resources": {"carers": {"config": {
        field: {"env": variable} if os.environ.get(variable) else default
        for field, (variable, default) in FIELDS.items()}}}}
