"""Both pages in a real headless browser (Debian's Chromium, driven by Playwright), at a
phone's width (390 px) and a desktop's (1280 px): they render, log no console errors,
request nothing from outside, do not scroll sideways on the phone, every table has a caption
and scoped header cells, every image has alternative text and has loaded. Screenshots are
written to tests/artifacts/ (git-ignored) for people to look at; the paths are printed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reporting.charts import write_charts
from reporting.facts_page import write_facts
from sources.files import sha256_of
from tests.builders import facts_edition

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
WIDTHS = (390, 1280)
TITLES = {"facts.html": "Facts about carers in Rotherham",
          "method.html": "How these figures were made"}


def chromium() -> str:
    found = CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")
    if found:
        return str(found)
    pytest.fail("Chromium is not installed (/usr/bin/chromium): apt-get install chromium "
                "(.ci/run installs Debian's chromium package)")


def check_in_browser(page_path: Path, screenshot_stem: str) -> dict[int, dict]:
    """Open the page at each width; return what was found there."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            for width in WIDTHS:
                errors: list[str] = []
                outside: list[str] = []
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on("console",
                        lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda x, e=errors: e.append(str(x)))

                def route(r, o=outside):
                    if r.request.url.startswith(("file:", "data:")):
                        return r.continue_()
                    o.append(r.request.url)
                    return r.abort()

                page.route("**/*", route)
                response = page.goto(page_path.as_uri(), wait_until="load", timeout=60_000)
                found = page.evaluate("""() => ({
                    title: document.title,
                    lang: document.documentElement.lang,
                    scrollWidth: document.documentElement.scrollWidth,
                    height: document.documentElement.scrollHeight,
                    h1: [...document.querySelectorAll('h1')].map(h => h.textContent),
                    tables: [...document.querySelectorAll('table')].map(t => ({
                        caption: (t.querySelector('caption') || {}).textContent || '',
                        headers: t.querySelectorAll('th').length,
                        scoped: t.querySelectorAll('th[scope]').length,
                        rows: t.querySelectorAll('tbody tr').length})),
                    images: [...document.querySelectorAll('img')].map(i => ({
                        alt: i.getAttribute('alt') || '', loaded: i.complete,
                        width: i.naturalWidth})),
                    banner: [...document.querySelectorAll('.banner')].map(b => b.textContent),
                    text: document.body.innerText})""")
                ARTIFACTS.mkdir(exist_ok=True)
                shot = ARTIFACTS / f"{screenshot_stem}_{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot: {shot} ({found['scrollWidth']} x {found['height']} px)")
                found["errors"], found["outside"], found["ok"] = errors, outside, response.ok
                results[width] = found
                page.close()
        finally:
            browser.close()
    return results


def assert_accessible_page(results: dict[int, dict], name: str, charts: int) -> None:
    for width, found in results.items():
        assert found["ok"], width
        assert found["errors"] == [], (width, found["errors"])
        assert found["outside"] == [], (width, found["outside"])
        assert found["lang"] == "en-GB"
        assert found["h1"] == [TITLES[name]]
        if width == 390:  # no sideways scrolling on a phone
            assert found["scrollWidth"] <= 390, found["scrollWidth"]
        for table in found["tables"]:
            assert table["caption"].strip(), table
            assert table["headers"] > 0 and table["headers"] == table["scoped"], table
            assert table["rows"] > 0, table
        assert len(found["images"]) == charts, (name, len(found["images"]))
        for image in found["images"]:
            assert image["alt"].strip() and len(image["alt"]) <= 400, image["alt"]
            assert image["loaded"] and image["width"] > 0


def test_fixture_pages_in_chromium(tmp_path):
    chromium()
    con = duckdb.connect(str(facts_edition.build(tmp_path / "edition")), read_only=True)
    out = tmp_path / "out"
    charts = write_charts(con, out)
    paths = write_facts(con, out, charts)
    facts = check_in_browser(paths[0], "facts_fixture")
    assert_accessible_page(facts, "facts.html", charts=len(facts[390]["images"]))
    # the fixture's indicators table predates `decimals`: a percentage shows 1 place
    assert "26,313" in facts[390]["text"] and "10.5%" in facts[390]["text"]
    assert "not been checked independently" in facts[390]["text"]  # the 82 is circular
    method = check_in_browser(paths[1], "method_fixture")
    assert_accessible_page(method, "method.html", charts=len(charts))
    assert "265,806" in method[1280]["text"]
    assert facts_edition.EDITION in method[1280]["text"]


@pytest.mark.slow
def test_published_pages_in_chromium(shipped_edition):
    """The two pages of the edition `carers refresh` published on the shipped data."""
    chromium()
    edition = shipped_edition["edition"]
    manifest = json.loads((edition / "manifest.json").read_text())
    listed = {f["file"]: f["sha256"] for f in manifest["files"]}
    charts = [n for n in listed if n.startswith("facts_chart_")]
    assert len(charts) == 5  # spine, trends, compare areas, ranked districts, funnel
    facts = check_in_browser(edition / "facts.html", "facts")
    assert_accessible_page(facts, "facts.html", charts=len(facts[390]["images"]))
    phone = facts[390]
    assert len(phone["images"]) >= 5  # a small chart for each fact
    assert phone["height"] < 6000, phone["height"]  # a page, not an audit log
    assert phone["banner"] and "Illustrative" in phone["banner"][0]  # example returns used
    for figure in ("26,313", "10.48%", "9,312"):
        assert figure in phone["text"]
    assert "sha256" not in phone["text"]
    method = check_in_browser(edition / "method.html", "method")
    assert_accessible_page(method, "method.html", charts=len(charts))
    assert edition.name in method[1280]["text"]
    assert "sha256" in method[1280]["text"].lower()
    # The pages, their CSVs and charts are in the manifest with their sha256.
    for name in ("facts.html", "method.html", "facts.csv", "facts_reconciliation.csv",
                 *charts):
        assert listed[name] == sha256_of(edition / name)
    table = pd.read_csv(edition / "facts_reconciliation.csv").set_index("claim_id")
    assert table.loc["p6_residents", "status"] == "matches an independent source"
    assert table.loc["p6_young_carers", "status"] == "circular"
    assert table.loc["p6_one_to_one", "status"] \
        == "reproduced only from illustrative example data"
    assert (table.loc["p6_pupils", "status"], table.loc["p6_pupils", "period_id"]) \
        == ("held for another period", "AY2022")
    assert table.loc["p6_married", "status"] == "no source held"
    assert os.path.getsize(edition / "facts.html") < 400_000
