"""A return CSV over LARGE_CSV_BYTES is scanned by DuckDB instead of parsed in Python: both
paths quarantine and stage the same rows, with the same problems, on the benchmark's data
(a planted fault per rule in every thousand rows)."""

from __future__ import annotations

from datetime import date

import pytest

from bench.generate import generate
from sources.files import SourceFile, sha256_of
from sources.returns import read as read_module
from sources.returns.read import read_return
from warehouse.returns import check_return

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("kind", ["events", "carer_assessments", "young_carers_support"])
def test_scan_and_python_paths_give_the_same_quarantine(tmp_path, monkeypatch, kind):
    generate(4000, 5, tmp_path)
    path = tmp_path / "landing" / f"{kind}.csv"
    source = SourceFile(path, kind, "landing", sha256_of(path))
    results = {}
    for name, limit in (("python", 1 << 40), ("scan", 0)):
        monkeypatch.setattr(read_module, "LARGE_CSV_BYTES", limit)
        read = read_return(source, kind, tmp_path / "landing")
        assert (read.scan is not None) == (name == "scan")
        results[name] = check_return(read, TODAY)
    (p_problems, p_counts), (s_problems, s_counts) = results["python"], results["scan"]
    assert s_counts == p_counts
    assert p_counts.rows_quarantined > 0
    assert sorted(map(repr, s_problems)) == sorted(map(repr, p_problems))
