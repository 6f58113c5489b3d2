"""Periods: a type and a start year (plus month or quarter), with labels generated from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

CENSUS_DAYS = {2001: date(2001, 4, 29), 2011: date(2011, 3, 27), 2021: date(2021, 3, 21)}

# period type -> id prefix
PREFIX = {
    "census_day": "CD",
    "financial_year": "FY",
    "academic_year": "AY",
    "calendar_year": "CY",
    "calendar_month": "CM",
    "quarter": "FQ",  # financial-year quarter: Q1 is April to June
}
TYPE_OF_PREFIX = {prefix: kind for kind, prefix in PREFIX.items()}


@dataclass(frozen=True)
class Period:
    period_type: str
    start_year: int
    sub: int | None = None  # month (1-12) or financial quarter (1-4)

    @property
    def period_id(self) -> str:
        base = f"{PREFIX[self.period_type]}{self.start_year}"
        if self.period_type == "calendar_month":
            return f"{base}-{self.sub:02d}"
        if self.period_type == "quarter":
            return f"{base}-Q{self.sub}"
        return base

    @property
    def start_date(self) -> date:
        y = self.start_year
        match self.period_type:
            case "census_day":
                return CENSUS_DAYS.get(y, date(y, 3, 21))
            case "financial_year":
                return date(y, 4, 1)
            case "academic_year":
                return date(y, 9, 1)
            case "calendar_year":
                return date(y, 1, 1)
            case "calendar_month":
                return date(y, self.sub or 1, 1)
            case "quarter":
                month = 4 + 3 * ((self.sub or 1) - 1)
                return date(y + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        raise ValueError(f"unknown period type {self.period_type!r}")

    @property
    def end_date(self) -> date:
        y = self.start_year
        match self.period_type:
            case "census_day":
                return self.start_date
            case "financial_year":
                return date(y + 1, 3, 31)
            case "academic_year":
                return date(y + 1, 8, 31)
            case "calendar_year":
                return date(y, 12, 31)
            case "calendar_month" | "quarter":
                months = 1 if self.period_type == "calendar_month" else 3
                s = self.start_date
                m = s.month - 1 + months
                return date(s.year + m // 12, m % 12 + 1, 1) - timedelta(days=1)
        raise ValueError(f"unknown period type {self.period_type!r}")

    @property
    def label(self) -> str:
        """The label a reader expects: 2025/26 for a financial year, 2021 for a census."""
        y = self.start_year
        match self.period_type:
            case "financial_year" | "academic_year":
                return f"{y}/{(y + 1) % 100:02d}"
            case "calendar_month":
                return f"{y}-{self.sub:02d}"
            case "quarter":
                return f"{y}/{(y + 1) % 100:02d} Q{self.sub}"
        return str(y)

    @property
    def label_dash(self) -> str:
        """2025-26 (ASCOF and NHS style)."""
        return self.label.replace("/", "-") if "/" in self.label else self.label

    @property
    def label_compact(self) -> str:
        """202526 (DfE Explore Education Statistics `time_period` style)."""
        y = self.start_year
        if self.period_type in ("financial_year", "academic_year"):
            return f"{y}{(y + 1) % 100:02d}"
        return self.label.replace("-", "")


def period_of(period_id: str) -> Period:
    """FY2025 -> the financial year 2025/26; FQ2025-Q1, CM2025-06 too."""
    kind = TYPE_OF_PREFIX.get(str(period_id)[:2])
    if kind is None:
        raise ValueError(f"period_id {period_id!r} has no known prefix ({sorted(PREFIX.values())})")
    rest = str(period_id)[2:]
    year, _, sub = rest.partition("-")
    return Period(kind, int(year), int(sub.lstrip("Q")) if sub else None)


def financial_year(label: str) -> Period:
    """'2025/26', '2025-26' or '202526' -> the financial year starting April 2025."""
    return Period("financial_year", _start_year(label))


def academic_year(label: str) -> Period:
    return Period("academic_year", _start_year(label))


def financial_year_of(day: date) -> Period:
    return Period("financial_year", day.year if day.month >= 4 else day.year - 1)


def _start_year(label: str) -> int:
    text = str(label).strip().replace("/", "").replace("-", "")
    if len(text) == 6 and text.isdigit():
        start, end = int(text[:4]), int(text[4:])
        if (start + 1) % 100 == end:
            return start
    raise ValueError(f"{label!r} is not a year like 2025/26, 2025-26 or 202526")


def dim_period_rows(first_year: int = 2001, last_year: int = 2035) -> list[dict[str, object]]:
    """Every period the warehouse can refer to, generated (not read) so it never drifts."""
    periods: list[Period] = [Period("census_day", y) for y in CENSUS_DAYS]
    for y in range(first_year, last_year + 1):
        periods += [Period("financial_year", y), Period("academic_year", y),
                    Period("calendar_year", y)]
        periods += [Period("calendar_month", y, m) for m in range(1, 13)]
        periods += [Period("quarter", y, q) for q in range(1, 5)]
    return [
        {"period_id": p.period_id, "period_type": p.period_type, "start_year": p.start_year,
         "sub_period": p.sub, "start_date": p.start_date, "end_date": p.end_date,
         "label": p.label, "label_dash": p.label_dash, "label_compact": p.label_compact}
        for p in periods
    ]
