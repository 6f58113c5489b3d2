"""`carers publish --year 2024/25` on the shipped data's edition: the edition
carries the Board table, coverage and targets; the workbook's numbers trace to the lineage;
nothing suppressed in the edition can be worked back out."""

from __future__ import annotations

import hashlib
import json

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.cli import main
from tests.builders.attack import attack, hidden_cells
from tests.builders.env import use_env
from warehouse.catalogue import load

pytestmark = pytest.mark.slow
R = "E08000018"


@pytest.fixture(scope="module")
def run(shipped_edition, tmp_path_factory):
    """`carers publish --year 2024/25` from the session's shared shipped edition."""
    out = tmp_path_factory.mktemp("board_report")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(out)
        use_env(mp, shipped_edition)
        assert main(["publish", "--year", "2024/25", "--out", str(out / "2024-25")]) == 0
    return {**shipped_edition, "report": out / "2024-25"}


def test_edition_has_the_boards_tables(run):
    edition = run["edition"]
    manifest = json.loads((edition / "manifest.json").read_text())
    names = {t["name"] for t in manifest["tables"]}
    assert {"board_table", "coverage", "targets"} <= names
    board = pd.read_parquet(edition / "board_table.parquet").set_index("indicator_id")
    assert set(board.index) == {i.id for i in load().indicators}
    subs = board.loc["newsletter_subscribers"]
    assert (subs.period_id, subs.value, subs.target, subs.target_status) == \
        ("FY2024", 132, 150, "no data")  # the placeholder target is for 2025/26
    assert "[c]" in board.loc["covid_grant_ineligible", "symbol"]
    assert pd.isna(board.loc["covid_grant_ineligible", "value"])
    coverage = pd.read_csv(edition / "coverage.csv").set_index("code")
    assert set(coverage.index) >= {"C1", "C2", "C3", "C4", "C5", "AF1.1", "AF3.2"}


def test_workbook_numbers_trace_to_the_lineage(run):
    edition = run["edition"]
    folder = run["report"]
    assert (folder / "carers-progress-2024-25.xlsx").is_file()
    lineage = pd.read_csv(edition / "indicator_lineage.csv")
    keys = set(zip(lineage.indicator_id, lineage.area_code, lineage.period_id, strict=True))
    traced = 0
    for sheet in ("Board_table", "C1", "C2", "C3", "C4", "C5"):
        table = pd.read_csv(folder / f"{sheet}.csv", dtype=str)
        shown = table[pd.to_numeric(table["Value (in the unit shown)"], errors="coerce")
                      .notna()]
        for key in zip(shown["Indicator ID"], shown["Area code"], shown["Period ID"],
                       strict=True):
            assert key in keys, (sheet, key)
            traced += 1
    assert traced > 50


def test_nothing_suppressed_in_the_edition_can_be_recovered(run):
    edition = run["edition"]
    published = pd.read_parquet(edition / "indicator_values.parquet")
    people = {i.id for i in load().indicators if i.disclosure == "people"}
    published = published[published.indicator_id.isin(people)]
    hidden = hidden_cells(published)
    assert hidden  # the shipped data has small counts
    known = attack(published)
    assert not [k for k in hidden if k in known]
    con = duckdb.connect(str(run["warehouse"]), read_only=True)
    try:
        truth = con.sql("select * from marts.indicator_values").to_arrow_table().to_pandas()
    finally:
        con.close()
    small = truth[truth.indicator_id.isin(people) & truth.numerator.between(1, 4)]
    keys = set(zip(small.indicator_id, small.area_code, small.period_id, small.breakdown,
                   strict=True))
    assert keys <= set(hidden)


def test_publish_writes_the_facts_page_and_charts_listed_with_their_hashes(run):
    folder = run["report"]
    report = json.loads((folder / "report-manifest.json").read_text())
    listed = {f["file"]: f["sha256"] for f in report["files"]}
    for name in ("facts.html", "facts.csv", "facts_reconciliation.csv"):
        assert name in listed, name
    charts = [n for n in listed if n.endswith(".png")]
    assert len(charts) >= 3
    for name, sha in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha, name
    reconciliation = pd.read_csv(folder / "facts_reconciliation.csv")
    assert {"matches", "differs"} <= set(reconciliation.status)
    book = openpyxl.load_workbook(folder / "carers-progress-2024-25.xlsx")
    assert "Charts" in book.sheetnames and len(book["Charts"]._images) == len(charts)


def test_every_measure_of_success_is_evidenced_once_the_events_returns_land(run):
    edition = run["edition"]
    coverage = pd.read_csv(edition / "coverage.csv").set_index("code")
    measures = coverage[coverage.index.str.startswith("AF")]
    assert len(measures) == 9
    assert set(measures.status) == {"evidenced"}, measures.status.to_dict()
