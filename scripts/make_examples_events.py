"""Make the illustrative events and membership returns (RETURNS.md `events`, `membership`).

RECONSTRUCTION, NOT RECORDS. The files are consistent with what the 2026-31 all-age carers
strategy reports of the 2022-25 framework (../shared/strategy/001_0dd1fce85003a861.txt,
"Achievements"):
  - "Over the three years, 21 events were co-produced for Carers Week and three for Carers
    Rights Day, led by the Borough That Cares Network": 6 + 7 + 8 co-produced Carers Week
    events in June 2022, 2023 and 2024, one co-produced Carers Rights Day event each November;
  - "30 members now regularly attend the monthly meetings" of the Borough That Cares
    Strategic Network: twelve monthly network meetings a year, attendance averaging 30 in
    2024/25 (lower before);
  - "a Multi-Agency Strategic Group ... which now includes 23 registered members": the
    strategic group's membership is 23 at 31 March 2025;
  - "between March and August 2025 ... 23 focus groups": 23 co-production sessions then.
Everything else (titles, venues, localities, attendance figures, the non-co-produced events,
network membership sizes, health and wellbeing checks) is invented to be plausible. The first
row of each file, above the header, says so; the reader reports it as a title row.

Run: uv run python scripts/make_examples_events.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sources" / "data" / "examples"
EVENTS_FILE = "council_events_2022-2025.csv"
MEMBERSHIP_FILE = "council_membership_2022-2025.csv"
EVENTS_HEADER = ["event_id", "event_date", "event_type", "title", "organiser", "locality",
                 "meeting_place", "coproduced", "carers_attending", "young_carers_attending",
                 "professionals_attending", "carer_reps_attending", "health_wellbeing_checks"]
TITLE = ("ILLUSTRATIVE EXAMPLE, NOT COUNCIL RECORDS: invented rows consistent with the 2026-31 "
         "strategy's achievements of 2022-25 (scripts/make_examples_events.py)")

# Published figures the files must reproduce (see the module docstring).
CARERS_WEEK_COPRODUCED = {2022: 6, 2023: 7, 2024: 8}  # 21 over the three years
CARERS_RIGHTS_DAY_COPRODUCED = {2022: 1, 2023: 1, 2024: 1}  # 3
NETWORK_MEAN_ATTENDANCE = {2022: 19, 2023: 24, 2024: 30, 2025: 31}  # by financial year
STRATEGIC_GROUP_MEMBERS = {date(2023, 3, 31): 11, date(2024, 3, 31): 17, date(2025, 3, 31): 23,
                           date(2025, 9, 30): 23}
NETWORK_MEMBERS = {date(2023, 3, 31): 34, date(2024, 3, 31): 41, date(2025, 3, 31): 47,
                   date(2025, 9, 30): 49}
FOCUS_GROUPS = 23  # March to August 2025
LAST_DAY = date(2025, 9, 30)

NETWORK = "Borough That Cares Network"
ORGANISERS = ["Crossroads Care Rotherham", "Rotherham Carers Resilience Service",
              "Barnardo's Young Carers", "Age UK Rotherham", "Rotherham Council"]
VENUES = [("Rotherham Minster", "Central"), ("Clifton Park Museum", "Central"),
          ("Riverside House", "Central"), ("Wath Library", "Wath"),
          ("Swinton Civic Hall", "Swinton"), ("Maltby Library", "Maltby"),
          ("Dinnington Resource Centre", "Dinnington"), ("Rawmarsh Community Hall", "Rawmarsh"),
          ("Kimberworth Park Community Centre", "Kimberworth"),
          ("Thrybergh Country Park", "Thrybergh"), ("Aston Parish Hall", "Aston"),
          ("Kiveton Park Community Centre", "Kiveton Park")]
CARERS_WEEK_ACTIVITIES = ["coffee morning", "walk", "pamper session", "quiz", "information fair",
                          "garden party", "lunch", "art workshop", "singing"]
# Venues in use grow over the framework: the first n in each financial year.
VENUES_IN_USE = {2022: 7, 2023: 9, 2024: 11, 2025: 12}


class Events:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[dict] = []

    def add(self, day: date, kind: str, title: str, organiser: str, coproduced: bool,
            carers: int, venue: tuple[str, str] | None = None, **counts: int | None) -> None:
        place, locality = venue or ("online", "Online")
        self.rows.append({
            "event_id": None, "_day": day,  # ids are numbered in date order at the end
            "event_date": day.strftime("%d/%m/%Y"), "event_type": kind, "title": title,
            "organiser": organiser, "locality": locality, "meeting_place": place,
            "coproduced": "yes" if coproduced else "no", "carers_attending": carers,
            "young_carers_attending": counts.get("young"),
            "professionals_attending": counts.get("professionals"),
            "carer_reps_attending": counts.get("reps"),
            "health_wellbeing_checks": counts.get("checks"),
        })

    def venue(self, fy: int) -> tuple[str, str]:
        return self.rng.choice(VENUES[:VENUES_IN_USE[fy]])


def fy_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def spread(total: int, parts: int, rng: random.Random, low: int) -> list[int]:
    """`parts` whole numbers of at least `low` adding up to `total`."""
    values = [low] * parts
    for _ in range(total - low * parts):
        values[rng.randrange(parts)] += 1
    return values


def make_events(rng: random.Random) -> list[dict]:
    ev = Events(rng)
    for year in (2022, 2023, 2024, 2025):
        # Carers Week, the second week of June.
        start = date(year, 6, 6 + (7 - date(year, 6, 6).weekday()) % 7)
        coproduced = CARERS_WEEK_COPRODUCED.get(year, 9)
        for i in range(coproduced):
            ev.add(start + timedelta(days=i % 6), "carers_week",
                   f"Carers Week {year}: {CARERS_WEEK_ACTIVITIES[i % len(CARERS_WEEK_ACTIVITIES)]}",
                   NETWORK, True, rng.randint(12, 60), ev.venue(fy_of(start)),
                   professionals=rng.randint(2, 8), checks=rng.choice([None, rng.randint(5, 20)]))
        for i in range(1 + year % 2):  # partners' own events, not co-produced
            ev.add(start + timedelta(days=2 + i), "carers_week", f"Carers Week {year}: drop-in",
                   ORGANISERS[(year + i) % 4], False, rng.randint(6, 25), ev.venue(fy_of(start)))
        # Carers Rights Day, the last Thursday of November.
        november_30 = date(year, 11, 30)
        if november_30 <= LAST_DAY or year <= 2024:
            rights_day = november_30 - timedelta(days=(november_30.weekday() - 3) % 7)
            ev.add(rights_day, "carers_rights_day", f"Carers Rights Day {year}", NETWORK,
                   CARERS_RIGHTS_DAY_COPRODUCED.get(year, 1) == 1, rng.randint(25, 70),
                   ("Riverside House", "Central"), professionals=rng.randint(4, 10))

    for fy, mean in NETWORK_MEAN_ATTENDANCE.items():
        months = [(fy, m) for m in range(4, 13)] + [(fy + 1, m) for m in range(1, 4)]
        dates = [date(y, m, 14 + (3 - date(y, m, 14).weekday()) % 7) for y, m in months]
        dates = [d for d in dates if d <= LAST_DAY]
        # Attendance = carers + professionals, averaging `mean` over the year's meetings.
        totals = spread(mean * len(dates), len(dates), rng, mean - 4)
        for day, total in zip(dates, totals, strict=True):
            professionals = rng.randint(8, 12)
            online = day.month in (1, 7)
            ev.add(day, "network_meeting", "Borough That Cares Network meeting", NETWORK, True,
                   total - professionals, None if online else ("Riverside House", "Central"),
                   professionals=professionals)
        # The strategic group meets quarterly, with carer representatives.
        for y, m in ((fy, 5), (fy, 9), (fy, 12), (fy + 1, 3)):
            day = date(y, m, 20)
            if day <= LAST_DAY:
                reps = rng.randint(2, 3)  # carer representatives are among the carers there
                ev.add(day, "strategic_group_meeting", "Multi-Agency Strategic Group",
                       "Rotherham Council", False, reps + rng.randint(0, 1),
                       ("Riverside House", "Central"), reps=reps,
                       professionals=rng.randint(9, 18))
        # Peer support, health and wellbeing and information sessions around the borough.
        for _ in range(10 + 3 * (fy - 2022)):
            day = date(fy, 4, 1) + timedelta(days=rng.randrange(365))
            if day > LAST_DAY:
                continue
            kind = rng.choice(["peer_support", "peer_support", "health_wellbeing_session",
                               "information_session"])
            ev.add(day, kind, kind.replace("_", " ").capitalize(), rng.choice(ORGANISERS),
                   rng.random() < 0.3, rng.randint(5, 25), ev.venue(fy),
                   checks=rng.randint(4, 15) if kind == "health_wellbeing_session" else None)
        # Co-production sessions on services (before the strategy's engagement).
        if fy <= 2024:
            for _ in range(2 + fy - 2022):
                day = date(fy, 4, 1) + timedelta(days=rng.randrange(300))
                ev.add(day, "coproduction_session", "Co-production session", NETWORK, True,
                       rng.randint(6, 14), ev.venue(fy), professionals=rng.randint(1, 4))
    # The 2026-31 strategy's engagement: 23 focus groups, March to August 2025.
    first = date(2025, 3, 3)
    for i in range(FOCUS_GROUPS):
        day = first + timedelta(days=7 * i)
        ev.add(day, "coproduction_session", "Carers strategy focus group", "Rotherham Council",
               True, rng.randint(6, 16), ev.venue(fy_of(day)), young=rng.choice([None, 0, 6]),
               professionals=rng.randint(1, 3))
    ev.rows.sort(key=lambda r: (r["_day"], r["organiser"], r["event_type"]))
    serial: dict[tuple[str, int], int] = {}
    for r in ev.rows:  # e.g. BTCN-2024-007: the organiser's 7th event of 2024/25
        prefix = "".join(w[0] for w in r["organiser"].replace("'s", "").split()).upper()
        key = (prefix, fy_of(r["_day"]))
        serial[key] = serial.get(key, 0) + 1
        r["event_id"] = f"{prefix}-{key[1]}-{serial[key]:03d}"
    assert all(r["_day"] <= LAST_DAY for r in ev.rows)
    return ev.rows


def make_membership() -> list[dict]:
    rows = [{"group": "strategic_group", "as_at": d.isoformat(), "members": n}
            for d, n in STRATEGIC_GROUP_MEMBERS.items()]
    rows += [{"group": "network", "as_at": d.isoformat(), "members": n}
             for d, n in NETWORK_MEMBERS.items()]
    return sorted(rows, key=lambda r: (r["as_at"], r["group"]))


def write(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow([TITLE])
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r[c] is None else r[c] for c in header])


def main() -> None:
    rng = random.Random(20220401)
    write(OUT / EVENTS_FILE, EVENTS_HEADER, make_events(rng))
    write(OUT / MEMBERSHIP_FILE, ["group", "as_at", "members"], make_membership())
    print(f"Wrote {OUT / EVENTS_FILE} and {OUT / MEMBERSHIP_FILE}")


if __name__ == "__main__":
    main()
