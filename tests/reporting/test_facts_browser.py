"""The facts page in a real headless browser (Debian's Chromium, driven by Playwright): it
renders, logs no console errors, requests nothing from outside, every table has a caption and
header cells, every image has alternative text and has loaded. Screenshots are written under
tests/artifacts/ (git-ignored) for people to look at; the paths are printed."""

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


def chromium() -> str:
    found = CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")
    if found:
        return str(found)
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed (/usr/bin/chromium); CI must install it "
                    "(.ci/run installs Debian's chromium package)")
    pytest.skip("Chromium is not installed (/usr/bin/chromium): apt-get install chromium")


def check_in_browser(page_path: Path, screenshot: Path) -> dict:
    """Open the page and return what was found; raise on any failure of the basics."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def route(r):
                if r.request.url.startswith(("file:", "data:")):
                    return r.continue_()
                outside.append(r.request.url)
                return r.abort()

            page.route("**/*", route)
            response = page.goto(page_path.as_uri(), wait_until="load")
            found = page.evaluate("""() => ({
                title: document.title,
                lang: document.documentElement.lang,
                h1: [...document.querySelectorAll('h1')].map(h => h.textContent),
                tables: [...document.querySelectorAll('table')].map(t => ({
                    caption: (t.querySelector('caption') || {}).textContent || '',
                    headers: t.querySelectorAll('th').length,
                    scoped: t.querySelectorAll('th[scope]').length,
                    rows: t.querySelectorAll('tbody tr').length})),
                images: [...document.querySelectorAll('img')].map(i => ({
                    alt: i.getAttribute('alt') || '', loaded: i.complete,
                    width: i.naturalWidth})),
                text: document.body.innerText})""")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"screenshot: {screenshot}")
        finally:
            browser.close()
    found["errors"], found["outside"], found["ok"] = errors, outside, response.ok
    return found


def assert_accessible_page(found: dict, charts: int) -> None:
    assert found["ok"]
    assert found["errors"] == []
    assert found["outside"] == []
    assert found["lang"] == "en-GB"
    assert found["h1"] == ["Facts about carers in Rotherham"]
    assert found["tables"], "the page has no tables"
    for table in found["tables"]:
        assert table["caption"].strip(), table
        assert table["headers"] > 0 and table["headers"] == table["scoped"], table
        assert table["rows"] > 0, table
    assert len(found["images"]) == charts
    for image in found["images"]:
        assert image["alt"].strip()
        assert image["loaded"] and image["width"] > 0


def test_fixture_page_in_chromium(tmp_path):
    chromium()
    con = duckdb.connect(str(facts_edition.build(tmp_path / "edition")), read_only=True)
    out = tmp_path / "out"
    charts = write_charts(con, out)
    page = write_facts(con, out, charts)[0]
    found = check_in_browser(page, ARTIFACTS / "facts_fixture.png")
    assert_accessible_page(found, charts=3)
    assert "265,806" in found["text"] and "26,313" in found["text"]
    assert facts_edition.EDITION in found["text"]


@pytest.mark.slow
def test_published_page_in_chromium(shipped_edition):
    """The page of the edition `carers refresh` published on the shipped data."""
    chromium()
    edition = shipped_edition["edition"]
    found = check_in_browser(edition / "facts.html", ARTIFACTS / "facts.png")
    assert_accessible_page(found, charts=3)
    assert edition.name in found["text"]
    for figure in ("265,806", "26,313", "10.48%", "31,001"):
        assert figure in found["text"]
    # The page, its CSVs and charts are in the manifest with their sha256.
    manifest = json.loads((edition / "manifest.json").read_text())
    listed = {f["file"]: f["sha256"] for f in manifest["files"]}
    for name in ("facts.html", "facts.csv", "facts_reconciliation.csv",
                 "facts_chart_trends.png", "facts_chart_comparators.png",
                 "facts_chart_districts.png"):
        assert listed[name] == sha256_of(edition / name)
    table = pd.read_csv(edition / "facts_reconciliation.csv").set_index("claim_id")
    assert table.loc["p6_residents", "status"] == "matches"
    assert table.loc["p6_carers_pct", "status"] == "matches"
    assert table.loc["p6_pupils", "status"] == "differs"
    assert table.loc["p6_married", "status"] == "no source held"
