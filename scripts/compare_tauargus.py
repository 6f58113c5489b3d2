"""Tau-Argus (pytauargus, OPT and MOD with HiGHS) on the tables of a built warehouse that fit
its model, for the comparison in docs/disclosure.md.

pytauargus is not a project dependency: run this in a separate environment,
    uv venv /tmp/tau && VIRTUAL_ENV=/tmp/tau uv pip install pytauargus pandas duckdb
    /tmp/tau/bin/python scripts/compare_tauargus.py warehouse/carers.duckdb
"""

from __future__ import annotations

import sys
import time

import duckdb
from pytauargus import protect

TABLES = {
    "young carers referrals (year x source)": (
        "select 'CY' || year(referral_date) as year, referral_source as source, 1.0 as one "
        "from staging.young_carers_support where referral_date is not null", ["year", "source"]),
    "carer assessment outcomes (year x outcome)": (
        "select 'FY' || financial_year as year, coalesce(outcome, 'pending') as outcome, "
        "1.0 as one from staging.carer_assessments", ["year", "outcome"]),
}


def main(warehouse: str) -> None:
    con = duckdb.connect(warehouse, read_only=True)
    for name, (sql, dims) in TABLES.items():
        micro = con.sql(sql).df()
        for method in ("OPT(1)", "MOD(1)"):
            start = time.perf_counter()
            result = protect(micro, dims, response="one", safety_rules="FREQ(5,0)",
                             suppress=method)
            table = result.tables[0].dataframe()
            took = time.perf_counter() - start
            counts = table.groupby("status").size().to_dict()
            print(f"{name} {method}: {took:.2f} s, cells by status {counts}")
            print(table[table.status.isin(["U", "M"])][[*dims, "one", "status"]]
                  .to_string(index=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "warehouse/carers.duckdb")
