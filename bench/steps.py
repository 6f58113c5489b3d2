"""Where the last refresh's time went, step by step, from Dagster's own run history.

    uv run python -m bench.steps            # the last run of the project instance
    uv run python -m bench.steps --top 40

Prints the run's status, its steps and event records, the span from its first to its last
event, and the slowest steps by the duration Dagster recorded (STEP_SUCCESS). Nothing is
timed here: it reads what the run wrote, so it can be run after any `carers refresh`."""

from __future__ import annotations

import argparse

import dagster as dg

from pipelines.refresh import use_project_instance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15, help="how many steps to list")
    args = parser.parse_args(argv)
    use_project_instance()
    instance = dg.DagsterInstance.get()
    runs = instance.get_runs(limit=1)
    if not runs:
        print("No run in this instance's history: run `uv run carers refresh` first.")
        return 1
    run = runs[0]
    records = instance.all_logs(run.run_id)
    steps = {r.dagster_event.step_key: r.dagster_event.event_specific_data.duration_ms / 1000
             for r in records
             if r.dagster_event and r.dagster_event.event_type_value == "STEP_SUCCESS"}
    span = records[-1].timestamp - records[0].timestamp if records else 0.0
    print(f"run {run.run_id}: {run.status.value}, {len(steps)} steps succeeded, "
          f"{len(records)} event records, {span:.2f} s from first to last event, "
          f"{sum(steps.values()):.2f} s in steps")
    for key, seconds in sorted(steps.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{seconds:7.2f} s  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
