"""Rung 4: the Dagster definitions load, and every asset is described and grouped."""

from __future__ import annotations


def test_definitions_load():
    from pipelines.definitions import defs

    repo = defs.get_repository_def()
    job = defs.resolve_job_def("refresh")
    assert job is not None
    graph = repo.asset_graph
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw_census_ts039", "stg_census_unpaid_care", "dim_area", "indicator_values",
            "published_edition"} <= keys
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, f"{key.to_user_string()} has no description"
        assert node.group_name and node.group_name != "default", key.to_user_string()
    assert len(list(graph.asset_check_keys)) >= 5


def test_gx_is_not_imported_by_definitions():
    import subprocess
    import sys

    code = ("import sys, pipelines.definitions; "
            "print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    assert out.stdout.strip() == "False"


def test_publish_refresh_runs_the_refresh_first_and_stops_when_it_fails(monkeypatch, tmp_path,
                                                                         capsys):
    """`carers publish --year Y --refresh` is `carers refresh` then the workbook; a failed
    refresh writes no workbook and passes its exit status on."""
    from pipelines.cli import main
    from pipelines.commands import workbook

    calls = []
    monkeypatch.setattr(workbook, "cmd_refresh", lambda args: calls.append(args) or 1)
    monkeypatch.setenv("CARERS_PUBLISH", str(tmp_path / "publish"))
    assert main(["publish", "--year", "2024/25", "--refresh", "--out", str(tmp_path / "o")]) == 1
    assert len(calls) == 1
    assert "the refresh failed, so no workbook was written" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_run_uses_the_settings_in_force_when_it_starts(monkeypatch, tmp_path):
    """The definitions may have been loaded under other settings (another test, another
    folder): the run config the refresh passes names every field, from its variable or the
    default, so nothing falls back to the developer's own warehouse."""
    from assets.resources import DEFAULTS
    from pipelines.settings import resource_run_config

    monkeypatch.setenv("CARERS_PUBLISH", str(tmp_path / "pub"))
    monkeypatch.delenv("CARERS_WAREHOUSE", raising=False)
    config = resource_run_config()["resources"]["carers"]["config"]
    assert config["publish"] == {"env": "CARERS_PUBLISH"}
    assert config["warehouse"] == DEFAULTS["CARERS_WAREHOUSE"]
    assert set(config) == {"warehouse", "publish", "landing", "duckdb_memory",
                           "expectations_engine", "extra_catalogues", "gx", "data_docs",
                           "cache"}
