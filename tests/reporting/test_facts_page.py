"""The charts and the facts page written from a fixture edition: files, text alternatives,
the CSVs, and the page's structure (captions, header cells, no external requests)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reporting import claims
from reporting.charts import write_charts
from reporting.facts_page import edition_files, write_facts
from tests.builders import facts_edition

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def edition(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(facts_edition.build(tmp_path / "edition")), read_only=True)
    yield con
    con.close()


def test_charts_are_pngs_with_text_alternatives_stating_the_figures(edition, tmp_path):
    charts = {c["path"].name: c for c in write_charts(edition, tmp_path / "out")}
    assert sorted(charts) == ["facts_chart_comparators.png", "facts_chart_districts.png",
                              "facts_chart_trends.png"]
    for chart in charts.values():
        assert chart["path"].read_bytes().startswith(PNG)
        assert chart["title"] and chart["alt"]
    ranked = charts["facts_chart_districts.png"]["alt"]
    # Five English districts (the Welsh one is left out); Rotherham is third highest.
    assert "Rotherham 10.48% is 3rd highest of 5" in ranked
    assert "(and 2nd of 2 districts in Yorkshire and The Humber)" in ranked
    assert "Highest: East Lindsey 11.88%; lowest: Wandsworth 5.73%" in ranked
    trends = charts["facts_chart_trends.png"]["alt"]
    assert "2011: 12.0% (95% interval 11.9% to 12.2%)" in trends
    assert "2021: 10.5% (95% interval 10.4% to 10.6%)" in trends
    assert "[b]" in trends
    assert "2022/23: 20 pupils; 2024/25: 82 pupils" in trends
    comparators = charts["facts_chart_comparators.png"]["alt"]
    assert "Yorkshire and The Humber 9.1% (Rotherham higher); England 8.8%" in comparators
    assert "(ASCOF 3D2), 2021/22: Rotherham 61.8%; median of all councils 57.3%." in comparators


def test_no_charts_when_the_edition_has_no_indicator_values(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    assert write_charts(con, tmp_path / "out") == []


def test_no_ranked_chart_without_rotherham(tmp_path):
    values = [r for r in facts_edition.rows() if r["area_code"] != facts_edition.ROTHERHAM]
    con = duckdb.connect(str(facts_edition.build(tmp_path / "e", values)), read_only=True)
    assert write_charts(con, tmp_path / "out") == []


class Structure(HTMLParser):
    """Counts what the accessibility checks need from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_page_and_its_csvs(edition, tmp_path):
    out = tmp_path / "out"
    charts = write_charts(edition, out)
    paths = write_facts(edition, out, charts)
    assert [p.name for p in paths] == ["facts.html", "facts.csv", "facts_reconciliation.csv"]
    page = paths[0].read_text()
    facts = pd.read_csv(paths[1])
    reconciliation = pd.read_csv(paths[2])
    assert len(reconciliation) == len(claims.load())
    # The facts table holds exactly the claims we have a figure for, with their sources.
    held = reconciliation[reconciliation.our_figure.notna()]
    assert list(facts.claim_id) == list(held.claim_id)
    assert facts.source_sha256.notna().all() and facts.source_file.notna().all()
    assert facts.set_index("claim_id").loc["p6_carers", "our_figure"] == "26,313"
    # The edition id comes from the manifest beside the database.
    assert facts_edition.EDITION in page
    structure = Structure()
    structure.feed(page)
    tags = [t for t, _ in structure.tags]
    assert structure.tags[0] == ("html", {"lang": "en-GB"})
    assert tags.count("table") == tags.count("caption") == 4
    assert all(a.get("scope") in ("col", "row") for t, a in structure.tags if t == "th")
    images = [a for t, a in structure.tags if t == "img"]
    assert len(images) == 3
    assert all(a["src"].startswith("data:image/png;base64,") and a["alt"] for a in images)
    # Self-contained: nothing fetched from anywhere.
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert "<script" not in page
    # Each chart names the files it draws from, with their sha256.
    assert page.count('<p class="meta">Sources: ') == 3
    assert f"{facts_edition.TS039[0]} (sha256 {facts_edition.TS039[1]})" in page
    for claim in claims.load():  # every claim is in the reconciliation on the page
        assert claim.text.replace("&", "&amp;") in page


def test_edition_files_give_the_page_for_tables_being_published(edition):
    tables = {name: edition.execute(f"select * from {name}").df()
              for name in ("indicator_values", "indicator_lineage", "indicators")}
    files = edition_files(tables, "20990101T000000Z-abcdefgh")
    assert sorted(files) == ["facts.csv", "facts.html", "facts_chart_comparators.png",
                             "facts_chart_districts.png", "facts_chart_trends.png",
                             "facts_reconciliation.csv"]
    assert b"20990101T000000Z-abcdefgh" in files["facts.html"]


def test_carers_facts_writes_the_page_for_an_edition(tmp_path, capsys):
    from pipelines.cli import main

    root = tmp_path / "publish"
    facts_edition.build(root / facts_edition.EDITION)
    (root / "latest").symlink_to(facts_edition.EDITION, target_is_directory=True)
    out = tmp_path / "page"
    assert main(["facts", "--publish", str(root), "--out", str(out)]) == 0
    assert (out / "facts.html").is_file() and (out / "facts_reconciliation.csv").is_file()
    said = capsys.readouterr().out
    assert f"Edition {facts_edition.EDITION}" in said and "matches" in said
    assert main(["facts", "--publish", str(root), "--edition", "nope", "--out", str(out)]) == 1
