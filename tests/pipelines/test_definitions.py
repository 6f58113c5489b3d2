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
