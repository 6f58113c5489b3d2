"""The outsider against real editions: `carers refresh` on the shipped returns, then again with
one referral added (two editions one row apart), `carers publish` (workbook, facts page and
its CSVs, charts) and `carers request` in every format. Everything a member of the public
could get is read; nothing hidden may be recovered, no row of a return may be named, no
absolute path of the machine may appear; `--out` and `--edition` stay inside the boundary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.cli import main
from sources.files import EXAMPLES_DIR
from sources.returns.contract import RETURNS
from tests.builders import outsider
from tests.builders.env import copy_env, use_env
from warehouse.db import quote_identifier

pytestmark = pytest.mark.slow
ROTHERHAM = "E08000018"
YOUNG_CARERS = "council_young_carers_support_2023-2025.csv"


def _truth(warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql("select * from marts.indicator_values").to_arrow_table().to_pandas()
    finally:
        con.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory, shipped_edition):
    root = tmp_path_factory.mktemp("shipped")
    landing = root / "landing"
    shutil.copytree(EXAMPLES_DIR, landing)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        # The first edition is the session's `carers refresh` on the shipped returns (its
        # exit code is asserted there), copied with its warehouse and Dagster instance; the
        # second refresh reads this test's own copy of the returns, with one row added.
        paths = copy_env(shipped_edition, root / "project")
        paths["landing"] = landing
        use_env(mp, paths)
        first = (paths["publish"] / "latest").resolve()
        first_truth = _truth(paths["warehouse"])
        # one more young carer referred by "other" in 2024 (a hidden count of 2 becomes 3)
        path = landing / YOUNG_CARERS
        text = path.read_text()
        path.write_text(text.rstrip("\n") + "\nYC-9999,2024-06-03,other,,,,,11-15\n")
        second_code = main(["refresh"])
        second = (paths["publish"] / "latest").resolve()
        second_truth = _truth(paths["warehouse"])
        out = root / "out"
        out.mkdir()
        publish_code = main(["publish", "--year", "2024/25", "--out", str(out / "report")])
        requests = {}
        for fmt in ("csv", "md", "xlsx"):
            target = out / f"request.{fmt}"
            requests[fmt] = main(["request", "-i", "young_carers_referrals", "-i",
                                  "carer_assessments_waiting_at_period_end", "-i",
                                  "covid_grant_ineligible", "-i",
                                  "ascof_1c2b_carers_direct_payments", "--format", fmt,
                                  "--out", str(target)])
        yield {"codes": (second_code, publish_code), "requests": requests,
               "first": first, "second": second, "truths": [first_truth, second_truth],
               "paths": paths, "out": out, "root": root, "mp": mp}


def _values(edition: Path) -> pd.DataFrame:
    return pd.read_parquet(edition / "indicator_values.parquet")


def _people_files(world) -> set[str]:
    con = duckdb.connect(str(world["paths"]["warehouse"]), read_only=True)
    try:
        files = set()
        for kind in RETURNS:
            try:
                files |= {f for (f,) in con.execute(
                    "select distinct _source_file from "
                    f"{quote_identifier('raw.' + kind)}").fetchall()}
            except duckdb.CatalogException:
                continue
        return files
    finally:
        con.close()


def test_everything_was_published_and_answered(world):
    assert world["codes"] == (0, 0)
    assert set(world["requests"].values()) == {0}
    assert world["first"] != world["second"]


def test_the_manifest_reports_the_interval_audit(world):
    for edition, earlier in ((world["first"], 0), (world["second"], 1)):
        manifest = json.loads((edition / "manifest.json").read_text())
        report = manifest["disclosure"]
        assert report["passed"] is True and report["audit"]["passed"] is True
        assert report["protection_range"] == 5
        assert report["audit"]["narrowest_interval"] >= 5
        assert report["earlier_editions_compared"] == earlier
        assert manifest["warehouse"] == "carers.duckdb"


def test_no_row_of_a_return_is_named_anywhere(world):
    people = _people_files(world)
    assert YOUNG_CARERS in people
    for folder in (world["first"], world["second"], world["out"]):
        texts = outsider.every_text(folder)
        assert texts
        assert outsider.row_references(texts, people) == []
    lineage = pd.read_csv(world["second"] / "indicator_lineage.csv")
    public = lineage[~lineage.source_file.isin(people)]
    assert public.source_rows.notna().any()  # public sources keep their row references
    assert lineage[lineage.source_file.isin(people)].source_rows.isna().all()


def test_no_absolute_path_of_the_machine_in_a_published_file(world):
    for folder in (world["first"], world["second"], world["out"]):
        assert outsider.absolute_paths(outsider.every_text(folder)) == []


def test_the_outsider_recovers_nothing_from_one_edition(world):
    for edition, truth in zip((world["first"], world["second"]), world["truths"], strict=True):
        values = _values(edition)
        assert outsider.hidden_mask(values).sum() >= 14
        result = outsider.intervals([values])
        assert outsider.recovered(result, [truth]) == {}


def test_the_outsider_recovers_nothing_from_two_editions_one_row_apart(world):
    editions = [_values(world["first"]), _values(world["second"])]
    truths = world["truths"]
    # told exactly which cells did not change between the two, the outsider still fails
    result = outsider.intervals(editions, truths)
    assert outsider.recovered(result, truths, editions) == {}
    # and the referral added is in a cell that stays hidden
    second = editions[1]
    other = second[(second.indicator_id == "young_carers_referrals")
                   & (second.period_id == "CY2024") & (second.breakdown == "other")]
    assert outsider.hidden_mask(other).all()


def test_hidden_rows_carry_no_note_and_ranks_leave_no_gap(world):
    values = _values(world["second"])
    hidden = values[outsider.hidden_mask(values)]
    assert hidden["note"].isna().all()
    assert hidden[["numerator", "value", "lower_ci", "upper_ci", "council_rank"]
                  ].isna().all().all()
    assert outsider.rank_gaps(values) == []
    # a shown council's note states its rank among shown councils
    shown = values[(values.indicator_id == "ascof_1c2b_carers_direct_payments")
                   & values.council_rank.notna() & values.note.notna()]
    for note, rank, of in zip(shown.note, shown.council_rank, shown.council_rank_of,
                              strict=True):
        if "rank " in note:
            assert f"rank {int(rank)} of {int(of)} councils" in note


def test_no_caveat_or_rationale_states_a_count_of_people(world):
    indicators = pd.read_csv(world["second"] / "indicators.csv")
    people = indicators[indicators.disclosure == "people"]
    for text in [*people.caveats.fillna(""), *people.rationale.fillna("")]:
        assert outsider.counts_of_people_stated(text) == [], text


def test_the_shipped_hidden_cells_are_these(world):
    values = _values(world["first"])
    local = values[outsider.hidden_mask(values) & (values.area_code == ROTHERHAM)]
    cells = sorted(local[["indicator_id", "period_id", "breakdown"]].itertuples(
        index=False, name=None))
    assert cells == [
        ("ascof_1c2b_carers_direct_payments", "FY2020", "all"),
        ("carer_assessment_outcomes", "FY2024", "no_eligible_needs"),
        ("carer_assessment_outcomes", "FY2024", "pending"),
        ("carer_assessments_completed", "FY2023", "all"),
        ("carer_assessments_waiting_at_period_end", "FY2023", "all"),
        ("carer_assessments_waiting_at_period_end", "FY2024", "all"),
        ("covid_grant_amount_awarded_gbp", "FY2020", "all"),
        ("covid_grant_ineligible", "FY2020", "all"),
        ("covid_grant_requests_under_250_pct", "FY2020", "all"),
        ("young_carers_referrals", "CY2023", "other"),
        ("young_carers_referrals", "CY2023", "social_care"),
        ("young_carers_referrals", "CY2024", "health"),
        ("young_carers_referrals", "CY2024", "other"),
        ("young_carers_referrals", "CY2024", "self"),
        ("young_carers_referrals", "CY2024", "voluntary_sector"),
        ("young_carers_referrals", "CY2025", "health"),
        ("young_carers_referrals", "CY2025", "self"),
    ]


def test_request_outputs_show_c_and_no_rows(world):
    out = world["out"]
    csv = pd.read_csv(out / "request.csv", comment="#")
    hidden = csv[csv.symbol.fillna("").str.contains("[c]", regex=False)]
    assert not hidden.empty and set(hidden.value) == {"[c]"}
    md = (out / "request.md").read_text()
    assert "[c]" in md
    texts = outsider.every_text(out)
    assert "request.xlsx" in texts and "[c]" in texts["request.xlsx"]
    # rows are named for the public ASCOF file only, never for a return
    assert "rows " in md
    people = _people_files(world)
    assert outsider.row_references({"request.md": md}, people) == []


def test_out_cannot_touch_the_warehouse_or_an_edition(world, capsys):
    paths = world["paths"]
    publish, warehouse = paths["publish"], paths["warehouse"]
    args = ["request", "-i", "young_carers_referrals", "--format", "csv", "--out"]
    before = warehouse.read_bytes()[:4096]
    for target in (warehouse, warehouse.parent / "x.csv",
                   world["second"] / "indicator_values.csv", publish / "x.csv"):
        assert main([*args, str(target)]) == 2
        assert "inside the" in capsys.readouterr().err
    assert warehouse.read_bytes()[:4096] == before
    # an existing file needs --force; a missing folder is named
    existing = world["out"] / "request.csv"
    assert main([*args, str(existing)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main([*args, str(existing), "--force"]) == 0
    assert main([*args, str(world["out"] / "nowhere" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_edition_accepts_only_editions_under_the_publish_folder(world, capsys):
    args = ["request", "-i", "young_carers_referrals", "--format", "md", "--edition"]
    for edition in ("../warehouse", str(world["first"]), "/etc", "."):
        assert main([*args, edition]) == 2
        assert "edition" in capsys.readouterr().err.lower()
    assert main([*args, world["first"].name]) == 0
