"""Targets for the Board's indicator table, read from `targets.yaml` at the project root.

No target lives in code: the strategy manager edits the file. Reading it validates every entry
against the catalogue, and a status is worked out for each value: met, not met, no data (a
target whose period has no value shown yet) or no target."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from warehouse.catalogue import SAFE_LOADER, Catalogue

TARGETS_PATH = Path(__file__).resolve().parent.parent / "targets.yaml"
DIRECTIONS = {"at_least", "at_most"}
FIELDS = {"indicator_id", "area_code", "period_id", "breakdown", "target", "direction",
          "set_by", "note"}
MET, NOT_MET, NO_DATA, NO_TARGET = "met", "not met", "no data", "no target"
COLUMNS = ["indicator_id", "area_code", "period_id", "breakdown", "target", "direction",
           "set_by", "note"]


class TargetsError(ValueError):
    """targets.yaml is wrong: the message names the entry, the field and the fix."""


@dataclass(frozen=True)
class Target:
    indicator_id: str
    area_code: str
    period_id: str
    target: float
    direction: str
    set_by: str
    breakdown: str = "all"
    note: str | None = None

    def status(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA
        if self.direction == "at_least":
            return MET if value >= self.target else NOT_MET
        return MET if value <= self.target else NOT_MET


def parse(document: dict[str, Any], catalogue: Catalogue, file: str = "targets.yaml"
          ) -> list[Target]:
    known = {i.id for i in catalogue.indicators}
    targets: list[Target] = []
    seen: set[tuple[str, str, str, str]] = set()
    for number, raw in enumerate(document.get("targets") or [], start=1):
        if not isinstance(raw, dict):
            raise TargetsError(f"{file}: entry {number} is not a mapping of fields; see the "
                               "format in the file's header")
        name = f"{file}: target {number} ({raw.get('indicator_id', '<no indicator_id>')}, " \
               f"{raw.get('period_id', '<no period_id>')})"
        unknown = sorted(set(raw) - FIELDS)
        if unknown:
            raise TargetsError(f"{name}: unknown field(s) {unknown}; allowed: {sorted(FIELDS)}")
        for key in ("indicator_id", "area_code", "period_id", "target", "direction", "set_by"):
            if raw.get(key) in (None, ""):
                raise TargetsError(f"{name}: {key} is missing; every target needs "
                                   "indicator_id, area_code, period_id, target, direction "
                                   "and set_by (who agreed it, and when)")
        if raw["indicator_id"] not in known:
            raise TargetsError(f"{name}: indicator_id {raw['indicator_id']!r} is not in the "
                               "indicator catalogue; use an id from `carers request --list` "
                               "or the edition's indicators table")
        if raw["direction"] not in DIRECTIONS:
            raise TargetsError(f"{name}: direction {raw['direction']!r} is not one of "
                               f"{sorted(DIRECTIONS)}")
        try:
            value = float(raw["target"])
        except (TypeError, ValueError):
            raise TargetsError(f"{name}: target {raw['target']!r} is not a number in the "
                               "indicator's unit") from None
        if math.isnan(value):
            raise TargetsError(f"{name}: target is not a number")
        target = Target(indicator_id=str(raw["indicator_id"]), area_code=str(raw["area_code"]),
                        period_id=str(raw["period_id"]), target=value,
                        direction=str(raw["direction"]), set_by=str(raw["set_by"]),
                        breakdown=str(raw.get("breakdown") or "all"), note=raw.get("note"))
        key = (target.indicator_id, target.area_code, target.period_id, target.breakdown)
        if key in seen:
            raise TargetsError(f"{name}: a second target for the same indicator, area, period "
                               "and breakdown; keep one")
        seen.add(key)
        targets.append(target)
    return targets


def load(catalogue: Catalogue, path: Path = TARGETS_PATH) -> list[Target]:
    """Every target in the file, validated; none if the file does not exist."""
    if not path.is_file():
        return []
    try:
        document = yaml.load(path.read_text(), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as error:
        raise TargetsError(f"{path.name}: not valid YAML ({error}); fix the file") from None
    if not isinstance(document, dict):
        raise TargetsError(f"{path.name}: expected a `targets:` list at the top")
    return parse(document, catalogue, path.name)


def table(targets: list[Target]) -> pd.DataFrame:
    """The targets as a published table."""
    return pd.DataFrame([{c: getattr(t, c) for c in COLUMNS} for t in targets], columns=COLUMNS)
