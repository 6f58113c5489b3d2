"""`carers request` on small published editions built by the real publisher."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.cli import main
from reporting import requests as rq
from reporting.editions import publish_edition
from tests.builders.xlsx import cover_text, read_tables

ROTHERHAM, ENGLAND, REGION = "E08000018", "E92000001", "E12000003"


def _value(ind, area, name, level, period, label, num, den, breakdown="all", symbol=None):
    value = 100 * num / den
    return {
        "indicator_id": ind, "indicator_title": TITLES[ind], "area_code": area,
        "area_name": name, "area_level": level, "is_sum_of_districts": level != "district",
        "period_id": period, "period_type": "financial_year", "period_label": label,
        "breakdown": breakdown, "numerator": float(num), "denominator": float(den),
        "value": value, "lower_ci": value - 1, "upper_ci": value + 1, "unit": "%",
        "value_type": "proportion", "polarity": "higher_is_better", "england_value": 5.0,
        "england_comparison": "better", "region_code": REGION, "region_value": 6.0,
        "region_comparison": "similar", "rank": None, "rank_of": None,
        "previous_period_id": None, "previous_value": None, "change": None, "direction": None,
        "symbol": symbol, "note": None, "source": f"{ind}.csv (sha256 abc) rows 2-9",
    }


TITLES = {"carers_assessed_pct": "Carers assessed within 28 days",
          "carers_breaks_pct": "Carers given a short break"}


def _indicators(people: bool = True) -> pd.DataFrame:
    return pd.DataFrame([{
        "indicator_id": i, "title": t, "definition": f"Definition of {t}",
        "rationale": "why", "numerator": "num def", "numerator_source": "Council return",
        "denominator": "den def", "denominator_source": "Council return", "unit": "%",
        "value_type": "proportion", "polarity": "higher_is_better", "period_type": "fy",
        "frequency": "annual", "disclosure": "people" if people else "none",
        "caveats": f"Caveat about {i}.", "series_breaks": "", "commitments": "C1",
        "measures_of_success": ""} for i, t in TITLES.items()])


@pytest.fixture
def published(tmp_path):
    rows = []
    for ind in TITLES:
        for period, label in (("FY2022", "2022-23"), ("FY2023", "2023-24"), ("FY2024", "2024-25")):
            rows.append(_value(ind, ROTHERHAM, "Rotherham", "district", period, label, 40, 200))
            rows.append(_value(ind, ENGLAND, "England", "country", period, label, 5000, 90000))
    # A breakdown with one small count (primary) so its sibling is suppressed too (secondary).
    rows.append(_value("carers_assessed_pct", ROTHERHAM, "Rotherham", "district", "FY2024",
                       "2024-25", 3, 20, breakdown="age 18-24"))
    rows.append(_value("carers_assessed_pct", ROTHERHAM, "Rotherham", "district", "FY2024",
                       "2024-25", 37, 180, breakdown="age 25+"))
    values = pd.DataFrame(rows)
    root = tmp_path / "publish"
    publish_edition(root, "20260101T000000Z-test0001",
                    {"indicator_values": values, "indicators": _indicators()}, {"run_id": "t"})
    return root


def test_by_title_words_since_year_against_england(published):
    result = rq.answer(published, rq.Request(["assessed 28 days"], areas=["Rotherham"],
                                             since=2023, comparators=["england"]))
    f = result.figures
    assert set(f.indicator_id) == {"carers_assessed_pct"}
    assert set(f.period) == {"2023-24", "2024-25"}
    assert "england_value" in f.columns and "region_value" not in f.columns
    main_row = f[(f.period == "2023-24") & (f.breakdown == "all")].iloc[0]
    assert main_row.value == 20.0 and main_row.compared_with_england == "better"
    assert result.notes.iloc[0].caveats == "Caveat about carers_assessed_pct."


def test_small_counts_suppressed_with_secondary(published):
    result = rq.answer(published, rq.Request(["carers_assessed_pct"]))
    f = result.figures.set_index("breakdown")
    young = f[f.period == "2024-25"].loc["age 18-24"]
    older = f[f.period == "2024-25"].loc["age 25+"]
    assert young.numerator == "[c]" and young.value == "[c]" and "[c]" in young.symbol
    assert older.numerator == "[c]" and older.value == "[c]"  # secondary suppression
    assert "[c]" in result.symbols


@pytest.mark.parametrize("fmt", ["csv", "md", "xlsx"])
def test_every_format_carries_definition_source_caveats_symbols(published, fmt):
    result = rq.answer(published, rq.Request(["carers_assessed_pct"]))
    content = rq.render(result, fmt)
    if fmt == "xlsx":
        # the workbook standard (issue 20): cover, contents, notes, a table per unit
        sheets = read_tables(content)
        assert list(sheets) == ["Contents", "Notes", "Figures_percent"]
        assert "Value (%)" in sheets["Figures_percent"].columns
        text = cover_text(content) + " " + " ".join(
            sheet.to_csv(index=False) for sheet in sheets.values())
    else:
        text = content.decode()
    for needed in ("Definition of Carers assessed within 28 days", "Council return",
                   "Caveat about carers_assessed_pct.", "[c]", "confidential",
                   "20260101T000000Z-test0001"):
        assert needed in text, (fmt, needed)
    assert "carers_breaks_pct" not in text


def test_unknown_indicator_named_clearly(published):
    with pytest.raises(rq.RequestError) as err:
        rq.answer(published, rq.Request(["young_carers_identified_per_1000"]))
    message = str(err.value)
    assert "young_carers_identified_per_1000" in message
    assert "carers_assessed_pct" in message  # what is available instead


def test_unknown_area_and_no_edition(published, tmp_path):
    with pytest.raises(rq.RequestError, match="Rotherhm"):
        rq.answer(published, rq.Request(["carers_assessed_pct"], areas=["Rotherhm"]))
    with pytest.raises(rq.RequestError, match="carers refresh"):
        rq.answer(tmp_path / "nothing", rq.Request(["carers_assessed_pct"]))


def test_reads_only_the_published_copy(published, monkeypatch, tmp_path):
    live = tmp_path / "live.duckdb"
    monkeypatch.setenv("CARERS_WAREHOUSE", str(live))
    assert main(["request", "--publish", str(published), "-i", "carers_breaks_pct",
                 "--format", "csv", "-o", str(tmp_path / "out.csv")]) == 0
    assert not live.exists()
    out = pd.read_csv(tmp_path / "out.csv", comment="#")
    assert set(out.indicator_id) == {"carers_breaks_pct"}
    assert "definition" in out.columns and "caveats" in out.columns
    edition = (published / "latest").resolve()
    assert all(p.stat().st_mode & 0o222 == 0 for p in edition.iterdir())


def test_cli_unknown_indicator_exit_code(published, capsys):
    code = main(["request", "--publish", str(published), "-i", "young_carers_identified_per_1000",
                 "--since", "2023", "-a", "Rotherham", "-a", "England"])
    assert code == 2
    assert "No indicator in this edition matches" in capsys.readouterr().err
