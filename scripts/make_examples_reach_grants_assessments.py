"""Make the illustrative example returns for reach, grants and carers' assessments.

RECONSTRUCTIONS, NOT RECORDS. Each file is consistent with a figure the strategy documents
publish (../shared/strategy), and everything else is invented to be plausible:
- newsletter: "Six editions have been published, with a growing subscriber list of 132 to
  date" (achievements of the 2022-25 framework, strategy/001_0dd1fce85003a861.txt);
- web: "an average of 890 views and 375 users per month" (same passage);
- grants: "A total of 19 community organisations received funding, benefitting an estimated
  830 individuals" (same document), with the focuses it lists (dementia, head injuries,
  substance misuse, parent carers, minority communities);
- COVID carers grant 2020: "31 people had applied, 4 of which had not met the eligibility
  criteria", "this £50k grant", "the requests tend to be lower than £250" (Health Select
  Commission minutes, strategy/004_002ac873436c5e0b.txt);
- carer assessments and information requests: no published figure; wholly invented.

Run: uv run python scripts/make_examples_reach_grants_assessments.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sources" / "data" / "examples"


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (OUT / name).open("w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)


def newsletter() -> None:
    # Bi-monthly through 2024-25: six editions, list growing to 132.
    dates = ["2024-04-15", "2024-06-14", "2024-08-16", "2024-10-15", "2024-12-13", "2025-02-14"]
    subs = [58, 71, 86, 101, 117, 132]
    rows = []
    for i, (d, s) in enumerate(zip(dates, subs, strict=True), start=1):
        delivered = s - 1
        opens = round(delivered * (0.52 + 0.01 * i))
        clicks = round(delivered * (0.14 + 0.005 * i))
        rows.append([i, d, s, delivered, opens, clicks, 1 if i > 1 else 0, 150])
    write("council_newsletter_2024.csv", ["edition", "issue_date", "subscribers", "delivered",
                                          "unique_opens", "unique_clicks", "unsubscribes",
                                          "print_copies"], rows)


def web() -> None:
    # 2024-25, twelve months averaging exactly 890 page views and 375 users.
    views = [820, 845, 860, 870, 880, 890, 900, 905, 910, 920, 935, 945]
    users = [340, 350, 355, 365, 370, 375, 380, 385, 390, 390, 395, 405]
    assert sum(views) == 890 * 12 and sum(users) == 375 * 12
    months = [f"{2024 + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    write("council_web_2024.csv", ["month", "page_views", "users", "directory_views"],
          [[mo, v, u, round(v * 0.2)] for mo, v, u in zip(months, views, users, strict=True)])


def information_requests() -> None:
    rng = random.Random(5)
    months = [f"{2024 + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    rows = []
    for mo in months:
        for channel, base in (("web", 9), ("phone", 6), ("email", 4), ("in_person", 3)):
            rows.append([mo, channel, base + rng.randint(0, 4), rng.randint(0, 5)])
    write("council_information_requests_2024.csv",
          ["month", "channel", "pack_requests", "other_requests"], rows)


FOCUSES = ["dementia", "head_injury", "substance_misuse", "parent_carers", "minority_communities",
           "general"]


def grants() -> None:
    rng = random.Random(2022)
    awards, outcomes = [], []
    # Small grants: 19 organisations funded, 3 declined; beneficiaries sum to 830.
    beneficiaries = [44, 52, 38, 61, 29, 47, 55, 33, 40, 71, 36, 45, 50, 27, 48, 42, 39, 35, 38]
    assert sum(beneficiaries) == 830 and len(beneficiaries) == 19
    day = date(2022, 10, 3)
    for i in range(22):
        gid = f"SG22-{i + 1:03d}"
        awarded = i < 19
        requested = rng.choice([1500, 2000, 2500, 3000])
        awards.append([gid, "small_grants_2022", f"Community organisation {chr(65 + i)}",
                       "organisation", (day + timedelta(days=i * 2)).isoformat(),
                       "awarded" if awarded else "declined", requested,
                       requested if awarded else "", FOCUSES[i % len(FOCUSES)]])
        if awarded:
            b = beneficiaries[i]
            resp = max(5, b // 3)
            outcomes.append([gid, "2023-09-29", b, resp, round(resp * 0.6), round(resp * 0.7),
                             round(resp * 0.65), round(resp * 0.75), 1 if i % 3 == 0 else 0])
    # COVID carers grant 2020 (a £50k fund): 31 applications from carers, 4 ineligible;
    # requests mostly under £250.
    day = date(2020, 10, 5)
    for i in range(31):
        gid = f"CCG20-{i + 1:03d}"
        requested = rng.choice([120, 150, 180, 200, 220, 240, 249]) if i % 8 else 400
        decision = "ineligible" if i in (3, 11, 19, 27) else "awarded"
        awards.append([gid, "covid_carers_grant_2020", f"carer-ref-{i + 1:03d}", "individual",
                       (day + timedelta(days=i)).isoformat(), decision, requested,
                       requested if decision == "awarded" else "", "general"])
    write("council_grant_awards_2020-2023.csv",
          ["grant_id", "programme", "applicant", "applicant_type", "application_date",
           "decision", "amount_requested_gbp", "amount_awarded_gbp", "focus"], awards)
    write("council_grant_outcomes_2023.csv",
          ["grant_id", "return_date", "beneficiaries", "respondents", "improved_physical",
           "improved_social", "improved_mental", "improved_emotional", "case_studies"],
          outcomes)


def assessments() -> None:
    rng = random.Random(31)
    rows = []
    outcomes = ["support_plan", "direct_payment", "information_advice", "no_eligible_needs"]
    for fy, mean_wait in ((2023, 45), (2024, 28)):
        start = date(fy, 4, 1)
        for i in range(60):
            request = start + timedelta(days=rng.randint(0, 360))
            wait = max(3, int(rng.expovariate(1 / mean_wait)))
            done = request + timedelta(days=wait)
            if done > date(2025, 3, 31):
                rows.append([f"CA{fy}-{i:03d}", request.isoformat(), "", "pending", "", "",
                             rng.choice(["50-64", "65-74"])])
                continue
            outcome = outcomes[i % 4]
            need = rng.randint(1, 5) if outcome in ("support_plan", "direct_payment") else ""
            met = rng.randint(0, need) if need else ""
            rows.append([f"CA{fy}-{i:03d}", request.isoformat(), done.isoformat(), outcome,
                         need, met, rng.choice(["25-49", "50-64", "65-74", "75+"])])
    write("council_carer_assessments_2023-2024.csv",
          ["case_ref", "request_date", "completed_date", "outcome", "needs_identified",
           "needs_met", "carer_age_band"], rows)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    newsletter()
    web()
    information_requests()
    grants()
    assessments()
