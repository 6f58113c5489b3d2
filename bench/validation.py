"""What keeping every suite's outcome as a GX validation result costs, on a built warehouse.

    uv run python -m bench.validation [WAREHOUSE]   # default: warehouse/carers.duckdb

In one process (as inside a refresh, GX never imported): every suite the pipeline runs, on the
SQL engine, then `validation.record` of each result (the only part that runs inside the
refresh). Then, in a fresh process each, as the background build does: `import
great_expectations` alone, and `python -m expectations.validation` building the Data Docs for
those results into a fresh GX context. Prints seconds; medians of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

import expectations
from expectations import validation
from expectations.core import Suite, run_suite
from expectations.returns import contract_suite
from sources.returns.contract import RETURNS

ROOT = Path(__file__).resolve().parents[1]


def suites() -> list[Suite]:
    found: list[Suite] = []
    for module in pkgutil.iter_modules(expectations.__path__):
        loaded = importlib.import_module(f"expectations.{module.name}")
        found.extend(v for v in vars(loaded).values() if isinstance(v, Suite))
    return found + [contract_suite(spec) for spec in RETURNS.values()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", nargs="?", default=str(ROOT / "warehouse/carers.duckdb"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    con = duckdb.connect(args.warehouse, read_only=True)
    runnable = []
    for suite in suites():
        try:
            con.execute(f"select 1 from ({suite.query}) limit 0")
        except duckdb.Error:
            continue  # a table this warehouse does not hold
        runnable.append(suite)
    evaluate, record, imports, build = [], [], [], []
    for i in range(args.repeat):
        gx_dir = Path(tempfile.mkdtemp(prefix="bench-gx-"))
        try:
            start = time.perf_counter()
            results = [(s, run_suite(con, s, "sql")) for s in runnable]
            evaluate.append(time.perf_counter() - start)
            start = time.perf_counter()
            for suite, result in results:
                validation.record(gx_dir, result, suite, suite.name, f"bench-{i}")
            record.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import great_expectations"], check=True)
            imports.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "expectations.validation", str(gx_dir)],
                           check=True, cwd=ROOT, capture_output=True)
            build.append(time.perf_counter() - start)
        finally:
            shutil.rmtree(gx_dir, ignore_errors=True)
    print(f"{len(runnable)} suites, medians of {args.repeat}:")
    print(f"  evaluate every suite (SQL engine)        {statistics.median(evaluate):.3f} s")
    print(f"  record as GX results (inside the run)    {statistics.median(record):.3f} s")
    print(f"  import great_expectations (fresh process) {statistics.median(imports):.2f} s")
    print(f"  build Data Docs (fresh process, in all)  {statistics.median(build):.2f} s")


if __name__ == "__main__":
    main()
