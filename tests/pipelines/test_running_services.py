"""Running it for real, in real processes: the webserver's GraphQL API, PostgreSQL storage,
the default Dagster instance, the README's worked requests. (Refreshes at once, killed or on
a damaged warehouse: test_running.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from assets.resources import PROJECT_ROOT
from pipelines.definitions import defs
from reporting.editions import citations, latest_edition
from tests.builders.running import (
    STARTUP_GUARD_S,
    STOP_GUARD_S,
    assert_same_tables,
    finish,
    free_port,
    make_env,
    refresh,
    refreshed_env,
)
from tests.builders.xlsx import read_tables

pytestmark = pytest.mark.slow


def graphql(port: int, query: str) -> dict:
    body = json.dumps({"query": query}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", body,
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=STARTUP_GUARD_S) as response:
        return json.loads(response.read())["data"]


QUERY = """{
  assetNodes { assetKey { path } description groupName
    assetChecksOrError { ... on AssetChecks { checks { name description } } } }
  runsOrError { ... on Runs { results { runId status tags { key value } } } }
}"""


def test_webserver_lists_assets_checks_and_run_history(tmp_path, shipped_edition):
    env = refreshed_env(shipped_edition, tmp_path)  # after one `carers refresh`
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-webserver")), "-m", "pipelines.definitions",
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=env["DAGSTER_HOME"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    try:
        deadline = time.monotonic() + STARTUP_GUARD_S
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=10)
                break
            except OSError:
                assert time.monotonic() < deadline, "webserver never answered"
                time.sleep(0.5)
        data = graphql(port, QUERY)
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_GUARD_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=STOP_GUARD_S)
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    graph = defs.resolve_asset_graph()
    expected = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert expected <= set(nodes)
    for name in expected:
        assert nodes[name]["description"], f"{name} has no description in the UI"
        assert nodes[name]["groupName"] and nodes[name]["groupName"] != "default", name
    checks = {(name, c["name"]) for name, n in nodes.items()
              for c in (n["assetChecksOrError"] or {}).get("checks", [])}
    expected_checks = {(k.asset_key.to_user_string(), k.name)
                       for k in graph.asset_check_keys}
    assert expected_checks and expected_checks <= checks
    runs = data["runsOrError"]["results"]
    assert any(r["status"] == "SUCCESS" and {"key": "carers/trigger", "value": "cli"} in r["tags"]
               for r in runs)


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.mark.postgres
def test_refresh_on_a_postgresql_instance(tmp_path, baseline):
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail("PostgreSQL is not installed: `.ci/run` installs Debian's postgresql "
                    "package (apt-get install postgresql)")
    # PostgreSQL refuses to run as root: run it as `nobody`, in a folder it may enter.
    base = Path(tempfile.mkdtemp(prefix="carers-pg-"))
    base.chmod(0o755)
    data, sockets = base / "data", base / "run"
    for folder in (data, sockets):
        folder.mkdir()
    as_user: list[str] = []
    if os.getuid() == 0:
        for folder in (data, sockets):
            shutil.chown(folder, "nobody", "nogroup")
        as_user = ["runuser", "-u", "nobody", "--"]
    port = free_port()
    try:
        subprocess.run([*as_user, initdb, "-D", str(data), "-U", "carers", "-A", "trust",
                        "--no-sync"], check=True, capture_output=True, timeout=STARTUP_GUARD_S)
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(sockets / "log"), "-w",
                        "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1",
                        "start"], check=True, capture_output=True, timeout=STARTUP_GUARD_S)
        import psycopg2
        con = psycopg2.connect(host="127.0.0.1", port=port, user="carers", dbname="postgres",
                               connect_timeout=30)
        con.autocommit = True
        con.cursor().execute("create database dagster")
        con.close()
        env = make_env(tmp_path, PROJECT_ROOT / "deploy" / "dagster-postgres.yaml")
        env.update(DAGSTER_PG_HOST="127.0.0.1", DAGSTER_PG_PORT=str(port),
                   DAGSTER_PG_DB="dagster", DAGSTER_PG_USER="carers", DAGSTER_PG_PASSWORD="")
        code, output = finish(refresh(env))
        assert code == 0, output
        assert_same_tables(latest_edition(tmp_path / "publish"), baseline)
        con = psycopg2.connect(host="127.0.0.1", port=port, user="carers", dbname="dagster",
                               connect_timeout=30)
        cur = con.cursor()
        cur.execute("select status, count(*) from runs group by status")
        assert dict(cur.fetchall()) == {"SUCCESS": 1}
        cur.execute("select count(*) from event_logs where dagster_event_type = "
                    "'ASSET_CHECK_EVALUATION'")
        assert cur.fetchone()[0] > 0
        con.close()
        assert not (Path(env["DAGSTER_HOME"]) / ".dagster" / "storage").exists()
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True, timeout=STARTUP_GUARD_S)
        shutil.rmtree(base, ignore_errors=True)


def test_instance_is_sqlite_in_project_by_default(tmp_path, monkeypatch):
    import yaml
    config = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    # Dagster's SQLite storage, through the project's subclass that keeps its engines open
    # (pipelines/dagster_storage.py, issue 22): same files, same run history.
    assert config["storage"]["custom"] == {
        "module": "pipelines.dagster_storage", "class": "CarersSqliteStorage",
        "config": {"base_dir": ".dagster/storage"}}
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] == 1
    # The instance the CLI loads from DAGSTER_HOME, as Dagster itself builds it from the file:
    # SQLite storage under the home folder's .dagster/, and one run at a time.
    env = make_env(tmp_path)
    monkeypatch.chdir(env["DAGSTER_HOME"])  # the storage paths are relative, as for `carers`
    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
    try:
        from dagster._core.storage.event_log import SqliteEventLogStorage
        from dagster._core.storage.runs import SqliteRunStorage

        assert isinstance(instance.run_storage, SqliteRunStorage)
        assert isinstance(instance.event_log_storage, SqliteEventLogStorage)
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_coordinator.inst_data.config_dict == {"max_concurrent_runs": 1}
        instance.get_runs()  # opens (creates) the run database
        storage = Path(env["DAGSTER_HOME"]) / ".dagster" / "storage"
        assert (storage / "history" / "runs.db").is_file()
    finally:
        instance.dispose()


def readme_requests() -> list[list[str]]:
    import re
    import shlex
    text = (PROJECT_ROOT / "README.md").read_text()
    section = text.split("## Select Commission requests", 1)[1].split("\n## ", 1)[0]
    return [shlex.split(line)[4:] for line in re.findall(r"^\s*(uv run carers request .+)$",
                                                         section, re.MULTILINE)]


def test_readme_worked_requests_run_as_written(tmp_path, baseline, monkeypatch, capsys):
    from pipelines.cli import main
    from warehouse import catalogue

    requests = readme_requests()
    assert len(requests) == 3
    monkeypatch.chdir(tmp_path)
    # The answers are recorded as citations in the publish folder: a copy of the shared one.
    publish = tmp_path / "publish"
    shutil.copytree(baseline.parent, publish, symlinks=True)
    monkeypatch.setenv("CARERS_PUBLISH", str(publish))
    young_built = any(i.id == "young_carers_identified_per_1000"
                      for i in catalogue.load().indicators)
    for args in requests:
        code = main(["request", *args])
        captured = capsys.readouterr()
        if "young_carers_identified_per_1000" in args and not young_built:
            assert code == 2
            assert "No indicator in this edition matches 'young_carers_identified_per_1000'" \
                in captured.err
            continue
        assert code == 0, captured.err
        if "--out" in args:
            out = tmp_path / args[args.index("--out") + 1]
            assert out.stat().st_size > 0
        else:
            assert "Rotherham" in captured.out and "England" in captured.out
    sheets = read_tables(tmp_path / "unpaid-care.xlsx")  # one table per unit (issue 20)
    figures = sheets["Figures_percent"].rename(columns={"Indicator ID": "indicator_id",
                                                        "Area": "area"})
    # "unpaid care" also matches the small-area indicators (issue 9), whose Rotherham row is the
    # district comparator; the census indicators must be there.
    assert set(figures.indicator_id) - {"lsoa_unpaid_care_pct", "lsoa_unpaid_care_50h_pct"} \
        == {"census_unpaid_care_pct", "census_unpaid_care_50h_pct"}
    assert set(figures.area) == {"Rotherham", "Yorkshire and The Humber", "England"}
    # Each answer written to a file is recorded as citing its edition (kept by --prune).
    outs = [str((tmp_path / a[a.index("--out") + 1]).resolve()) for a in requests
            if "--out" in a and (tmp_path / a[a.index("--out") + 1]).exists()]
    assert outs
    assert [c["output"] for c in citations(publish)][-len(outs):] == outs
    assert {c["edition"] for c in citations(publish)} == {baseline.name}
    fifty = pd.read_csv(tmp_path / "50-hours.csv", comment="#")
    rotherham = fifty[fifty.area == "Rotherham"].iloc[0]
    assert (rotherham.numerator, rotherham.denominator) == (9312, 251162)
    assert set(fifty.period.astype(str)) == {"2021"}
