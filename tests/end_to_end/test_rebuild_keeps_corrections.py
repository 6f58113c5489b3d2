"""The scenario of issue 19: a return, its corrected resubmission, then the warehouse is lost
and rebuilt. The Board figure stays the corrected one (the audit history beside the editions
is replayed), the rebuilt warehouse finds nothing changed, and `--force` publishes the same
corrected figure again."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import main
from reporting.editions import editions, latest_edition
from sources.files import EXAMPLES_DIR
from tests.builders.env import copy_env, use_env

pytestmark = pytest.mark.slow
ROTHERHAM = "E08000018"
EVENTS = "council_events_2022-2025.csv"
# Same organisation (the name before "events"); sorts before the original, so a rebuild that
# had lost when each file was first seen would let the original win on the name alone.
CORRECTED = "council_events_2022-2025 corrected.csv"
ADDED = 150  # carers the corrected return adds to one 2024/25 event


def _attendance_2024(edition: Path) -> float:
    values = pd.read_csv(edition / "indicator_values.csv")
    row = values[(values.indicator_id == "event_attendance_total")
                 & (values.area_code == ROTHERHAM) & (values.period_id == "FY2024")
                 & (values.breakdown == "all")]
    assert len(row) == 1
    return float(row.iloc[0].value)


def _corrected_copy(original: Path, target: Path) -> None:
    """The original return with one 2024/25 event's carers_attending raised by ADDED."""
    banner, rest = original.read_text().split("\n", 1)
    rows = list(csv.DictReader(io.StringIO(rest)))
    for row in rows:
        day, month, year = (int(p) for p in row["event_date"].split("/"))
        if date(2024, 4, 1) <= date(year, month, day) <= date(2025, 3, 31) \
                and row["carers_attending"].isdigit():
            row["carers_attending"] = str(int(row["carers_attending"]) + ADDED)
            break
    else:
        raise AssertionError("no 2024/25 event with carers attending in the example return")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(banner + "\n" + out.getvalue())


def test_a_corrected_return_still_wins_after_the_warehouse_is_rebuilt(tmp_path, monkeypatch,
                                                                       capsys, shipped_edition):
    monkeypatch.chdir(tmp_path)
    landing = tmp_path / "landing"
    shutil.copytree(EXAMPLES_DIR, landing)
    # The first refresh on the shipped returns is the session's (tests/conftest.py), copied
    # with its warehouse, audit history and Dagster instance; from here on the refreshes read
    # this test's own copy of the returns.
    paths = copy_env(shipped_edition, tmp_path / "project")
    paths["landing"] = landing
    use_env(monkeypatch, paths)
    publish, warehouse = paths["publish"], paths["warehouse"]

    first = latest_edition(publish)
    assert _attendance_2024(first) == 1033

    _corrected_copy(landing / EVENTS, landing / CORRECTED)
    assert main(["refresh"]) == 0, capsys.readouterr().out
    corrected = latest_edition(publish)
    assert _attendance_2024(corrected) == 1033 + ADDED == 1183
    out = capsys.readouterr().out
    assert f"events: {EVENTS}: " in out and "superseded by a corrected file" in out

    # The warehouse file is damaged (cut short): moved aside, rebuilt from the files, with
    # the audit history replayed. Same inputs, same outcome: nothing new to publish.
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[: len(data) // 2])
    assert main(["refresh"]) == 0
    captured = capsys.readouterr()
    assert "is damaged and cannot be read" in captured.err and "moved aside" in captured.err
    assert f"Nothing changed since edition {corrected.name}" in captured.out
    assert [e.name for e in editions(publish)] == [first.name, corrected.name]
    assert latest_edition(publish) == corrected

    # Forced: a new edition from the rebuilt warehouse, with the corrected figure.
    assert main(["refresh", "--force"]) == 0
    assert "Published edition" in capsys.readouterr().out
    rebuilt = latest_edition(publish)
    assert rebuilt not in (first, corrected)
    assert _attendance_2024(rebuilt) == 1183
    lineage = pd.read_csv(rebuilt / "indicator_values.csv")
    sources = lineage[(lineage.indicator_id == "event_attendance_total")
                      & (lineage.period_id == "FY2024")].source.dropna()
    assert sources.str.contains(CORRECTED, regex=False).all()
    assert not sources.str.contains(f"{EVENTS} (sha256", regex=False).any()
    assert len(list(warehouse.parent.glob("carers.duckdb.corrupt-*"))) == 1
