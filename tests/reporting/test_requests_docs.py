"""The ten worked requests in docs/requests.md, run exactly as written (the commands are read
out of the page, so the page and the test cannot drift) on the edition published by the
session's one real `carers refresh` of the shipped data (tests/conftest.py), with the figures
the page quotes checked. The expected
figures were counted from the shipped source files (sources/data/examples, the census TS039
table), not from this code."""

from __future__ import annotations

import io
import re
import shlex

import pandas as pd
import pytest

from assets.resources import PROJECT_ROOT
from pipelines.cli import main

pytestmark = pytest.mark.slow
DOC = PROJECT_ROOT / "docs" / "requests.md"


def worked_requests() -> list[tuple[str, str]]:
    """(heading, command) for each worked request, in order."""
    section = DOC.read_text().split("## Worked requests", 1)[1]
    found = re.findall(r"^### (\d+\. .+?)\n\n```sh\n(uv run carers request .+?)\n```",
                       section, re.MULTILINE | re.DOTALL)
    return [(heading, command) for heading, command in found]


def table(markdown: str, title_id: str) -> list[list[str]]:
    """The rows of one indicator's table in a Markdown answer, as cells."""
    part = markdown.split(f"(`{title_id}`)", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in part.splitlines() if line.startswith("| ") and "---" not in line
            and not line.startswith("| area ")]


def cells(rows: list[list[str]], *columns: int) -> list[tuple[str, ...]]:
    return [tuple(r[c] for c in columns) for r in rows]


# Columns of a Markdown table without comparators: 0 area, 1 period, 2 breakdown, 3 value,
# 4 unit, 5-6 95% limits, 7-8 99.8% limits, 9 numerator, 10 denominator, 11 symbol, 12 refs.
def check_1(out: str, folder) -> None:
    rows = table(out, "young_carers_identified")
    assert cells(rows, 0, 1, 3) == [
        ("Rotherham", "2022/23", "20"), ("Rotherham", "2024/25", "82"),
        ("England", "2022/23", "38983"), ("England", "2023/24", "53976")]
    assert all(re.fullmatch(r"S\d+ N\d+", r[12]) for r in rows)  # each row cites source, note


def check_2(out: str, folder) -> None:
    share = table(out, "young_carers_referrals_from_schools_pct")
    assert cells(share, 1, 3, 9, 10) == [
        ("2023", "34.21", "13", "38"), ("2024", "45.65", "21", "46"),
        ("2025", "30.19", "16", "53")]
    counts = table(out, "young_carers_referrals")
    assert cells(counts, 1, 2, 3) == [("2023", "all", "38"), ("2023", "school", "13"),
                                      ("2024", "all", "46"), ("2024", "school", "21"),
                                      ("2025", "all", "53"), ("2025", "school", "16")]


def check_3(out: str, folder) -> None:
    answer = pd.read_csv(folder / "referrals-latest.csv", comment="#", dtype=str)
    assert set(answer.period) == {"2025"}
    assert dict(zip(answer.breakdown, answer.value, strict=True)) == {
        "all": "53", "school": "16", "parent": "10", "social_care": "8",
        "voluntary_sector": "6", "other": "5", "health": "[c]", "self": "[c]"}
    text = (folder / "referrals-latest.csv").read_text()
    assert "# Read: Period 'latest' read as: latest: young_carers_referrals 2025." in text
    assert "# [c] confidential" in text


def check_4(out: str, folder) -> None:
    assert "Period '2024' read as: financial year 2024/25 (April 2024 to March 2025)." in out
    assert cells(table(out, "carer_assessments_completed"), 1, 3, 9, 10) == [
        ("2024/25", "63", "63", "[z]")]
    assert cells(table(out, "carer_assessment_wait_days_median"), 3, 9, 10) == [
        ("15.5", "[z]", "60")]
    assert cells(table(out, "carer_assessment_wait_days_p90"), 3) == [("46.1",)]
    assert cells(table(out, "carer_assessments_waiting_at_period_end"), 3, 11) == [("[c]", "[c]")]


def check_5(out: str, folder) -> None:
    assert cells(table(out, "young_carers_referral_to_assessment_days"), 1, 3, 9) == [
        ("2023", "28", "[z]"), ("2024", "27", "[z]"), ("2025", "22", "[z]")]


def check_6(out: str, folder) -> None:
    answer = pd.read_csv(folder / "small-grants.csv", comment="#", dtype=str)
    value = {(i, b): v for i, b, v in zip(answer.indicator_id, answer.breakdown, answer.value,
                                          strict=True)}
    assert value[("small_grants_applications", "all")] == "22"
    assert value[("small_grants_applications", "awarded")] == "19"
    assert value[("small_grants_applications", "declined")] == "3"
    assert value[("small_grants_amount_awarded_gbp", "all")] == "45500"
    assert value[("small_grants_amount_requested_gbp", "all")] == "52000"
    assert value[("small_grants_organisations_funded", "all")] == "19"
    assert value[("small_grants_organisations_funded", "dementia")] == "4"
    assert value[("small_grants_beneficiaries", "all")] == "830"
    assert set(answer.period) == {"2022/23"}


def check_7(out: str, folder) -> None:
    assert cells(table(out, "carers_week_events"), 1, 3) == [
        ("2022/23", "7"), ("2023/24", "9"), ("2024/25", "9"), ("2025/26", "11")]
    attendance = [r for r in table(out, "event_attendance_total") if r[2] == "carers_week"]
    assert cells(attendance, 1, 3) == [("2022/23", "228"), ("2023/24", "309"),
                                       ("2024/25", "390"), ("2025/26", "391")]
    assert cells(table(out, "carers_rights_day_events"), 1, 3) == [
        ("2022/23", "1"), ("2023/24", "1"), ("2024/25", "1")]


def check_8(out: str, folder) -> None:
    assert cells(table(out, "newsletter_subscribers"), 3) == [("132",)]
    assert cells(table(out, "newsletter_editions"), 3) == [("6",)]
    assert cells(table(out, "newsletter_open_rate"), 3, 9, 10) == [("55.99", "313", "559")]
    assert cells(table(out, "web_users_monthly_mean"), 3) == [("375",)]
    assert cells(table(out, "web_page_views_monthly_mean"), 3) == [("890",)]


def check_9(out: str, folder) -> None:
    # With --compare england: ... 9 numerator, 10 denominator, 11 england_value, 12 compared.
    rows = table(out, "census_unpaid_care_pct")
    assert [r[0] for r in rows] == ["Yorkshire and The Humber", "England", "Barnsley",
                                    "Doncaster", "Rotherham", "Sheffield"]
    rotherham = next(r for r in rows if r[0] == "Rotherham")
    assert (rotherham[3], rotherham[9], rotherham[10], rotherham[11], rotherham[12]) == (
        "10.48", "26313", "251162", "8.76", "higher")  # TS039: 10971 + 6030 + 9312 carers


def check_10(out: str, folder) -> None:
    answer = pd.read_csv(folder / "50-hours-region.csv", comment="#")
    assert len(answer) == 21 and set(answer.period.astype(str)) == {"2021"}
    top = answer.sort_values("value", ascending=False).iloc[:2]
    assert top.area.tolist() == ["Rotherham", "Barnsley"]
    rotherham = answer[answer.area == "Rotherham"].iloc[0]
    assert (rotherham.value, rotherham.numerator, rotherham.denominator) == (3.71, 9312, 251162)


CHECKS = [check_1, check_2, check_3, check_4, check_5, check_6, check_7, check_8, check_9,
          check_10]


def test_the_page_has_ten_worked_requests():
    found = worked_requests()
    assert [h.split(".")[0] for h, _ in found] == [str(n) for n in range(1, 11)]


@pytest.mark.parametrize("number", range(1, 11))
def test_worked_request_runs_as_written(number, shipped_env, tmp_path, capsys):
    heading, command = worked_requests()[number - 1]
    argv = shlex.split(command)
    assert argv[:4] == ["uv", "run", "carers", "request"]
    code = main(argv[3:])  # what `uv run carers` passes to main
    captured = capsys.readouterr()
    assert code == 0, (heading, captured.err)
    CHECKS[number - 1](captured.out, tmp_path)
    if "--out" not in argv:
        assert "## Symbols" in captured.out and "- **Edition**:" in captured.out
    else:
        assert io.StringIO(captured.err).readline().startswith("Wrote ")
