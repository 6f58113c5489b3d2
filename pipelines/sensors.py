"""The landing-folder sensor: a refresh when a file appears or changes, judged by content.

Each look records every file's size and sha256 (never its timestamp: copying or touching a
file changes its time, not its content). A refresh is requested only when

1. the folder looks the same at two looks in a row (same files, sizes and hashes), so a file
   still being written or copied is never read half-way; and
2. that content differs from the content of the last refresh this sensor requested.

Otherwise the tick is skipped with a reason that says which of the two held it back. The
cursor (shown in the UI) keeps the last look and the fingerprint of the last request.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.jobs import refresh_job
from pipelines.settings import setting
from sources.files import sha256_of
from sources.registry import IGNORED_SUFFIXES

SENSOR_INTERVAL_SECONDS = 60


def look(landing: Path) -> dict[str, list[Any]]:
    """Every file the refresh would read from the landing folder: relative path -> [size,
    sha256]. A file whose size changes while it is hashed is marked as changing (sha None)."""
    if not landing.is_dir():
        return {}
    seen: dict[str, list[Any]] = {}
    for path in sorted(landing.rglob("*")):
        if not path.is_file() or path.name.startswith((".", "~$")) \
                or path.suffix.lower() in IGNORED_SUFFIXES:
            continue
        try:
            before = path.stat().st_size
            digest = sha256_of(path)
            after = path.stat().st_size
        except FileNotFoundError:  # removed while we looked: the next look will tell
            continue
        seen[str(path.relative_to(landing))] = [after, digest if before == after else None]
    return seen


def fingerprint(files: dict[str, list[Any]]) -> str:
    text = "\n".join(f"{name}\t{sha}" for name, (_, sha) in sorted(files.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _differences(old: dict[str, list[Any]], new: dict[str, list[Any]]) -> list[str]:
    names = sorted(set(old) | set(new))
    return [n for n in names if old.get(n) != new.get(n)]


def evaluate(landing: Path, cursor: str | None) -> tuple[dg.RunRequest | dg.SkipReason, str]:
    """One tick of the sensor, as a pure function of the folder and the cursor."""
    state = json.loads(cursor) if cursor else {}
    previous = state.get("look")
    now = look(landing)
    new_state = {"look": now, "requested": state.get("requested")}
    changing = sorted(n for n, (_, sha) in now.items() if sha is None)
    if previous is None and not changing:
        reason = (f"First look at landing folder {landing} ({len(now)} file(s)): a refresh is "
                  "requested at the next look if nothing has changed by then.")
        return dg.SkipReason(reason), json.dumps(new_state, sort_keys=True)
    if changing or previous != now:
        moved = changing or _differences(previous or {}, now)
        shown = ", ".join(moved[:5]) + (f" and {len(moved) - 5} more" if len(moved) > 5 else "")
        reason = (f"Landing folder {landing}: {shown} changed since the last look; waiting "
                  "for the next look to be sure every file is completely written before "
                  "refreshing.")
        return dg.SkipReason(reason), json.dumps(new_state, sort_keys=True)
    current = fingerprint(now)
    if current == state.get("requested"):
        return dg.SkipReason(
            f"Nothing new in landing folder {landing}: {len(now)} file(s), content (sha256) "
            "unchanged since the last refresh this sensor requested."), \
            json.dumps(new_state, sort_keys=True)
    new_state["requested"] = current
    changed = sorted(now)
    request = dg.RunRequest(
        run_key=current,
        tags={"carers/trigger": "landing_sensor", "carers/landing_fingerprint": current,
              "carers/landing_files": str(len(changed))})
    return request, json.dumps(new_state, sort_keys=True)


@dg.sensor(job=refresh_job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a refresh when a file in the landing folder is new or changed "
                       "(by sha256, not timestamp), once it has stopped changing between two "
                       "looks.")
def landing_sensor(context: dg.SensorEvaluationContext):
    # The landing folder from the environment, not the `carers` resource: the resource takes
    # the writer lock, which a sensor must never hold.
    result, cursor = evaluate(setting("CARERS_LANDING"), context.cursor)
    context.update_cursor(cursor)
    return result
