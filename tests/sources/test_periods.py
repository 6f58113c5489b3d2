"""Rung 1: every kind of period, its id, dates and labels, worked out by calendar (pinned
values, written by hand: a financial year runs 1 April to 31 March, an academic year 1
September to 31 August, a financial quarter Q1 is April to June)."""

from __future__ import annotations

from datetime import date

import pytest

from sources.periods import (
    Period,
    academic_year,
    dim_period_rows,
    financial_year,
    financial_year_of,
    period_of,
)

# (period, id, start, end, label, label_dash, label_compact)
CASES = [
    (Period("financial_year", 2025), "FY2025", date(2025, 4, 1), date(2026, 3, 31),
     "2025/26", "2025-26", "202526"),
    (Period("financial_year", 1999), "FY1999", date(1999, 4, 1), date(2000, 3, 31),
     "1999/00", "1999-00", "199900"),
    (Period("academic_year", 2024), "AY2024", date(2024, 9, 1), date(2025, 8, 31),
     "2024/25", "2024-25", "202425"),
    (Period("calendar_year", 2024), "CY2024", date(2024, 1, 1), date(2024, 12, 31),
     "2024", "2024", "2024"),
    (Period("census_day", 2021), "CD2021", date(2021, 3, 21), date(2021, 3, 21),
     "2021", "2021", "2021"),
    (Period("census_day", 2011), "CD2011", date(2011, 3, 27), date(2011, 3, 27),
     "2011", "2011", "2011"),
    (Period("census_day", 2001), "CD2001", date(2001, 4, 29), date(2001, 4, 29),
     "2001", "2001", "2001"),
    (Period("calendar_month", 2024, 2), "CM2024-02", date(2024, 2, 1), date(2024, 2, 29),
     "2024-02", "2024-02", "202402"),
    (Period("calendar_month", 2025, 12), "CM2025-12", date(2025, 12, 1), date(2025, 12, 31),
     "2025-12", "2025-12", "202512"),
    (Period("calendar_month", 2025, 1), "CM2025-01", date(2025, 1, 1), date(2025, 1, 31),
     "2025-01", "2025-01", "202501"),
    (Period("calendar_month", 2025, 11), "CM2025-11", date(2025, 11, 1), date(2025, 11, 30),
     "2025-11", "2025-11", "202511"),
    (Period("quarter", 2025, 1), "FQ2025-Q1", date(2025, 4, 1), date(2025, 6, 30),
     "2025/26 Q1", "2025-26 Q1", "2025/26 Q1"),
    (Period("quarter", 2025, 2), "FQ2025-Q2", date(2025, 7, 1), date(2025, 9, 30),
     "2025/26 Q2", "2025-26 Q2", "2025/26 Q2"),
    (Period("quarter", 2025, 3), "FQ2025-Q3", date(2025, 10, 1), date(2025, 12, 31),
     "2025/26 Q3", "2025-26 Q3", "2025/26 Q3"),
    (Period("quarter", 2025, 4), "FQ2025-Q4", date(2026, 1, 1), date(2026, 3, 31),
     "2025/26 Q4", "2025-26 Q4", "2025/26 Q4"),
]


@pytest.mark.parametrize(("period", "period_id", "start", "end", "label", "dash", "compact"),
                         CASES, ids=[c[1] for c in CASES])
def test_period_id_dates_and_labels(period, period_id, start, end, label, dash, compact):
    assert period.period_id == period_id
    assert (period.start_date, period.end_date) == (start, end)
    assert (period.label, period.label_dash, period.label_compact) == (label, dash, compact)
    assert period_of(period_id) == period  # the id reads back as the same period


def test_a_census_year_without_a_known_day_falls_back_to_21_march():
    assert Period("census_day", 2031).start_date == date(2031, 3, 21)


def test_unknown_period_type_is_refused():
    odd = Period("fortnight", 2025)
    with pytest.raises(ValueError, match="unknown period type 'fortnight'"):
        _ = odd.start_date
    with pytest.raises(ValueError, match="unknown period type 'fortnight'"):
        _ = odd.end_date
    assert odd.label == "2025"


@pytest.mark.parametrize("period_id", ["XX2025", "", "2025", "fy2025"])
def test_period_of_refuses_an_unknown_prefix(period_id):
    with pytest.raises(ValueError, match="has no known prefix"):
        period_of(period_id)


@pytest.mark.parametrize("label", ["2025/26", "2025-26", "202526", " 2025/26 "])
def test_financial_and_academic_year_labels(label):
    assert financial_year(label) == Period("financial_year", 2025)
    assert academic_year(label) == Period("academic_year", 2025)


def test_the_century_turns_in_a_label():
    assert financial_year("1999/00") == Period("financial_year", 1999)
    assert financial_year("2099-00").start_year == 2099


@pytest.mark.parametrize("label", ["2025/27", "2025", "2025/2026", "25/26", "abcd/ef", "2025/6",
                                   "2024/26", "2025/24", "2025/00"])
def test_a_label_that_is_not_one_year_is_refused(label):
    with pytest.raises(ValueError, match="is not a year like 2025/26"):
        financial_year(label)


@pytest.mark.parametrize(("day", "start_year"), [
    (date(2025, 3, 31), 2024), (date(2025, 4, 1), 2025), (date(2025, 12, 31), 2025),
    (date(2026, 1, 1), 2025),
])
def test_financial_year_of_a_day(day, start_year):
    assert financial_year_of(day) == Period("financial_year", start_year)


def test_dim_period_rows():
    rows = dim_period_rows()
    # 3 census days, and for each of the 35 years 2001-2035: FY, AY, CY, 12 months, 4 quarters
    assert len(rows) == 3 + 35 * (3 + 12 + 4)
    by_id = {r["period_id"]: r for r in rows}
    assert len(by_id) == len(rows)
    assert {"FY2001", "FY2035", "CM2035-12", "FQ2035-Q4", "CD2001"} <= set(by_id)
    assert not {"FY2000", "FY2036", "CM2035-13", "FQ2035-Q5", "CM2001-00"} & set(by_id)
    assert by_id["FQ2024-Q4"] == {
        "period_id": "FQ2024-Q4", "period_type": "quarter", "start_year": 2024,
        "sub_period": 4, "start_date": date(2025, 1, 1), "end_date": date(2025, 3, 31),
        "label": "2024/25 Q4", "label_dash": "2024-25 Q4", "label_compact": "2024/25 Q4"}
    assert by_id["CD2021"]["sub_period"] is None and by_id["CD2021"]["label"] == "2021"
    assert len(dim_period_rows(2020, 2021)) == 3 + 2 * 19


def test_a_period_is_a_value():
    """Frozen: a period can key a dict and never changes under the code holding it."""
    period = Period("financial_year", 2025)
    assert {period: "x"}[Period("financial_year", 2025)] == "x"
    with pytest.raises(AttributeError):
        period.start_year = 2026  # type: ignore[misc]


def test_a_month_or_quarter_without_its_number_starts_at_the_first():
    assert Period("quarter", 2025).start_date == date(2025, 4, 1)
    assert Period("quarter", 2025).end_date == date(2025, 6, 30)
    assert Period("calendar_month", 2025).start_date == date(2025, 1, 1)
    assert Period("calendar_month", 2025).end_date == date(2025, 1, 31)


def test_a_period_type_read_from_a_file_is_honoured():
    """Types come from YAML and CSV: equal strings that are not the same object as a literal."""
    month = Period("".join(["calendar", "_month"]), 2025, 11)
    quarter = Period("".join(["quar", "ter"]), 2025, 4)
    assert (month.period_id, month.end_date) == ("CM2025-11", date(2025, 11, 30))
    assert (quarter.period_id, quarter.end_date) == ("FQ2025-Q4", date(2026, 3, 31))
    assert financial_year("".join(["2025", "/", "26"])).start_year == 2025
