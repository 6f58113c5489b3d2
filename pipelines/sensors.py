"""The landing-folder sensor: a refresh when the landing folder's content differs from what the
last successful refresh read, whoever started that refresh (UI, CLI, schedule or sensor).

Each look records every file's size and sha256 (never its timestamp: copying or touching a
file changes its time, not its content). A refresh is requested only when

1. the folder looks the same at two looks in a row (same files, sizes and hashes), so a file
   still being written or copied is never read half-way;
2. no refresh is running now (the warehouse's writer lock is free): a refresh under way will
   record what it read, and the next look compares with that;
3. that content differs from the landing files recorded in the latest edition's manifest
   (`read`, written by every refresh that publishes, and still true after a refresh that
   found nothing changed); and
4. the sensor has not already requested a refresh of exactly this content (so a refresh that
   failed on it is not repeated every minute: change a file, or refresh by hand).

Otherwise the tick is skipped with a reason that says which of these held it back. The
cursor (shown in the UI) keeps the last look and the fingerprint of the last request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.jobs import refresh_job
from pipelines.settings import setting
from reporting.editions import latest_read
from sources.files import sha256_of
from sources.registry import IGNORED_SUFFIXES
from warehouse import lock
from warehouse.inputs import fingerprint

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


def _differences(old: dict[str, list[Any]], new: dict[str, list[Any]]) -> list[str]:
    names = sorted(set(old) | set(new))
    return [n for n in names if old.get(n) != new.get(n)]


def evaluate(landing: Path, cursor: str | None, publish_root: Path | None = None,
             warehouse: Path | None = None) -> tuple[dg.RunRequest | dg.SkipReason, str]:
    """One tick of the sensor, as a function of the folder, the latest edition's manifest,
    the writer lock and the cursor."""
    state = json.loads(cursor) if cursor else {}
    previous = state.get("look")
    now = look(landing)
    new_state = {"look": now, "requested": state.get("requested")}
    changing = sorted(n for n, (_, sha) in now.items() if sha is None)
    if previous is None and not changing:
        reason = (f"First look at landing folder {landing} ({len(now)} file(s)): it is "
                  "compared with what the last refresh read at the next look, if nothing has "
                  "changed by then.")
        return dg.SkipReason(reason), json.dumps(new_state, sort_keys=True)
    if changing or previous != now:
        moved = changing or _differences(previous or {}, now)
        shown = ", ".join(moved[:5]) + (f" and {len(moved) - 5} more" if len(moved) > 5 else "")
        reason = (f"Landing folder {landing}: {shown} changed since the last look; waiting "
                  "for the next look to be sure every file is completely written before "
                  "refreshing.")
        return dg.SkipReason(reason), json.dumps(new_state, sort_keys=True)
    holder = lock.holder(warehouse) if warehouse is not None else None
    if holder:
        return dg.SkipReason(
            f"A refresh is running now ({holder}): the landing folder is compared with what "
            "it read once it has finished."), json.dumps(new_state, sort_keys=True)
    current = fingerprint(now)
    last = latest_read(publish_root) if publish_root is not None else None
    if last is not None:
        edition, read = last
        if read.get("landing_folder") == str(landing) \
                and read.get("landing_fingerprint") == current:
            return dg.SkipReason(
                f"Nothing new in landing folder {landing}: {len(now)} file(s), the same "
                f"content (sha256) the latest edition, {edition}, was made from."), \
                json.dumps(new_state, sort_keys=True)
    if current == state.get("requested"):
        return dg.SkipReason(
            f"Landing folder {landing}: a refresh of this content ({len(now)} file(s)) was "
            "already requested by this sensor and has not published an edition from it "
            "(still queued or running, or it failed: see the run's page). Change a file, or "
            "run `carers refresh`, to try again."), json.dumps(new_state, sort_keys=True)
    new_state["requested"] = current
    since = last[0] if last is not None else "none"
    request = dg.RunRequest(
        run_key=f"{current}-since-{since}",
        tags={"carers/trigger": "landing_sensor", "carers/landing_fingerprint": current,
              "carers/landing_files": str(len(now)), "carers/since_edition": since})
    return request, json.dumps(new_state, sort_keys=True)


@dg.sensor(job=refresh_job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a refresh when the landing folder's content (by sha256, not "
                       "timestamp) differs from what the latest edition was made from, once "
                       "it has stopped changing between two looks and no refresh is running.")
def landing_sensor(context: dg.SensorEvaluationContext):
    # The landing folder from the environment, not the `carers` resource: the resource takes
    # the writer lock, which a sensor must never hold.
    result, cursor = evaluate(setting("CARERS_LANDING"), context.cursor,
                              setting("CARERS_PUBLISH"), setting("CARERS_WAREHOUSE"))
    context.update_cursor(cursor)
    return result
