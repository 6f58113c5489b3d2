"""Rung 3: `carers refresh` end to end on the shipped data, through the project's Dagster
instance, with its check evaluations; and what happens when input is bad."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.cli import main
from reporting.editions import editions
from sources.files import EXAMPLES_DIR
from tests.builders.env import FIXTURES, copy_env, use_env

pytestmark = pytest.mark.slow
ROTHERHAM = "E08000018"


def _table(edition: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(edition / f"{name}.csv")


@pytest.fixture
def refreshed(shipped_edition):
    """The session's one successful refresh on the shipped data (tests/conftest.py): the
    shipped public files and example returns, through the project's Dagster instance. Only
    read here; the test that refreshes again does so on a copy."""
    return {"code": 0, "paths": shipped_edition, "edition": shipped_edition["edition"]}


def test_refresh_succeeds_and_publishes(refreshed):
    assert refreshed["code"] == 0
    edition = refreshed["edition"]
    assert edition.is_dir()
    for name in ("indicator_values", "indicator_lineage", "indicators"):
        assert (edition / f"{name}.csv").is_file()
        assert (edition / f"{name}.parquet").is_file()


def test_rotherham_census_figures(refreshed):
    values = _table(refreshed["edition"], "indicator_values")
    r = values[(values.area_code == ROTHERHAM) & (values.indicator_id == "census_unpaid_care_pct")]
    y2021 = r[r.period_id == "CD2021"].iloc[0]
    assert (y2021.numerator, y2021.denominator) == (26313, 251162)
    # Exact figures from the raw ONS file, worked independently of the pipeline: 26,313 of
    # 251,162 is 10.4765%; Wilson's 95% interval (z = 1.959964) is 10.3573 to 10.5969
    # (hand-worked in tests/warehouse/test_stats.py). England is 4,678,260 of 53,413,087 =
    # 8.7586%, below the interval: "higher" (the indicator has no polarity). Sorting the 309
    # English districts of census2021-ts039-ltla.csv by share, Rotherham is 26th.
    assert y2021.value == pytest.approx(10.476505, abs=1e-6)
    assert (y2021.lower_ci, y2021.upper_ci) == pytest.approx((10.357339, 10.596880), abs=1e-6)
    assert y2021.england_value == pytest.approx(8.758640, abs=1e-6)
    assert y2021.england_comparison == "higher"
    assert y2021.region_comparison == "higher"
    assert (y2021["rank"], y2021["rank_of"]) == (26, 309)
    y2011 = r[r.period_id == "CD2011"].iloc[0]
    assert y2011.numerator == 31001
    assert "[b]" in y2011.symbol
    assert pd.isna(y2021.direction)  # no direction of travel across a break in series
    england = values[(values.area_code == "E92000001") & (values.period_id == "CD2021")
                     & (values.indicator_id == "census_unpaid_care_pct")].iloc[0]
    assert bool(england.is_sum_of_districts)
    assert y2021.england_value == pytest.approx(england.value)


def test_figures_trace_to_file_hash_and_row(refreshed):
    edition = refreshed["edition"]
    lineage = _table(edition, "indicator_lineage")
    row = lineage[(lineage.area_code == ROTHERHAM) & (lineage.period_id == "CD2021")
                  & (lineage.indicator_id == "census_unpaid_care_pct")].iloc[0]
    assert row.source_file == "census2021-ts039-ltla.csv"
    assert str(row.source_rows) == "259"
    manifest = json.loads((edition / "manifest.json").read_text())
    shas = {i["file"]: i["sha256"] for i in manifest["inputs"]}
    assert shas["census2021-ts039-ltla.csv"] == row.source_sha256
    assert manifest["checks"] and all(c["passed"] for c in manifest["checks"]
                                      if c["severity"] == "ERROR")
    assert {t["name"] for t in manifest["tables"]} >= {"indicator_values", "indicator_lineage"}


def test_run_is_in_the_instance_history_with_checks(refreshed, monkeypatch):
    home = refreshed["paths"]["home"]
    monkeypatch.chdir(home)  # dagster.yaml's storage paths are relative, as for `carers`
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        [run] = [r for r in instance.get_runs() if r.job_name == "refresh"]
        assert run.status == dg.DagsterRunStatus.SUCCESS
        records = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    finally:
        instance.dispose()
    names = {r.event_log_entry.dagster_event.event_specific_data.check_name for r in records}
    assert {"stg_census_unpaid_care_suite", "stg_census_unpaid_care_band_sums"} <= names


def test_second_refresh_gives_identical_tables(refreshed, tmp_path, monkeypatch):
    first = refreshed["edition"]
    # A second refresh on the same warehouse and instance: a copy of the shared one (so the
    # shared edition stays as it was for the tests that read it).
    monkeypatch.chdir(tmp_path)
    paths = copy_env(refreshed["paths"], tmp_path / "again")
    use_env(monkeypatch, paths)
    monkeypatch.delenv("CARERS_LANDING")  # the embedded default, as for the first refresh
    assert [e.name for e in editions(paths["publish"])] == [first.name]
    # Nothing changed, so only --force publishes a second edition (issue 19).
    assert main(["refresh", "--force"]) == 0
    second = (paths["publish"] / "latest").resolve()
    assert [e.name for e in editions(paths["publish"])] == [first.name, second.name]
    for table in sorted(first.glob("*.csv")):
        assert table.read_bytes() == (second / table.name).read_bytes(), table.name


@pytest.mark.parametrize(("fixture", "expected"), [
    ("ts039_non_numeric.csv", ["census2021-ts039-ltla.csv", "row 3", "50 or more hours",
                               "'9,3l2'"]),
    ("ts039_bands_do_not_sum.csv", ["stg_census_unpaid_care_band_sums", "relative_gap"]),
])
def test_bad_census_file_fails_and_keeps_last_edition(refreshed, tmp_path, monkeypatch, capsys,
                                                      fixture, expected):
    # Where a good refresh on the shipped data left the project (a copy of the shared one);
    # then a bad census file arrives beside the shipped returns.
    monkeypatch.chdir(tmp_path)
    paths = copy_env(refreshed["paths"], tmp_path / "project")
    paths["landing"] = tmp_path / "landing"
    shutil.copytree(EXAMPLES_DIR, paths["landing"])
    use_env(monkeypatch, paths)
    good = (paths["publish"] / "latest").resolve()
    assert good.name == refreshed["edition"].name
    before = {p.name: p.read_bytes() for p in good.iterdir()}
    capsys.readouterr()

    shutil.copy(FIXTURES / "census" / fixture, paths["landing"] / "census2021-ts039-ltla.csv")
    assert main(["refresh"]) == 1
    out = capsys.readouterr().out
    for words in expected:
        assert words in out, out
    assert "FAILED" in out
    assert (paths["publish"] / "latest").resolve() == good
    assert {p.name: p.read_bytes() for p in good.iterdir()} == before
    assert editions(paths["publish"]) == [good]
