"""What a refresh costs before it does any work: Dagster's own floor on this machine.

    uv run python -m bench.floor            # three runs, each in a fresh process
    uv run python -m bench.floor --runs 5

Each run starts a fresh Python process that imports Dagster, opens an instance configured as
the project's (dagster.yaml: the project's SQLite storage) in a temporary folder, and runs a
job of the refresh job's shape in process: 42 assets in a chain, 29 of them with a check
evaluated in their step and 5 checks in steps of their own (47 steps; about the 329 events of
a shipped refresh), every step doing nothing. It prints the process's wall time from start
to exit, split into imports, instance and definitions, and the run, and the events
written. Nothing of the project is imported: this is the part of `carers refresh` (about
12 s on the shipped data) that no change to the project's own code can remove."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ASSETS, INLINE_CHECKS, CHECK_STEPS = 42, 29, 5
PROJECT = Path(__file__).resolve().parents[1]


def _child(home: str) -> None:
    started = time.monotonic()
    os.chdir(home)
    import dagster as dg

    imported = time.monotonic()
    # (No annotations on the step functions: Dagster resolves them, and this module's are
    # strings naming `dg`, imported here so that its import time is measured.)
    def asset(i, previous):
        checked = i < INLINE_CHECKS
        specs = [dg.AssetCheckSpec("suite", asset=f"a{i}")] if checked else []

        @dg.asset(name=f"a{i}", deps=[previous] if previous else [], check_specs=specs)
        def step(context):
            results = [dg.AssetCheckResult(passed=True)] if checked else []
            return dg.MaterializeResult(metadata={"rows": 1}, check_results=results)

        return step

    def own_check(i):
        @dg.asset_check(asset=f"a{ASSETS - 1 - i}", name=f"own_check_{i}")
        def own():
            return dg.AssetCheckResult(passed=True)

        return own

    assets = []
    for i in range(ASSETS):
        assets.append(asset(i, assets[-1] if assets else None))
    checks = [own_check(i) for i in range(CHECK_STEPS)]
    defs = dg.Definitions(assets=assets, asset_checks=checks,
                          jobs=[dg.define_asset_job("floor", selection=dg.AssetSelection.all())])
    job = defs.resolve_job_def("floor")
    instance = dg.DagsterInstance.get()
    ready = time.monotonic()
    result = job.execute_in_process(instance=instance)
    done = time.monotonic()
    assert result.success
    events = len(instance.all_logs(result.run_id))
    steps = len(job.get_subset(asset_selection=None).nodes_in_topological_order)
    print(json.dumps({"imports": imported - started, "instance_and_definitions": ready - imported,
                      "run": done - ready, "events": events, "steps": steps}))


def _one_run() -> dict:
    with tempfile.TemporaryDirectory() as home:
        shutil.copy(PROJECT / "dagster.yaml", Path(home) / "dagster.yaml")
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "bench.floor", "--child", home],
                             capture_output=True, text=True, check=True, cwd=PROJECT,
                             env={**os.environ, "DAGSTER_HOME": home}, timeout=300)
        wall = time.monotonic() - started
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["wall"] = wall
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    walls = []
    for n in range(1, args.runs + 1):
        f = _one_run()
        walls.append(f["wall"])
        print(f"run {n}: {f['wall']:.2f} s wall (imports {f['imports']:.2f} s, instance and "
              f"definitions {f['instance_and_definitions']:.2f} s, the run {f['run']:.2f} s; "
              f"{f['steps']} steps, {f['events']} events)")
    walls.sort()
    print(f"Dagster's floor for a refresh-shaped job: median {walls[len(walls) // 2]:.2f} s "
          "wall, with no work done in any step")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
