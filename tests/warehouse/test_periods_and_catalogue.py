"""Rung 1: periods and the indicator catalogue."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from sources.periods import Period, academic_year, dim_period_rows, financial_year
from warehouse import catalogue


def test_financial_year_labels():
    fy = financial_year("2025/26")
    assert fy == financial_year("2025-26") == financial_year("202526")
    assert (fy.label, fy.label_dash, fy.label_compact) == ("2025/26", "2025-26", "202526")
    assert (fy.start_date, fy.end_date) == (date(2025, 4, 1), date(2026, 3, 31))
    assert fy.period_id == "FY2025"


def test_year_boundary_labels_and_bad_input():
    assert financial_year("1999/00").label == "1999/00"
    assert academic_year("202223").start_date == date(2022, 9, 1)
    with pytest.raises(ValueError, match="2025/27"):
        financial_year("2025/27")


def test_months_and_quarters():
    assert Period("calendar_month", 2025, 2).end_date == date(2025, 2, 28)
    q4 = Period("quarter", 2025, 4)
    assert (q4.start_date, q4.end_date, q4.label) == (date(2026, 1, 1), date(2026, 3, 31),
                                                      "2025/26 Q4")


def test_dim_period_ids_unique():
    ids = [r["period_id"] for r in dim_period_rows()]
    assert len(ids) == len(set(ids))
    assert {"CD2011", "CD2021", "FY2025", "AY2022", "CM2025-06", "FQ2025-Q1"} <= set(ids)


def test_shipped_catalogue_loads():
    cat = catalogue.load()
    ids = [i.id for i in cat.indicators]
    assert "census_unpaid_care_pct" in ids
    assert len(ids) == len(set(ids))


def _document() -> dict:
    return catalogue.read_documents()


def test_catalogue_d_files_add_indicators_and_ids_stay_unique(tmp_path):
    frame = yaml.safe_load(catalogue.CATALOGUE_PATH.read_text())
    first = dict(frame["indicators"][0])
    (tmp_path / "frame.yaml").write_text(yaml.safe_dump(frame))
    extra = tmp_path / "d"
    extra.mkdir()
    (extra / "a.yaml").write_text(yaml.safe_dump({"indicators": [{**first, "id": "extra_one"}]}))
    merged = catalogue.read_documents(tmp_path / "frame.yaml", extra)
    assert [i["id"] for i in merged["indicators"]][-1] == "extra_one"
    catalogue.parse(merged)
    (extra / "b.yaml").write_text(yaml.safe_dump({"indicators": [first]}))
    with pytest.raises(catalogue.CatalogueError, match="used twice"):
        catalogue.parse(catalogue.read_documents(tmp_path / "frame.yaml", extra))
    (extra / "c.yaml").write_text(yaml.safe_dump({"commitments": {"C9": "x"}}))
    with pytest.raises(catalogue.CatalogueError, match="only an `indicators:` list"):
        catalogue.read_documents(tmp_path / "frame.yaml", extra)


def test_catalogue_rejects_duplicate_id():
    doc = _document()
    doc["indicators"].append(dict(doc["indicators"][0]))
    with pytest.raises(catalogue.CatalogueError, match="used twice"):
        catalogue.parse(doc)


def test_catalogue_rejects_unknown_commitment():
    doc = _document()
    doc["indicators"][0]["commitments"] = ["C9"]
    with pytest.raises(catalogue.CatalogueError, match="unknown commitment 'C9'"):
        catalogue.parse(doc)


def test_catalogue_rejects_proportion_without_denominator():
    doc = _document()
    del doc["indicators"][0]["denominator"]
    with pytest.raises(catalogue.CatalogueError, match="needs a denominator"):
        catalogue.parse(doc)


def test_catalogue_rejects_missing_sql_file():
    doc = _document()
    doc["indicators"][0]["sql"] = "indicators/nope.sql"
    with pytest.raises(catalogue.CatalogueError, match="does not exist"):
        catalogue.parse(doc)
