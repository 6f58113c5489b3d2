"""The CI guard's verdicts (bench/guard.py): every proxy over its budget is named."""

from __future__ import annotations

import json
from pathlib import Path

from bench.guard import judge

BUDGET = {"dagster_steps": 40, "dagster_events": 250, "pandas_rows_warm": 0,
          "charts_drawn_warm": 0, "figure_draws_cold": 13, "lp_solves_warm": 3000,
          "heavy_imports_warm": [],
          "peak_mib_cold": 400,
          "python_peak_mib": 100,
          "ratio_cold": 5.0}


def _measured(**changes) -> dict:
    return {"tables_equal": True, **BUDGET, **changes}


def test_within_budget_passes():
    assert judge(_measured(), BUDGET) == []
    # memory and the time ratio have margins: 25% and 2x
    assert judge(_measured(peak_mib_cold=500, ratio_cold=10.0, python_peak_mib=110),
                 BUDGET) == []


def test_each_proxy_over_budget_fails_by_name():
    cases = {
        "dagster_steps": _measured(dagster_steps=69),
        "dagster_events": _measured(dagster_events=358),
        "pandas_rows_warm": _measured(pandas_rows_warm=48970),
        "charts_drawn_warm": _measured(charts_drawn_warm=4),
        "figure_draws_cold": _measured(figure_draws_cold=26),
        "lp_solves_warm": _measured(lp_solves_warm=3001),
        "heavy_imports_warm": _measured(heavy_imports_warm=["matplotlib", "openpyxl"]),
        "peak_mib_cold": _measured(peak_mib_cold=501),
        "python_peak_mib": _measured(python_peak_mib=111),
        "ratio_cold": _measured(ratio_cold=10.01),
        "tables differ": _measured(tables_equal=False),
    }
    for name, measured in cases.items():
        failures = judge(measured, BUDGET)
        assert len(failures) == 1 and name in failures[0], (name, failures)


def test_the_recorded_budget_has_every_proxy():
    budget = json.loads((Path(__file__).parents[2] / "bench" / "budget.json").read_text())
    assert set(budget) == set(BUDGET)
    assert budget["pandas_rows_warm"] == 0 and budget["charts_drawn_warm"] == 0
    assert budget["heavy_imports_warm"] == []
