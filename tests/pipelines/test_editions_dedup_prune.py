"""No duplicate editions (the rule in warehouse/publish.py's unchanged_since), and `carers
editions --prune`: the newest N, every edition a workbook, facts page or request output has
cited, and `latest` are kept; nothing else is."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from pipelines.cli import main
from reporting.editions import (
    citations,
    editions,
    latest_edition,
    point_latest,
    publish_edition,
    record_citation,
    unchanged_since,
)
from tests.builders import facts_edition

READ = {"key": "k1", "landing_fingerprint": "f1"}


def _tables(values=(1, 2)) -> dict[str, pd.DataFrame]:
    return {"indicator_values": pd.DataFrame({"indicator_id": ["a", "b"], "value": list(values)})}


def test_same_inputs_and_same_tables_means_nothing_new(tmp_path):
    root = tmp_path / "publish"
    assert unchanged_since(root, READ, _tables()) is None  # nothing published yet
    first = publish_edition(root, "20260101T000000Z-aaaaaaaa", _tables(), {"read": READ})
    assert unchanged_since(root, READ, _tables()) == first.name
    # Other inputs, catalogue or code: publish.
    assert unchanged_since(root, {**READ, "key": "k2"}, _tables()) is None
    # Same inputs but different tables (a rule that depends on today's date): publish.
    assert unchanged_since(root, READ, _tables((1, 3))) is None
    assert unchanged_since(root, READ, {**_tables(), "extra": pd.DataFrame({"x": [1]})}) is None


def test_an_edition_from_before_the_record_is_never_taken_as_the_same(tmp_path):
    root = tmp_path / "publish"
    publish_edition(root, "20260101T000000Z-aaaaaaaa", _tables(), {"run_id": "a"})
    assert unchanged_since(root, READ, _tables()) is None


IDS = [f"2026010{d}T000000Z-0000000{d}" for d in range(1, 7)]


@pytest.fixture
def six(tmp_path, monkeypatch):
    """Six editions (readable by `carers request` and `carers facts`), the newest latest."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "publish"
    for edition in IDS:
        facts_edition.build(root / edition)
    point_latest(root, IDS[-1])
    monkeypatch.setenv("CARERS_PUBLISH", str(root))
    monkeypatch.setenv("CARERS_WAREHOUSE", str(tmp_path / "wh" / "carers.duckdb"))
    monkeypatch.delenv("CARERS_KEEP_EDITIONS", raising=False)
    return root


def _names(root) -> list[str]:
    return [p.name for p in editions(root)]


def test_prune_keeps_the_newest_the_cited_and_latest(six, tmp_path, capsys):
    out = tmp_path / "answer.csv"
    # (`carers request --out` records its citation the same way; the fixture edition has only
    # the tables the facts page reads, so the request's is recorded here directly.)
    record_citation(six, IDS[1], out, "request output")
    assert main(["facts", "--edition", IDS[0], "--out", str(tmp_path / "page")]) == 0
    cited = citations(six)
    assert [(c["edition"], c["what"], c["output"]) for c in cited] == [
        (IDS[1], "request output", str(out)), (IDS[0], "facts page", str(tmp_path / "page"))]
    capsys.readouterr()

    assert main(["editions"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith(IDS[5]) and listing[0].endswith("<- latest")
    assert listing[4].startswith(IDS[1]) and listing[4].endswith("  cited")

    assert main(["editions", "--prune", "--keep", "2", "--dry-run"]) == 0
    assert "would remove 20260103T000000Z-00000003" in capsys.readouterr().out
    assert _names(six) == IDS

    assert main(["editions", "--prune", "--keep", "2"]) == 0
    report = capsys.readouterr().out
    assert _names(six) == [IDS[0], IDS[1], IDS[4], IDS[5]]
    assert f"removed {IDS[2]}" in report and f"removed {IDS[3]}" in report
    assert f"kept {IDS[0]}: cited by facts page" in report
    assert f"kept {IDS[5]}: latest" in report
    assert latest_edition(six).name == IDS[5]


def test_prune_never_removes_latest_even_when_old_and_uncited(six, capsys, monkeypatch):
    point_latest(six, IDS[2])  # rolled back to an older edition
    monkeypatch.setenv("CARERS_KEEP_EDITIONS", "1")
    assert main(["editions", "--prune"]) == 0
    assert _names(six) == [IDS[2], IDS[5]]
    assert latest_edition(six).name == IDS[2]
    assert json.loads((six / IDS[2] / "manifest.json").read_text())


def test_prune_setting_must_be_a_number_and_at_least_one(six, capsys, monkeypatch):
    monkeypatch.setenv("CARERS_KEEP_EDITIONS", "all")
    assert main(["editions", "--prune"]) == 2
    assert "CARERS_KEEP_EDITIONS='all'" in capsys.readouterr().err
    assert main(["editions", "--prune", "--keep", "0"]) == 2
    assert _names(six) == IDS


def test_prune_waits_for_no_refresh(six, tmp_path, capsys):
    """Publishing holds the writer lock: prune refuses while another process holds it."""
    warehouse = tmp_path / "wh" / "carers.duckdb"
    code = textwrap.dedent(f"""
        import pathlib, sys
        from warehouse import lock
        lock.acquire(pathlib.Path({str(warehouse)!r}), wait=False)
        print("held", flush=True)
        sys.stdin.read()
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        assert main(["editions", "--prune", "--keep", "1"]) == 75
        assert "Another refresh is writing" in capsys.readouterr().err
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    assert _names(six) == IDS
