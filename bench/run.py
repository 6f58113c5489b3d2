"""The benchmark: the full Dagster refresh against a plain-DuckDB baseline, on the same files.

    uv run python -m bench.run                      # 100k, 1m and 10m event rows
    uv run python -m bench.run --sizes 100k,1m

For each size it generates the returns (bench/generate.py, cached under bench/out/data/),
then, one after the other in fresh processes:
  (a) `carers refresh` on them: reading, validation, quarantine, GX contract checks,
      indicators with intervals and comparators, disclosure control and publishing;
  (b) bench/baseline.sql in one DuckDB connection: the same row rules, quarantine, staging and
      the same indicator values, nothing else.
It prints wall time, peak memory (max RSS of the process), rows per second and the ratio
(a)/(b), checks the two give identical indicator values and identical quarantine counts (and
that those equal the planted bad rows), and writes bench/out/results.json and results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from bench.generate import LOOKUP

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
CATALOGUE = BENCH / "catalogue"
COMPARED = ["numerator", "denominator", "value", "lower_ci", "upper_ci"]
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}


def size_of(label: str) -> int:
    label = label.strip().lower()
    return SIZES[label] if label in SIZES else int(label.replace("_", ""))


GNU_TIME = Path("/usr/bin/time")


def _timed(command: list[str], env: dict[str, str], log: Path) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in bytes, exit code) of one child process.

    Peak memory comes from GNU time when it is there: a child's ru_maxrss also counts the
    memory of the process that forked it (Linux keeps the high-water mark across exec), so
    measuring from this process would add its own size to the figure."""
    memory = log.with_suffix(".maxrss")
    if GNU_TIME.exists():
        command = [str(GNU_TIME), "-f", "%M", "-o", str(memory), *command]
    with log.open("w") as handle:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    peak_kib = usage.ru_maxrss
    if memory.exists():
        peak_kib = int(memory.read_text().split()[-1])
    return wall, peak_kib * 1024, os.waitstatus_to_exitcode(status)


def baseline_script(landing: Path, today: date) -> str:
    """bench/baseline.sql with paths filled, the shared indicator SQL and the value step."""
    types = {i["id"]: (i["value_type"], i.get("multiplier", 1))
             for i in yaml.safe_load((CATALOGUE / "bench.yaml").read_text())["indicators"]}
    cases = " ".join(f"when '{k}' then '{t}'" for k, (t, _) in types.items())
    mults = " ".join(f"when '{k}' then {m}" for k, (_, m) in types.items())
    script = (BENCH / "baseline.sql").read_text()
    script = (script.replace("{landing}", str(landing)).replace("{lookup}", str(LOOKUP))
              .replace("{today}", today.isoformat()))
    indicators = (BENCH / "sql" / "indicators.sql").read_text().strip().rstrip(";")
    z = 1.959963984540054  # warehouse.stats.Z95
    return script + f"""
create or replace table bench.indicator_values as
with s as ({indicators}),
t as (select *, case indicator_id {cases} end as value_type,
             case indicator_id {mults} end as mult from s),
w as (select *, numerator / denominator as p,
             2 * numerator + {z}^2 as centre,
             {z} * sqrt({z}^2 + 4 * numerator * (1 - numerator / denominator)) as spread,
             2 * (denominator + {z}^2) as scale
      from t)
select indicator_id, area_code, period_id, breakdown, numerator, denominator,
       case when value_type = 'proportion' then p * mult else numerator end as value,
       case when value_type = 'proportion'
            then greatest(0.0, (centre - spread) / scale) * mult end as lower_ci,
       case when value_type = 'proportion'
            then least(1.0, (centre + spread) / scale) * mult end as upper_ci
from w;
"""


def run_baseline(landing: Path, database: Path, today: date) -> None:
    """Side (b): run in its own process by `python -m bench.run --baseline ...`."""
    con = duckdb.connect(str(database))
    try:
        from warehouse.db import memory_limit

        con.execute("set memory_limit = ?",
                    [memory_limit(os.environ.get("CARERS_DUCKDB_MEMORY", ""))])
        for statement in _statements(baseline_script(landing, today)):
            con.execute(statement)
    finally:
        con.close()


def _statements(script: str) -> list[str]:
    """Split on ';' at line ends (no statement here has one inside it)."""
    parts, current = [], []
    for line in script.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            parts.append("\n".join(current))
            current = []
    tail = "\n".join(current).strip()
    if tail and not all(x.strip().startswith("--") for x in tail.splitlines() if x.strip()):
        parts.append(tail)
    return parts


def _rounded(rows: list[tuple]) -> list[tuple]:
    return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows)


def compare(pipeline_db: Path, baseline_db: Path, manifest: dict) -> dict[str, Any]:
    """Indicator values, quarantine counts and row counts of (a) and (b), and whether equal."""
    select = ("select indicator_id, area_code, period_id, breakdown, "
              + ", ".join(f"{c}::double" for c in COMPARED))
    with duckdb.connect(str(pipeline_db), read_only=True) as a:
        a_ind = a.sql(f"{select} from marts.indicator_values "
                      "where indicator_id like 'bench_%'").fetchall()
        a_q = a.sql("select return_kind, column_name, count(*) from audit.quarantine "
                    "group by all").fetchall()
        a_c = a.sql("select return_kind, sum(rows_in), sum(rows_loaded), "
                    "sum(rows_quarantined) from audit.file_loads group by all").fetchall()
    with duckdb.connect(str(baseline_db), read_only=True) as b:
        b_ind = b.sql(f"{select} from bench.indicator_values").fetchall()
        b_q = b.sql("select * from bench.quarantine").fetchall()
        b_c = b.sql("select * from bench.counts").fetchall()
    planted = planted_by_column(manifest)
    a_by_column = {(k, c): int(n) for k, c, n in a_q}
    differences = [r for r in set(_rounded(a_ind)) ^ set(_rounded(b_ind))][:10]
    return {
        "indicator_rows": len(a_ind),
        "indicators_equal": _rounded(a_ind) == _rounded(b_ind),
        "indicator_differences": [list(map(str, d)) for d in differences],
        "quarantine_equal": sorted(a_q) == sorted((k, c, int(n)) for k, c, n in b_q),
        "counts_equal": sorted(tuple(map(int, r[1:])) for r in a_c) ==
        sorted(tuple(map(int, r[1:])) for r in b_c),
        "quarantine_equals_planted": a_by_column == planted,
        "rows_quarantined": {k: int(q) for k, _, _, q in a_c},
        "rows_loaded": {k: int(lo) for k, _, lo, _ in a_c},
    }


def planted_by_column(manifest: dict) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for kind, info in manifest["returns"].items():
        for name, count in info["planted"].items():
            column = name.split(":")[0]
            if count:
                out[(kind, column)] = out.get((kind, column), 0) + count
    return out


def bench_size(label: str, rows: int, seed: int, keep: bool) -> dict[str, Any]:
    data = OUT / "data" / label
    manifest_path = data / "manifest.json"
    if manifest_path.exists() and json.loads(manifest_path.read_text()).get("seed") == seed:
        manifest = json.loads(manifest_path.read_text())
    else:
        shutil.rmtree(data, ignore_errors=True)
        # In a child process, so this process stays small while the measured ones run.
        subprocess.run([sys.executable, "-m", "bench.generate", "--scale", str(rows),
                        "--seed", str(seed), "--out", str(data)], check=True,
                       stdout=subprocess.DEVNULL)
        manifest = json.loads(manifest_path.read_text())
    runs = OUT / "runs" / label
    shutil.rmtree(runs, ignore_errors=True)
    runs.mkdir(parents=True)
    env = {**os.environ, "CARERS_CACHE": "",  # cold: charts and files not yet cached
           "CARERS_CATALOGUE_EXTRA": str(CATALOGUE),
           "CARERS_WAREHOUSE": str(runs / "pipeline.duckdb"),
           "CARERS_PUBLISH": str(runs / "publish"), "CARERS_LANDING": str(data / "landing")}
    carers = Path(sys.executable).parent / "carers"
    a_wall, a_rss, a_rc = _timed([str(carers), "refresh"], env, runs / "pipeline.log")
    if a_rc != 0:
        raise SystemExit(f"(a) the refresh failed at {label}: see {runs / 'pipeline.log'}")
    b_wall, b_rss, b_rc = _timed(
        [sys.executable, "-m", "bench.run", "--baseline", str(data / "landing"),
         str(runs / "baseline.duckdb")], env, runs / "baseline.log")
    if b_rc != 0:
        raise SystemExit(f"(b) the baseline failed at {label}: see {runs / 'baseline.log'}")
    total = sum(r["rows"] for r in manifest["returns"].values())
    result = {
        "size": label, "event_rows": rows, "all_rows": total,
        "pipeline": {"seconds": round(a_wall, 2), "peak_mib": round(a_rss / 2**20),
                     "rows_per_second": round(total / a_wall)},
        "baseline": {"seconds": round(b_wall, 2), "peak_mib": round(b_rss / 2**20),
                     "rows_per_second": round(total / b_wall)},
        "ratio": round(a_wall / b_wall, 2),
        **compare(runs / "pipeline.duckdb", runs / "baseline.duckdb", manifest),
    }
    if not keep:
        for name in ("pipeline.duckdb", "baseline.duckdb"):
            (runs / name).unlink(missing_ok=True)
    return result


def table(results: list[dict]) -> str:
    lines = ["| event rows | all rows | (a) refresh s | (a) peak MiB | (a) rows/s | "
             "(b) baseline s | (b) peak MiB | (b) rows/s | ratio (a)/(b) | tables equal | "
             "quarantine equal |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        a, b = r["pipeline"], r["baseline"]
        lines.append(
            f"| {r['event_rows']:,} | {r['all_rows']:,} | {a['seconds']} | {a['peak_mib']} | "
            f"{a['rows_per_second']:,} | {b['seconds']} | {b['peak_mib']} | "
            f"{b['rows_per_second']:,} | {r['ratio']}x | {r['indicators_equal']} | "
            f"{r['quarantine_equal'] and r['counts_equal'] and r['quarantine_equals_planted']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100k,1m,10m",
                        help="comma-separated event-row counts: 10k, 100k, 1m, 10m or numbers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep both warehouses")
    parser.add_argument("--baseline", nargs=2, metavar=("LANDING", "DATABASE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline:
        run_baseline(Path(args.baseline[0]), Path(args.baseline[1]), date.today())
        return 0
    results = []
    for label in [s for s in args.sizes.split(",") if s.strip()]:
        result = bench_size(label.strip(), size_of(label), args.seed, args.keep)
        results.append(result)
        print(json.dumps(result), flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    (OUT / "results.md").write_text(text + "\n")
    print(text)
    agree = all(r["indicators_equal"] and r["quarantine_equal"] and r["counts_equal"]
                and r["quarantine_equals_planted"] for r in results)
    print("(a) and (b) agree" if agree else "(a) and (b) DISAGREE: see bench/out/results.json")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
