"""The CI guard: the benchmark's smallest size as a smoke test, judged on cost proxies that a
busy machine cannot move, against the budget in bench/budget.json.

    uv run python -m bench.guard              # run it (about a minute); exit 1 on a regression
    uv run python -m bench.guard --record     # write the measured figures as the new budget

It generates the 10k data (bench/generate.py), then runs `carers refresh` three times on one fresh
warehouse folder in child processes (cold: nothing cached yet; warm: a council's usual
refresh, nothing changed; traced: warm again under tracemalloc) and the plain-DuckDB
baseline once, and checks:

- the refresh's tables equal the baseline's (indicator values, quarantine, row counts);
- Dagster steps and events of the warm run (each event is a SQLite write: 358 events cost
  2.8 s in December 2026);
- rows parsed by pandas readers on the warm run (`pandas.read_csv`/`read_excel`/...): a
  static national file parsed on every refresh (the ASCOF workbook: 49,000 rows, 5.6 s);
- charts drawn on the warm run (`Figure.savefig` calls): charts redrawn from unchanged data;
- figure draws on the cold run (`Figure.draw` calls, each one lays out and renders every
  text of a chart): a chart laid out twice per save (`tight_layout`'s placeholder engine made
  `savefig` draw each figure twice until December 2026: 26 draws for 13 charts at 10k);
- heavy libraries imported by the warm run (great_expectations, matplotlib, openpyxl);
- linear programmes the disclosure audit solves on the warm run (a count: at this size the
  audit was once 17,777 scipy calls and 53 s, the largest cost of a refresh);
- the cold run's peak memory (VmHWM of the refresh process), with a margin;
- the peak of Python's own allocations (tracemalloc) in a third run, warm: exact, so a
  tighter margin; it grows with every Python object made per staged row (indicator lineage
  as one dict per row cost GiBs at 1m rows);
- the cold run's time against the baseline's in the same guard run, with a generous margin
  (the only timing proxy; both sides feel the same machine load).

Counts are exact: the same code and data give the same numbers on any machine. Budgets are
the recorded value (`--record`), so any growth fails; memory and the ratio get a margin.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
BUDGET = BENCH / "budget.json"
SIZE, ROWS, SEED = "10k", 10_000, 1
HEAVY = ("great_expectations", "matplotlib", "openpyxl")
MEMORY_MARGIN = 1.25   # peak memory may grow 25% over the recorded figure
PYTHON_MEMORY_MARGIN = 1.1  # Python's traced peak is exact: 10% for library updates
RATIO_MARGIN = 2.0     # time against the in-run baseline may double before it fails


# --- the child: one refresh with counters ----------------------------------------------------

def _child(out: Path) -> int:
    """Run `carers refresh` in this process, counting what the proxies count; write JSON."""
    import importlib.abc
    import importlib.util

    import pandas as pd

    counts = {"pandas_rows": 0, "pandas_reads": 0, "charts_drawn": 0, "figure_draws": 0,
              "lp_solves": 0}
    imported: set[str] = set()

    def counting(reader):
        def read(*args: Any, **kwargs: Any) -> Any:
            frame = reader(*args, **kwargs)
            frames = frame.values() if isinstance(frame, dict) else [frame]
            counts["pandas_reads"] += 1
            counts["pandas_rows"] += sum(len(f) for f in frames if hasattr(f, "__len__"))
            return frame
        return read

    for name in ("read_csv", "read_excel", "read_parquet", "read_json", "read_table"):
        setattr(pd, name, counting(getattr(pd, name)))

    def count_savefig(module: Any) -> None:
        savefig = module.Figure.savefig

        def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            counts["charts_drawn"] += 1
            return savefig(self, *args, **kwargs)

        module.Figure.savefig = counted
        draw = module.Figure.draw

        @functools.wraps(draw)  # keeps matplotlib's attributes on the method
        def counted_draw(self: Any, renderer: Any) -> Any:
            counts["figure_draws"] += 1
            return draw(self, renderer)

        module.Figure.draw = counted_draw

    class Watch(importlib.abc.MetaPathFinder):
        """Notes heavy libraries as the refresh imports them; counts charts once matplotlib's
        Figure exists (nothing is imported here that the refresh would not import)."""

        def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
            if name.split(".")[0] not in HEAVY:
                return None
            imported.add(name.split(".")[0])
            if name != "matplotlib.figure":
                return None
            sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None:
                return spec
            run = spec.loader.exec_module

            def exec_module(module: Any) -> None:
                run(module)
                count_savefig(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Watch())
    import threading
    import tracemalloc

    from reporting import disclosure  # numpy and pandas only: the refresh imports it anyway

    solve = disclosure._Group._solve
    counting = threading.Lock()  # the audit solves linked groups on several threads

    def counted_solve(self: Any, *args: Any, **kwargs: Any) -> Any:
        with counting:
            counts["lp_solves"] += 1  # every linear programme the disclosure audit solves
        return solve(self, *args, **kwargs)

    disclosure._Group._solve = counted_solve

    import dagster as dg

    from pipelines.cli import build_parser, main

    trace = os.environ.get("CARERS_GUARD_TRACEMALLOC") == "1"
    if trace:  # Python's own allocations (objects, numpy arrays): exact, not load-dependent
        tracemalloc.start()
    # Publish every time, as a refresh with new data does (`--force` where the command has it:
    # an unchanged refresh otherwise skips the edition, and with it the charts).
    args = ["refresh"]
    try:
        build_parser().parse_args(["refresh", "--force"])
        args.append("--force")
    except SystemExit:
        pass
    start = time.perf_counter()
    code = main(args)
    seconds = time.perf_counter() - start
    python_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    instance = dg.DagsterInstance.get()
    run = instance.get_runs(limit=1)[0]
    events = instance.all_logs(run.run_id)
    types = [e.dagster_event.event_type_value for e in events if e.dagster_event]
    result = {
        "exit_code": code, "seconds": round(seconds, 2), "run_id": run.run_id,
        "dagster_events": len(events),
        "dagster_steps": types.count("STEP_START"),
        **counts,
        "heavy_imports": sorted(imported),
        "peak_mib": round(_vm_hwm_kib() / 1024),
        "python_peak_mib": round(python_peak / 2**20),
    }
    out.write_text(json.dumps(result, indent=2))
    return 0


def _vm_hwm_kib() -> int:
    """This process's peak resident memory (reset at exec, unlike ru_maxrss of a child)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- the parent -------------------------------------------------------------------------------

def measure(work: Path) -> dict[str, Any]:
    from bench.run import OUT, _timed, compare

    data = OUT / "data" / SIZE
    manifest_path = data / "manifest.json"
    if not (manifest_path.exists()
            and json.loads(manifest_path.read_text()).get("seed") == SEED):
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "bench.generate", "--scale", str(ROWS),
                        "--seed", str(SEED), "--out", str(data)], check=True,
                       stdout=subprocess.DEVNULL)
    manifest = json.loads(manifest_path.read_text())
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {**os.environ, "CARERS_CACHE": "",  # cold: charts and files not yet cached
           "CARERS_CATALOGUE_EXTRA": str(BENCH / "catalogue"),
           "CARERS_WAREHOUSE": str(work / "pipeline.duckdb"),
           "CARERS_PUBLISH": str(work / "publish"), "CARERS_LANDING": str(data / "landing"),
           "DAGSTER_HOME": str(work / "dagster")}
    (work / "dagster").mkdir()
    shutil.copy(BENCH.parent / "dagster.yaml", work / "dagster" / "dagster.yaml")
    runs = {}
    for name in ("cold", "warm", "traced"):
        out = work / f"{name}.json"
        wall, _, code = _timed([sys.executable, "-m", "bench.guard", "--child", str(out)],
                               {**env,
                                "CARERS_GUARD_TRACEMALLOC": str(int(name == "traced"))},
                               work / f"{name}.log")
        if code != 0 or not out.exists():
            raise SystemExit(f"the {name} refresh failed: see {work / (name + '.log')}")
        runs[name] = {**json.loads(out.read_text()), "wall": round(wall, 2)}
        if runs[name]["exit_code"] != 0:
            raise SystemExit(f"the {name} refresh failed: see {work / (name + '.log')}")
    b_wall, _, b_code = _timed([sys.executable, "-m", "bench.run", "--baseline",
                                str(data / "landing"), str(work / "baseline.duckdb")],
                               env, work / "baseline.log")
    if b_code != 0:
        raise SystemExit(f"the baseline failed: see {work / 'baseline.log'}")
    agree = compare(work / "pipeline.duckdb", work / "baseline.duckdb", manifest)
    cold, warm, traced = runs["cold"], runs["warm"], runs["traced"]
    return {
        "tables_equal": bool(agree["indicators_equal"] and agree["quarantine_equal"]
                             and agree["counts_equal"] and agree["quarantine_equals_planted"]),
        "dagster_steps": warm["dagster_steps"],
        "dagster_events": warm["dagster_events"],
        "pandas_rows_warm": warm["pandas_rows"],
        "charts_drawn_warm": warm["charts_drawn"],
        "figure_draws_cold": cold["figure_draws"],
        "lp_solves_warm": warm["lp_solves"],
        "heavy_imports_warm": warm["heavy_imports"],
        "peak_mib_cold": cold["peak_mib"],
        "python_peak_mib": traced["python_peak_mib"],
        "ratio_cold": round(cold["wall"] / b_wall, 2),
        "seconds": {"cold": cold["wall"], "warm": warm["wall"], "traced": traced["wall"],
                    "baseline": round(b_wall, 2)},
    }


def judge(measured: dict[str, Any], budget: dict[str, Any]) -> list[str]:
    """Every proxy over its budget, as a sentence; empty when all are within."""
    failures = []
    if not measured["tables_equal"]:
        failures.append("the refresh's tables differ from the baseline's")
    for name in ("dagster_steps", "dagster_events", "pandas_rows_warm", "charts_drawn_warm",
                 "figure_draws_cold", "lp_solves_warm"):
        if measured[name] > budget[name]:
            failures.append(f"{name}: {measured[name]} > budget {budget[name]}")
    extra = sorted(set(measured["heavy_imports_warm"]) - set(budget["heavy_imports_warm"]))
    if extra:
        failures.append(f"heavy_imports_warm: {', '.join(extra)} imported by a refresh "
                        f"(budget: {budget['heavy_imports_warm'] or 'none'})")
    python_limit = round(budget["python_peak_mib"] * PYTHON_MEMORY_MARGIN)
    if measured["python_peak_mib"] > python_limit:
        failures.append(f"python_peak_mib: {measured['python_peak_mib']} MiB > {python_limit} "
                        f"MiB (budget {budget['python_peak_mib']} x {PYTHON_MEMORY_MARGIN})")
    limit = round(budget["peak_mib_cold"] * MEMORY_MARGIN)
    if measured["peak_mib_cold"] > limit:
        failures.append(f"peak_mib_cold: {measured['peak_mib_cold']} MiB > {limit} MiB "
                        f"(budget {budget['peak_mib_cold']} x {MEMORY_MARGIN})")
    limit_ratio = round(budget["ratio_cold"] * RATIO_MARGIN, 2)
    if measured["ratio_cold"] > limit_ratio:
        failures.append(f"ratio_cold: {measured['ratio_cold']}x > {limit_ratio}x "
                        f"(budget {budget['ratio_cold']}x x {RATIO_MARGIN})")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true",
                        help="write the measured figures to bench/budget.json")
    parser.add_argument("--budget", type=Path, default=BUDGET)
    parser.add_argument("--work", type=Path, default=BENCH / "out" / "guard")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child)
    measured = measure(args.work)
    print(json.dumps(measured, indent=2))
    if args.record:
        budget = {k: v for k, v in measured.items() if k not in ("tables_equal", "seconds")}
        args.budget.write_text(json.dumps(budget, indent=2) + "\n")
        print(f"budget recorded in {args.budget}")
        return 0 if measured["tables_equal"] else 1
    failures = judge(measured, json.loads(args.budget.read_text()))
    for failure in failures:
        print(f"REGRESSION {failure}")
    print("guard: within budget" if not failures else
          f"guard: {len(failures)} proxy(ies) over budget ({args.budget})")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
