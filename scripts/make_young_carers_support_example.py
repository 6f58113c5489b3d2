"""Make the illustrative young carers' service return (RETURNS.md young_carers_support).

RECONSTRUCTION, NOT RECORDS. The file is consistent with one published figure: "In 2025 34
young carers received one to one support to reduce the impact of their caring
responsibilities" (the 2026-31 all-age carers strategy, page 6,
../shared/strategy/001_0dd1fce85003a861.txt). Everything else (referral dates and sources,
assessments, group support, age bands, case references) is invented to be plausible. It
includes, on purpose, a young carer with two one-to-one episodes in 2025 and episodes that
run from 2024 into 2025, so the count of distinct young carers differs from a count of
episodes or of months.

Run: uv run python scripts/make_young_carers_support_example.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sources" / "data" / "examples"
FILE = "council_young_carers_support_2023-2025.csv"
HEADER = ["case_ref", "referral_date", "referral_source", "assessment_date", "support_type",
          "support_start", "support_end", "age_band"]
TITLE = ("ILLUSTRATIVE EXAMPLE, NOT COUNCIL RECORDS: invented rows consistent with the "
         "2026-31 strategy's 'In 2025 34 young carers received one to one support' "
         "(scripts/make_young_carers_support_example.py)")
LAST_DAY = date(2025, 12, 31)
ONE_TO_ONE_2025 = 34  # the published figure

SOURCES = ["school"] * 7 + ["parent"] * 3 + ["self", "health", "health", "social_care",
                                              "social_care", "social_care", "voluntary_sector",
                                              "voluntary_sector", "other"]
SUPPORT = ["one_to_one"] * 7 + ["group"] * 7 + ["information_only"] * 4 + ["none"] * 2


def overlaps_2025(row: dict) -> bool:
    if row["support_type"] != "one_to_one" or row["support_start"] is None:
        return False
    end = row["support_end"] or LAST_DAY
    return row["support_start"] <= LAST_DAY and end >= date(2025, 1, 1)


def make_rows(seed: int = 2025) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    number = 0
    for year, referrals in ((2023, 38), (2024, 46), (2025, 52)):
        for _ in range(referrals):
            number += 1
            referral = date(year, 1, 1) + timedelta(days=rng.randrange(0, 350))
            assessed = referral + timedelta(days=rng.randrange(7, 50))
            support = rng.choice(SUPPORT)
            row = {"case_ref": f"YC-{number:04d}", "referral_date": referral,
                   "referral_source": rng.choice(SOURCES),
                   "assessment_date": assessed if assessed <= LAST_DAY else None,
                   "support_type": support, "support_start": None, "support_end": None,
                   "age_band": rng.choice(["5-10", "11-15", "11-15", "16-17"])}
            if row["assessment_date"] is None:
                row["support_type"] = "none"
            elif support in ("one_to_one", "group"):
                start = assessed + timedelta(days=rng.randrange(5, 25))
                end = start + timedelta(days=rng.randrange(60, 300))
                if start > LAST_DAY:
                    row["support_type"] = "none"
                else:
                    row["support_start"] = start
                    row["support_end"] = end if end <= LAST_DAY else None
            rows.append(row)
    # A young carer re-referred in 2025 after an earlier one-to-one episode that year: two
    # episodes, one young carer.
    first = next(r for r in rows if overlaps_2025(r) and r["support_end"] is not None
                 and r["support_end"] < date(2025, 9, 1))
    again = first["support_end"] + timedelta(days=30)
    rows.append({**first, "referral_date": again, "referral_source": "parent",
                 "assessment_date": again + timedelta(days=10),
                 "support_start": again + timedelta(days=20), "support_end": None})
    # Make the 2025 count exactly the published figure by turning group episodes running in
    # 2025 into one-to-one ones (or the reverse), in a fixed order.
    def distinct_2025() -> int:
        return len({r["case_ref"] for r in rows if overlaps_2025(r)})

    for row in rows:
        count = distinct_2025()
        if count == ONE_TO_ONE_2025:
            break
        running_2025 = row["support_start"] is not None and \
            (row["support_end"] or LAST_DAY) >= date(2025, 1, 1)
        if count < ONE_TO_ONE_2025 and row["support_type"] == "group" and running_2025:
            row["support_type"] = "one_to_one"
        elif count > ONE_TO_ONE_2025 and overlaps_2025(row) and row is not first \
                and sum(r["case_ref"] == row["case_ref"] for r in rows) == 1:
            row["support_type"] = "group"
    assert distinct_2025() == ONE_TO_ONE_2025, distinct_2025()
    return sorted(rows, key=lambda r: (r["referral_date"], r["case_ref"]))


def write(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="") as handle:
        w = csv.writer(handle)
        # A title row above the header (tolerated and reported by the reader) so the file
        # says what it is wherever it is copied.
        w.writerow([TITLE])
        w.writerow(HEADER)
        for r in rows:
            w.writerow(["" if r[c] is None else
                        (r[c].isoformat() if isinstance(r[c], date) else r[c]) for c in HEADER])


if __name__ == "__main__":
    write(make_rows(), OUT / FILE)
