"""The annual progress workbook: built from a published edition, it follows the Analysis
Function standard, opens cleanly, and every number traces to the edition's lineage."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import main
from reporting.disclosure import suppress
from reporting.editions import publish_edition
from reporting.tables import board_tables, indicator_metadata
from reporting.workbook import WorkbookError, build_report, write
from warehouse.catalogue import load
from warehouse.indicators import VALUE_COLUMNS

R = "E08000018"
SYMBOL = re.compile(r"^\[[a-z]\]$")


def _value(ind_id: str, period: str, label: str, ptype: str, numerator, breakdown="all",
           **kw) -> dict:
    row = dict.fromkeys(VALUE_COLUMNS)
    row.update({"indicator_id": ind_id, "indicator_title": ind_id, "area_code": R,
                "area_name": "Rotherham", "area_level": "district",
                "is_sum_of_districts": False, "region_code": "E12000003",
                "period_id": period, "period_type": ptype, "period_label": label,
                "breakdown": breakdown, "numerator": numerator,
                "value": None if numerator is None else float(numerator), "unit": "u",
                "value_type": "count", "polarity": "higher_is_better"})
    row.update(kw)
    return row


@pytest.fixture
def edition(tmp_path) -> Path:
    catalogue = load()
    rows = [
        _value("newsletter_subscribers", "FY2023", "2023/24", "financial_year", 100),
        _value("newsletter_subscribers", "FY2024", "2024/25", "financial_year", 132,
               previous_period_id="FY2023", previous_value=100.0, change=32.0,
               direction="improving"),
        _value("information_pack_requests", "FY2024", "2024/25", "financial_year", 348),
        _value("information_pack_requests", "FY2024", "2024/25", "financial_year", 3,
               breakdown="phone"),
        _value("information_pack_requests", "FY2024", "2024/25", "financial_year", 345,
               breakdown="web"),
        _value("census_unpaid_care_pct", "CD2021", "2021", "census_day", 26313,
               denominator=251162, value=10.476, lower_ci=10.36, upper_ci=10.60,
               lower_ci_998=10.29, upper_ci_998=10.67,
               value_type="proportion", unit="%", england_value=8.9,
               england_comparison="higher"),
        _value("census_unpaid_care_pct", "CD2011", "2011", "census_day", 31000,
               denominator=257280, value=12.05, value_type="proportion", unit="%"),
    ]
    values = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    people = {i.id for i in catalogue.indicators if i.disclosure == "people"}
    published = suppress(values, people)
    lineage = pd.DataFrame([{"indicator_id": r["indicator_id"], "area_code": R,
                             "period_id": r["period_id"], "breakdown": r["breakdown"],
                             "source_file": "f.csv", "source_sha256": "ab" * 32,
                             "source_rows": "2-3"} for r in rows])
    tables = {"indicator_values": published, "indicator_lineage": lineage,
              "indicators": indicator_metadata(catalogue),
              **board_tables(published, catalogue)}
    root = tmp_path / "publish"
    publish_edition(root, "20260401T000000Z-test0000", tables, {"run_id": "test"})
    return root


@pytest.fixture
def chart(tmp_path) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4, 3))
    axes.plot([2011, 2021], [12.0, 10.5])
    path = tmp_path / "trend.png"
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return {"path": str(path), "title": "Residents providing unpaid care, 2011 and 2021",
            "alt": "A line falling from 12.0% in 2011 to 10.5% in 2021."}


def _written(edition: Path, tmp_path: Path, charts=None) -> list[Path]:
    report = build_report(edition, "2024/25", load())
    return write(report, tmp_path / "out", charts=charts)


# The Government Analysis Function's checklist for releasing statistics in spreadsheets
# (analysisfunction.civilservice.gov.uk, "Releasing statistics in spreadsheets"), as checked
# below, item by item:
#  1. a cover sheet with the title, what the workbook holds, the period, the publication
#     date and the next update (both as real dates), the source, a contact and the symbols;
#  2. a contents sheet linking every other sheet;
#  3. a notes sheet: numbered notes, and every "[note N]" a table cites is on it;
#  4. one table per sheet, marked up as a named Excel table starting in column A, with a
#     title in A1 and a line on how to read the sheet above it;
#  5. tab names that say what the sheet holds (no C1-C5 codes);
#  6. no merged cells, no blank rows, columns or cells inside a table: a symbol in square
#     brackets where a value is missing;
#  7. unique, non-blank column headers, each value header naming its unit, and no column
#     mixing units;
#  8. numbers stored as numbers, displayed at the indicator's declared precision;
#  9. print set-up: landscape, fit to one page wide, the header row repeated on every page.
CHECKLIST_TABLES = {"Percentages", "Counts", "Coverage", "Charts"}


def test_workbook_follows_the_analysis_function_checklist(edition, tmp_path, chart):
    import datetime as dt

    from openpyxl import load_workbook

    files = _written(edition, tmp_path, [chart])
    book_path = files[0]
    assert book_path.name == "carers-progress-2024-25.xlsx"
    book = load_workbook(book_path)
    # 1. cover
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    cover = [c.value for c in book["Cover"]["A"] if c.value is not None]
    assert cover[0] == "Carers strategy progress, Rotherham, 2024/25"
    text = [str(v) for v in cover]
    for label in ("What this workbook holds", "Period", "Sources of the figures",
                  "Publication date", "Next update", "Symbols", "Contact"):
        assert any(t == label for t in text), label
    dates = [v for v in cover if isinstance(v, dt.datetime)]
    assert len(dates) == 2 and dates[1] - dates[0] == dt.timedelta(days=365)
    assert any("commissioningenquiries@rotherham.gov.uk" in t for t in text)
    # 2. contents: a link to every sheet but Cover and Contents
    links = {c.hyperlink.location for c in book["Contents"]["A"] if c.hyperlink}
    assert {re.sub(r"'(.+)'!A1", r"\1", x) for x in links} == set(book.sheetnames) - {
        "Cover", "Contents"}
    # 5. tab names say what they hold
    assert set(book.sheetnames) >= CHECKLIST_TABLES
    assert not {"C1", "C2", "C3", "C4", "C5", "Board_table"} & set(book.sheetnames)
    notes = {str(c.value) for c in book["Notes"]["A"] if c.value is not None}
    for ws in book.worksheets:
        assert not ws.merged_cells.ranges, ws.title  # 6.
        if ws.title == "Cover":
            continue
        # 4. one named table per sheet, in column A, under a title in A1
        assert len(ws.tables) == 1, ws.title
        table = next(iter(ws.tables.values()))
        assert table.ref.startswith("A") and ws["A1"].value, ws.title
        cells = list(ws[table.ref])
        headers = [c.value for c in cells[0]]
        # 7. headers
        assert all(isinstance(h, str) and h for h in headers), ws.title
        assert len(set(headers)) == len(headers), ws.title
        assert not [h for h in headers if "in the unit shown" in h]
        for row in cells[1:]:  # 6. no blank cells or rows
            for cell in row:
                assert cell.value is not None and cell.value != "", (ws.title, cell.coordinate)
                if isinstance(cell.value, str) and cell.value.startswith("["):
                    for ref in re.findall(r"\[note \d+\]", cell.value):
                        assert ref in notes, (ws.title, cell.value)  # 3.
                    assert SYMBOL.match(cell.value) or cell.value.startswith("[note"), \
                        cell.value
        # 9. print set-up
        assert ws.page_setup.orientation == "landscape", ws.title
        # fit to page, one page wide (1 is the default, so the file may omit it), any height
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows, ws.title
    # 7. every value header on a figures sheet names its unit; 8. stored as numbers
    percentages = book["Percentages"]
    table = next(iter(percentages.tables.values()))
    rows = list(percentages[table.ref])
    headers = [c.value for c in rows[0]]
    assert "Value (%)" in headers and "Lower 99.8% limit (%)" in headers
    assert "Unit" not in headers
    value_column = headers.index("Value (%)")
    census = next(r for r in rows[1:] if r[headers.index("Indicator ID")].value
              == "census_unpaid_care_pct")
    cell = census[value_column]
    assert cell.value == pytest.approx(10.476) and cell.number_format == "#,##0.00"
    counts = book["Counts"]
    count_rows = list(counts[next(iter(counts.tables.values())).ref])
    count_headers = [c.value for c in count_rows[0]]
    assert "Value (count)" in count_headers
    assert not [h for h in count_headers if "limit" in h]  # counts have no interval
    subscribers = next(r for r in count_rows[1:] if r[count_headers.index("Indicator ID")].value
                   == "newsletter_subscribers")
    assert subscribers[count_headers.index("Value (count)")].number_format == "#,##0"
    charts_sheet = book["Charts"]
    assert len(charts_sheet._images) == 1
    chart_table = list(charts_sheet[next(iter(charts_sheet.tables.values())).ref])
    assert [c.value for c in chart_table[1]][:2] == [chart["title"], chart["alt"]]


def test_every_table_has_a_csv_and_every_number_traces_to_the_lineage(edition, tmp_path):
    files = _written(edition, tmp_path)
    names = {p.name for p in files}
    for sheet in ("Notes", "Percentages", "Counts", "Coverage"):
        assert f"{sheet}.csv" in names
    lineage = pd.read_csv(edition / "latest" / "indicator_lineage.csv")
    keys = set(zip(lineage.indicator_id, lineage.area_code, lineage.period_id, strict=True))
    traced = 0
    for sheet, unit in (("Percentages", "%"), ("Counts", "count")):
        table = pd.read_csv(tmp_path / "out" / f"{sheet}.csv", dtype=str)
        numeric = table[pd.to_numeric(table[f"Value ({unit})"], errors="coerce").notna()]
        for row in numeric.itertuples(index=False):
            assert (row[-2], R, row[-1]) in keys  # Indicator ID, Period ID
            traced += 1
    assert traced == 3  # 132 subscribers, 348 requests, 10.476% carers (2021)
    percentages = pd.read_csv(tmp_path / "out" / "Percentages.csv", dtype=str)
    census = percentages[percentages["Indicator ID"] == "census_unpaid_care_pct"]
    # the census shows its latest period by the year's end, named
    assert set(census["Period"]) == {"2021"}
    counts = pd.read_csv(tmp_path / "out" / "Counts.csv", dtype=str)
    subs = counts[counts["Indicator ID"] == "newsletter_subscribers"]
    assert list(subs["Period"]) == ["2024/25"] and list(subs["Value (count)"]) == ["132"]


def test_small_counts_are_c_in_the_workbook_and_cannot_be_worked_out(edition, tmp_path):
    _written(edition, tmp_path)
    counts = pd.read_csv(tmp_path / "out" / "Counts.csv", dtype=str)
    requests = counts[counts["Indicator ID"] == "information_pack_requests"] \
        .set_index("Breakdown")
    # 3 by phone is hidden, and so is the 345 by web that would give it away from 348
    assert requests.loc["phone", "Value (count)"] == "[c]"
    assert requests.loc["web", "Value (count)"] == "[c]"
    assert requests.loc["all", "Value (count)"] == "348"
    assert "3" not in set(counts["Value (count)"])


def test_a_year_with_no_data_says_so(edition):
    with pytest.raises(WorkbookError, match=r"No figures for 2026/27.*latest financial year "
                                            r"with figures is 2024/25"):
        build_report(edition, "2026/27", load())
    with pytest.raises(WorkbookError, match="2024/26"):
        build_report(edition, "2024/26", load())


def test_carers_publish_command_writes_into_the_reports_folder(edition, capsys):
    assert main(["publish", "--year", "2024-25", "--publish", str(edition)]) == 0
    out = capsys.readouterr().out
    folder = edition / "reports" / "20260401T000000Z-test0000" / "2024-25"
    assert str(folder / "carers-progress-2024-25.xlsx") in out
    assert (folder / "Counts.csv").is_file() and (folder / "report-manifest.json").is_file()
    assert main(["publish", "--year", "2030/31", "--publish", str(edition)]) == 2
    assert "No figures for 2030/31" in capsys.readouterr().err
    assert main(["publish", "--year", "2024/25", "--publish", str(edition / "none")]) == 2


def test_libreoffice_opens_and_converts_the_workbook(edition, tmp_path):
    from openpyxl import load_workbook

    assert shutil.which("soffice"), "LibreOffice is needed: apt-get install libreoffice-calc"
    book = _written(edition, tmp_path)[0]
    converted = tmp_path / "converted"
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "xlsx", "--outdir", str(converted), str(book)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    again = load_workbook(converted / book.name)
    original = load_workbook(book)
    assert again.sheetnames == original.sheetnames
    for name in original.sheetnames:
        assert [[c.value for c in r] for r in again[name].iter_rows(max_row=8)] == \
            [[c.value for c in r] for r in original[name].iter_rows(max_row=8)], name


def test_which_periods_a_financial_year_shows():
    from reporting.workbook import year_period_ids

    rows = [("fy", "FY2023", "financial_year"), ("fy", "FY2024", "financial_year"),
            ("fy", "FY2025", "financial_year"), ("m", "CM2024-04", "calendar_month"),
            ("m", "CM2025-04", "calendar_month"), ("ay", "AY2023", "academic_year"),
            ("ay", "AY2024", "academic_year"), ("ay", "AY2025", "academic_year"),
            ("cy", "CY2024", "calendar_year"), ("cy", "CY2025", "calendar_year"),
            ("cd", "CD2011", "census_day"), ("cd", "CD2021", "census_day")]
    values = pd.DataFrame(rows, columns=["indicator_id", "period_id", "period_type"])
    chosen, how = year_period_ids(values, "2024/25")
    # AY2024 is the January 2025 school census, inside 2024/25; CY2025 ends after it
    assert sorted(chosen["period_id"]) == ["AY2024", "CD2021", "CM2024-04", "CY2024", "FY2024"]
    assert "31 March 2025" in how
