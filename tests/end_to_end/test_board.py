"""`carers publish --year 2024/25` on the shipped data's edition: the edition
carries the Board table, coverage and targets; the workbook's numbers trace to the lineage;
nothing suppressed in the edition can be worked back out."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

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
    for sheet, unit in (("Percentages", "%"), ("Counts", "count"), ("Money", "£"),
                        ("Averages", "average count"), ("Days", "days")):
        table = pd.read_csv(folder / f"{sheet}.csv", dtype=str)
        shown = table[pd.to_numeric(table[f"Value ({unit})"], errors="coerce").notna()]
        for key in zip(shown["Indicator ID"], shown["Period ID"], strict=True):
            assert (key[0], R, key[1]) in keys, (sheet, key)
            traced += 1
    assert traced > 50


# The 2024/25 workbook on the shipped data, rendered by LibreOffice 7.4 (Debian 12): 25 pages
# when measured (cover 2, contents 1, notes 7, a page or two for each unit's table, coverage
# 4, charts 3), against 105 before issue 20. The bound leaves room for a few more notes or
# rows, and fails if the layout regresses towards one column per page.
PAGES = (15, 30)


def test_the_workbook_renders_to_a_bounded_pdf_with_no_clipped_text(run, tmp_path):
    import re
    import shutil
    import subprocess

    assert shutil.which("soffice"), "LibreOffice is needed: apt-get install libreoffice-calc"
    assert shutil.which("pdftotext"), "poppler-utils is needed: apt-get install poppler-utils"
    book = run["report"] / "carers-progress-2024-25.xlsx"
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "carers-progress-2024-25.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert PAGES[0] <= pages <= PAGES[1], pages
    # No clipped text: every cell's text is in the PDF (a cell cut off at a column or page
    # edge, or by a row too short for its wrapped lines, loses characters).
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    printed = re.sub(r"\s+", "", raw)
    workbook = openpyxl.load_workbook(book)
    missing, cells = [], 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip():
                    cells += 1
                    if re.sub(r"\s+", "", cell.value) not in printed:
                        missing.append((ws.title, cell.coordinate, cell.value[:60]))
    assert cells > 1000
    assert missing == []
    artefacts = Path(__file__).resolve().parents[1] / "artifacts"
    artefacts.mkdir(exist_ok=True)
    shutil.copy(pdf, artefacts / pdf.name)


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
    assert {"matches an independent source", "differs", "circular",
            "reproduced only from illustrative example data"} <= set(reconciliation.status)
    book = openpyxl.load_workbook(folder / "carers-progress-2024-25.xlsx")
    assert "Charts" in book.sheetnames and len(book["Charts"]._images) == len(charts)


def test_every_measure_of_success_is_evidenced_once_the_events_returns_land(run):
    edition = run["edition"]
    coverage = pd.read_csv(edition / "coverage.csv").set_index("code")
    measures = coverage[coverage.index.str.startswith("AF")]
    assert len(measures) == 9
    assert set(measures.status) == {"evidenced"}, measures.status.to_dict()
