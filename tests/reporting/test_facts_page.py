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


def test_charts_are_pngs_with_short_text_alternatives_and_data_tables(edition, tmp_path):
    charts = {c["path"].name: c for c in write_charts(edition, tmp_path / "out")}
    assert sorted(charts) == ["facts_chart_compare_areas.png", "facts_chart_districts.png",
                              "facts_chart_funnel.png", "facts_chart_trends.png"]
    for chart in charts.values():
        assert chart["path"].read_bytes().startswith(PNG)
        assert chart["title"] and chart["alt"] and len(chart["alt"]) <= 400
        assert chart["table"]  # the figures drawn, as records (kept as JSON by the cache)
    ranked = charts["facts_chart_districts.png"]
    # Five English districts (the Welsh one is left out); Rotherham is third highest.
    assert "Rotherham 10.48% is 3rd highest" in ranked["alt"]
    assert [r["Area"] for r in ranked["table"]][:3] == ["East Lindsey", "Barnsley",
                                                        "Rotherham"]
    trends = pd.DataFrame(charts["facts_chart_trends.png"]["table"])
    census = trends[trends.Indicator == "Residents providing unpaid care"]
    assert list(census.Period) == ["2011", "2021"]
    assert list(census["Lower 95% limit"]) == [11.9, 10.4]
    assert "[b]" in "".join(census.Symbols)


def test_trend_segments_break_at_series_breaks_and_missing_periods():
    from reporting.charts import segments

    frame = pd.DataFrame({"period_id": ["FY2020", "FY2021", "FY2023", "FY2024", "FY2025"],
                          "symbol": [None, None, None, "[b]", None]})
    # FY2022 is missing: a gap. FY2024 carries [b]: joined to neither neighbour, as the
    # direction of travel is not computed across it (warehouse/indicators.py)
    assert segments(frame) == [[0, 1], [2], [3], [4]]
    census = pd.DataFrame({"period_id": ["CD2011", "CD2021"], "symbol": ["[b]", None]})
    assert segments(census) == [[0], [1]]


def test_funnel_limits_around_england():
    from reporting.charts import funnel_limits
    from warehouse.stats import Z95, Z998

    # p0 = 0.0876, n = 251,162: sqrt(p0 (1 - p0) / n) = 0.00056412; x 1.959964 = 0.00110565
    low, high = funnel_limits(0.0876, 251162, Z95)
    assert (round(low, 6), round(high, 6)) == (0.086494, 0.088706)
    low998, high998 = funnel_limits(0.0876, 251162, Z998)
    assert low998 < low and high998 > high
    assert round(high998 - 0.0876, 6) == 0.001743  # x 3.090232


def test_charts_are_the_same_bytes_for_the_same_data(edition, tmp_path):
    first = {c["path"].name: c["path"].read_bytes()
             for c in write_charts(edition, tmp_path / "a")}
    second = {c["path"].name: c["path"].read_bytes()
              for c in write_charts(edition, tmp_path / "b")}
    assert first == second


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


def test_the_pages_and_their_csvs(edition, tmp_path):
    out = tmp_path / "out"
    charts = write_charts(edition, out)
    paths = write_facts(edition, out, charts)
    assert [p.name for p in paths] == ["facts.html", "method.html", "facts.csv",
                                       "facts_reconciliation.csv"]
    facts_page, method_page = paths[0].read_text(), paths[1].read_text()
    facts = pd.read_csv(paths[2])
    reconciliation = pd.read_csv(paths[3])
    assert len(reconciliation) == len(claims.load())
    # The facts table holds exactly the claims we have a figure for, with their sources.
    held = reconciliation[reconciliation.our_figure.notna()]
    assert list(facts.claim_id) == list(held.claim_id)
    assert facts.source_sha256.notna().all() and facts.source_file.notna().all()
    assert facts.set_index("claim_id").loc["p6_carers", "our_figure"] == "26,313"
    # The edition id comes from the manifest beside the database.
    assert facts_edition.EDITION in facts_page and facts_edition.EDITION in method_page
    for page, images in ((facts_page, 3), (method_page, len(charts))):
        structure = Structure()
        structure.feed(page)
        tags = [t for t, _ in structure.tags]
        assert structure.tags[0] == ("html", {"lang": "en-GB"})
        assert tags.count("table") == tags.count("caption")
        assert all(a.get("scope") in ("col", "row") for t, a in structure.tags if t == "th")
        found = [a for t, a in structure.tags if t == "img"]
        assert len(found) == images
        assert all(a["src"].startswith("data:image/png;base64,") and a["alt"] for a in found)
        # Self-contained: nothing fetched from anywhere, no scripts.
        assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
        assert "<script" not in page
    # The residents' page: no hashes, no audit table; footnoted sources.
    assert "sha256" not in facts_page and 'id="note-1"' in facts_page
    # The method page: each chart names the files it draws from, with their sha256.
    assert method_page.count('<p class="meta">Sources: ') == len(charts)
    assert f"{facts_edition.TS039[0]} (sha256 {facts_edition.TS039[1]})" in method_page
    for claim in claims.load():  # every claim is in the reconciliation on the page
        assert claim.text.replace("&", "&amp;") in method_page


def test_edition_files_give_the_page_for_tables_being_published(edition):
    tables = {name: edition.execute(f"select * from {name}").df()
              for name in ("indicator_values", "indicator_lineage", "indicators")}
    files = edition_files(tables, "20990101T000000Z-abcdefgh")
    assert sorted(files) == ["facts.csv", "facts.html", "facts_chart_compare_areas.png",
                             "facts_chart_districts.png", "facts_chart_funnel.png",
                             "facts_chart_trends.png", "facts_reconciliation.csv",
                             "method.html"]
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
