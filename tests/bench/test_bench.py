"""The benchmark's generator and its (a) == (b) checks, at a small scale (no timings asserted)."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from bench import run as bench_run
from bench.generate import PLANTED, generate
from expectations import census
from expectations.core import run_suite
from expectations.returns import contract_suite
from sources.files import SourceFile, sha256_of
from sources.returns.contract import RETURNS
from sources.returns.read import read_return
from warehouse.returns import check_return

TODAY = date(2026, 11, 23)


def _summary(result) -> tuple:
    return (result.rows, result.evaluated, result.success,
            sorted((f.expectation, f.column, f.unexpected_count) for f in result.failures))


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((folder / "landing").glob("*.csv"))}


def test_generator_is_deterministic(tmp_path):
    first = generate(5000, 7, tmp_path / "a")
    second = generate(5000, 7, tmp_path / "b")
    generate(5000, 8, tmp_path / "c")
    assert first == second
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a") != _digests(tmp_path / "c")
    rows = {k: v["rows"] for k, v in first["returns"].items()}
    assert rows == {"events": 5000, "carer_assessments": 1000, "young_carers_support": 500}


def test_generator_covers_every_district_and_five_years(tmp_path):
    generate(20000, 1, tmp_path)
    con = duckdb.connect()
    orgs, years = con.execute(f"""
        select count(distinct source_org),
               count(distinct year(try_strptime(event_date, '%Y-%m-%d')))
        from read_csv('{tmp_path}/landing/events.csv', all_varchar = true)""").fetchall()[0]
    assert orgs == 309
    assert years == 6  # 2020-04 .. 2025-03 spans six calendar years, five financial years


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_planted_rows_are_exactly_what_validation_quarantines(tmp_path, kind):
    manifest = generate(10000, 3, tmp_path)
    path = tmp_path / "landing" / f"{kind}.csv"
    read = read_return(SourceFile(path, kind, "landing", sha256_of(path)), kind,
                       tmp_path / "landing")
    problems, counts = check_return(read, TODAY)
    info = manifest["returns"][kind]
    assert counts.rows_in == info["rows"]
    assert counts.rows_quarantined == info["planted_rows"] > 0
    assert counts.rows_loaded + counts.rows_quarantined == counts.rows_in
    by_column = Counter(p.column for p in problems)
    expected = Counter()
    for name, n in info["planted"].items():
        expected[name.split(":")[0]] += n
    assert by_column == expected
    duplicates = sum(n for name, n in info["planted"].items() if name.endswith("duplicate_key"))
    assert sum(1 for p in problems if p.rule.startswith("duplicates row")) == duplicates


def test_baseline_script_splits_into_statements(tmp_path):
    statements = bench_run._statements(bench_run.baseline_script(tmp_path, TODAY))
    assert len(statements) > 15
    assert all(s.strip().endswith(";") for s in statements[:-1])
    assert "{landing}" not in "".join(statements)


@pytest.mark.slow
def test_small_benchmark_pipeline_equals_baseline(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_run, "OUT", tmp_path)
    result = bench_run.bench_size("10k", 10_000, 1, keep=True)
    assert result["indicators_equal"], result["indicator_differences"]
    assert result["indicator_rows"] > 1000
    assert result["quarantine_equal"] and result["counts_equal"]
    assert result["quarantine_equals_planted"]
    assert result["rows_quarantined"] == {"events": 70, "carer_assessments": 10,
                                          "young_carers_support": 5}
    # Every declared suite of the project gives the same verdicts on SQL and on GX here.
    suites = [census.census_unpaid_care, census.census_band_sums,
              census.districts_map_to_regions, census.area_shape,
              *(contract_suite(spec) for spec in RETURNS.values())]
    with duckdb.connect(str(tmp_path / "runs" / "10k" / "pipeline.duckdb")) as con:
        for suite in suites:
            sql, gx = (run_suite(con, suite, engine_name=e) for e in ("sql", "gx"))
            assert not gx.errors, suite.name
            assert _summary(sql) == _summary(gx), suite.name


def test_compare_notices_a_difference(tmp_path):
    """The equality check can fail: a changed baseline value is reported."""
    manifest = {"returns": {"events": {"planted": {"title:required_blank": 1}}}}
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    with duckdb.connect(str(a)) as con:
        for schema in ("marts", "audit"):
            con.execute(f"create schema {schema}")
        con.execute("create table marts.indicator_values as select 'bench_events' as "
                    "indicator_id, 'E1' as area_code, 'FY2024' as period_id, 'all' as "
                    "breakdown, 5.0 as numerator, null as denominator, 5.0 as value, "
                    "null as lower_ci, null as upper_ci")
        con.execute("create table audit.quarantine as select 'events' as return_kind, "
                    "'title' as column_name, 'is required' as rule")
        con.execute("create table audit.file_loads as select 'events' as return_kind, "
                    "2 as rows_in, 1 as rows_loaded, 1 as rows_quarantined")
    with duckdb.connect(str(b)) as con:
        con.execute("create schema bench")
        con.execute("create table bench.indicator_values as select 'bench_events' as "
                    "indicator_id, 'E1' as area_code, 'FY2024' as period_id, 'all' as "
                    "breakdown, 6.0 as numerator, null as denominator, 6.0 as value, "
                    "null as lower_ci, null as upper_ci")
        con.execute("create table bench.quarantine as select 'events', 'title', 1")
        con.execute("create table bench.counts as select 'events', 2, 1, 1")
    result = bench_run.compare(a, b, manifest)
    assert not result["indicators_equal"] and result["indicator_differences"]
    assert result["quarantine_equal"] and result["counts_equal"]
    assert result["quarantine_equals_planted"]
