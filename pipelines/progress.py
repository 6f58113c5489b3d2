"""Progress during a refresh: what has finished, as it finishes.

`Progress` is an event listener for a Dagster run (`instance.add_event_listener`): Dagster
calls it with every event of the run, in this process, as the event is stored. It counts
steps (an asset, or an asset check) and, per asset group ("census", "young_carers", ...),
writes one line when the group's last step finishes, or keeps one progress bar up to date on
a terminal. It only counts and, at most ten times a second, writes a line: the refresh does
not wait on it. A fault in it stops the display, never the refresh.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import IO, Any

MODES = ("auto", "bar", "lines", "none")
BAR_WIDTH = 30
BAR_INTERVAL_S = 0.1  # redraw the bar at most this often
QUIET_LINES_S = 10.0  # in lines mode, say what is running if no line for this long


def choose_mode(asked: str, stream: IO[str]) -> str:
    """`auto`: a bar on a terminal, nothing when output goes to a file or a pipe."""
    if asked != "auto":
        return asked
    return "bar" if hasattr(stream, "isatty") and stream.isatty() else "none"


class Progress:
    def __init__(self, groups: dict[str, str], mode: str, stream: IO[str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`groups`: step key -> asset group, for every step of the run."""
        self.groups = groups
        self.mode = mode
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.started = clock()
        self.total = Counter(groups.values())
        self.done: Counter[str] = Counter()
        self.built: Counter[str] = Counter()
        self.checks: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()  # checks that failed
        self.failed_steps: Counter[str] = Counter()
        self.finished: list[str] = []
        self.current = ""
        self.drawn = self.started
        self.broken = False

    @property
    def steps_done(self) -> int:
        return sum(self.done.values())

    def __call__(self, entry: Any) -> None:
        if self.mode == "none" or self.broken:
            return
        try:
            self._event(entry)
        except Exception as exc:  # a display fault must never fail the refresh
            self.broken = True
            with contextlib.suppress(Exception):  # nowhere left to say it; the refresh goes on
                sys.stderr.write(f"(progress display stopped: {type(exc).__name__}: {exc})\n")

    def _event(self, entry: Any) -> None:
        event = getattr(entry, "dagster_event", None)
        if event is None:
            return
        kind = event.event_type_value
        group = self.groups.get(event.step_key or "", "")
        if kind == "STEP_START":
            self.current = group
        elif kind == "ASSET_MATERIALIZATION":
            self.built[group] += 1
        elif kind == "ASSET_CHECK_EVALUATION":
            self.checks[group] += 1
            self.failed[group] += not event.event_specific_data.passed
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED") and group:
            self.done[group] += 1
            if kind == "STEP_FAILURE":
                self.failed_steps[group] += 1
            if self.done[group] == self.total[group]:
                self._group_finished(group)
        else:
            return
        if self.mode == "bar":
            self._bar()
        elif self.clock() - self.drawn >= QUIET_LINES_S and self.current:
            self._line(f"[{self.steps_done}/{len(self.groups)}] running: {self.current}")

    def _line(self, text: str) -> None:
        now = self.clock()
        self.drawn = now
        self._write(f"{text} ({now - self.started:.1f} s)\n")

    def _describe(self, group: str) -> str:
        parts = [f"{self.built[group]} asset(s) built"]
        if self.checks[group]:
            parts.append(f"{self.checks[group] - self.failed[group]} of {self.checks[group]} "
                         "check(s) passed")
        if self.failed_steps[group]:
            parts.append(f"{self.failed_steps[group]} step(s) failed")
        return ", ".join(parts)

    def _group_finished(self, group: str) -> None:
        self.finished.append(group)
        line = f"[{self.steps_done}/{len(self.groups)}] {group}: {self._describe(group)}"
        if self.mode == "bar":
            self._write("\r\033[K")
        self._line(line)
        if self.mode == "bar":
            self.drawn = 0.0

    def _bar(self) -> None:
        now = self.clock()
        if now - self.drawn < BAR_INTERVAL_S and self.steps_done < len(self.groups):
            return
        self.drawn = now
        filled = BAR_WIDTH * self.steps_done // max(len(self.groups), 1)
        self._write(f"\r\033[KRefreshing [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                    f"{self.steps_done}/{len(self.groups)} steps  {self.current}  "
                    f"{now - self.started:.0f} s")

    def finish(self) -> None:
        """Close the bar; name any group that did not finish (a failure upstream)."""
        if self.mode == "none" or self.broken:
            return
        if self.mode == "bar":
            self._write("\r\033[K")
        unfinished = [g for g in self.total if self.done[g] < self.total[g]]
        if unfinished:
            self._write(f"Not finished: {', '.join(sorted(unfinished))}\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def step_groups(job: Any, assets_defs: Any) -> dict[str, str]:
    """Step key -> asset group for a job's steps: an asset's step takes its group, an asset
    check's step the group of the asset it checks."""
    group_of = {}
    for ad in assets_defs:
        for key, group in getattr(ad, "group_names_by_key", {}).items():
            group_of[key] = group
    groups = {}
    for ad in assets_defs:
        if not ad.is_executable:  # an external asset has no step
            continue
        name = ad.node_def.name
        keys = list(getattr(ad, "keys", [])) or [c.asset_key for c in ad.check_keys]
        found = next((group_of[k] for k in keys if k in group_of), None)
        if found is not None:
            groups[name] = found
    steps = {n.name for n in job.graph.nodes}
    return {step: groups.get(step, "other") for step in steps}
