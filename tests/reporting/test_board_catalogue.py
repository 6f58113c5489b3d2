"""The catalogue is complete and checked when loaded; the coverage table; targets."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from reporting import targets
from reporting.board import NOT_EVIDENCED, board_table, coverage_table
from warehouse import catalogue

# Ids other engineers map strategy claims to: each must evidence something when it exists.
KNOWN_IDS = ["census_unpaid_care_pct", "census_unpaid_care_50h_pct", "events_held",
             "young_carers_identified_per_1000", "newsletter_subscribers",
             "carer_assessments_completed", "ascof_1d_carer_quality_of_life",
             "lsoa_unpaid_care_pct"]


def _write(tmp_path, entries: list[dict]) -> catalogue.Catalogue:
    frame = yaml.safe_load(catalogue.CATALOGUE_PATH.read_text())
    frame["indicators"] = frame["indicators"][:1]
    (tmp_path / "catalogue.yaml").write_text(yaml.safe_dump(frame))
    folder = tmp_path / "catalogue.d"
    folder.mkdir(exist_ok=True)
    (folder / "mine.yaml").write_text(yaml.safe_dump({"indicators": entries}))
    return catalogue.parse(catalogue.read_documents(tmp_path / "catalogue.yaml", folder))


def _count(**changes) -> dict:
    entry = yaml.safe_load(catalogue.CATALOGUE_PATH.read_text())["indicators"][0]
    entry = {**entry, "id": "my_count", "value_type": "count", "unit": "people",
             "denominator": None, **changes}
    return {k: v for k, v in entry.items() if v != "DROP"}


def test_shipped_catalogue_is_complete():
    cat = catalogue.load()
    for ind in cat.indicators:
        assert ind.title and ind.definition and ind.rationale, ind.id
        assert ind.numerator.get("definition") and ind.numerator.get("source"), ind.id
        assert ind.caveats and ind.commitments, ind.id
        assert isinstance(ind.series_breaks, tuple), ind.id
        if ind.value_type in catalogue.NEEDS_DENOMINATOR:
            assert ind.denominator and ind.denominator.get("source"), ind.id


def test_a_count_may_say_it_has_no_denominator(tmp_path):
    cat = _write(tmp_path, [_count()])
    assert cat.get("my_count").denominator is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"denominator": "DROP"}, "needs a denominator"),
    ({"caveats": []}, "caveats must be a list of at least one"),
    ({"series_breaks": "DROP"}, "series_breaks must be a list"),
    ({"series_breaks": [{"period_id": "FY2020"}]}, "needs a period_id and a note"),
    ({"measures": ["AF9.9"]}, "unknown measure of success 'AF9.9'"),
    ({"commitments": ["C7"]}, "unknown commitment 'C7'"),
    ({"commitments": []}, "commitments"),
    ({"numerator": {"definition": "people"}}, "numerator needs a definition and a source"),
    ({"denominator": {"definition": "x"}}, "denominator needs a definition and a source"),
    ({"value_type": "percentage", "denominator": None}, "a percentage needs a denominator"),
])
def test_incomplete_entries_are_refused_naming_the_file_and_indicator(tmp_path, changes,
                                                                      message):
    with pytest.raises(catalogue.CatalogueError) as error:
        _write(tmp_path, [_count(**changes)])
    text = str(error.value)
    assert message in text
    assert "catalogue.d/mine.yaml" in text and "'my_count'" in text


def test_a_duplicate_id_names_both_files(tmp_path):
    with pytest.raises(catalogue.CatalogueError, match=r"used twice \(first in catalogue.yaml\)"):
        _write(tmp_path, [_count(id="census_unpaid_care_pct")])


def test_coverage_lists_every_commitment_and_measure():
    cat = catalogue.load()
    table = coverage_table(cat)
    assert list(table["code"]) == [*cat.commitments, *cat.measures]
    assert table["wording"].notna().all()
    for ind in cat.indicators:
        for code in (*ind.commitments, *ind.measures):
            row = table[table.code == code].iloc[0]
            assert ind.id in row["indicator_ids"].split("; ")
    for ind_id in KNOWN_IDS:
        if ind_id in {i.id for i in cat.indicators}:
            assert table["indicator_ids"].fillna("").str.contains(ind_id).any()


def test_coverage_says_what_is_not_evidenced(tmp_path):
    cat = _write(tmp_path, [_count(commitments=["C2"], measures=["AF2.2"])])
    with_data = pd.DataFrame({"indicator_id": ["census_unpaid_care_pct"]})
    table = coverage_table(cat, with_data).set_index("code")
    assert table.at["C1", "status"] == "evidenced"
    assert table.at["AF2.2", "status"].startswith(NOT_EVIDENCED)
    assert table.at["AF2.2", "indicator_ids"] == "my_count"
    assert table.at["AF3.2", "status"] == NOT_EVIDENCED
    assert pd.isna(table.at["AF3.2", "indicator_ids"])


def _targets(entries) -> list[targets.Target]:
    return targets.parse({"targets": entries}, catalogue.load())


GOOD = {"indicator_id": "newsletter_subscribers", "area_code": "E08000018",
        "period_id": "FY2024", "target": 150, "direction": "at_least", "set_by": "Group, 2025"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"indicator_id": "no_such"}, "'no_such' is not in the indicator catalogue"),
    ({"set_by": None}, "set_by is missing"),
    ({"direction": "more"}, "direction 'more' is not one of"),
    ({"target": "lots"}, "target 'lots' is not a number"),
    ({"colour": "red"}, "unknown field"),
])
def test_bad_targets_are_refused_naming_the_entry(changes, message):
    with pytest.raises(targets.TargetsError) as error:
        _targets([GOOD, {**GOOD, "period_id": "FY2025", **changes}])
    assert message in str(error.value)
    assert "target 2 (" in str(error.value)


def test_shipped_targets_file_is_valid():
    assert all(t.set_by for t in targets.load(catalogue.load()))


def test_target_status():
    at_least = _targets([GOOD])[0]
    assert (at_least.status(150), at_least.status(132), at_least.status(None)) == \
        (targets.MET, targets.NOT_MET, targets.NO_DATA)
    at_most = _targets([{**GOOD, "direction": "at_most"}])[0]
    assert (at_most.status(100), at_most.status(151)) == (targets.MET, targets.NOT_MET)


def _values(rows) -> pd.DataFrame:
    base = {"area_code": "E08000018", "area_name": "Rotherham", "breakdown": "all",
            "symbol": None, "note": None, "lower_ci": None, "upper_ci": None,
            "england_value": None, "england_comparison": None, "region_value": None,
            "region_comparison": None, "previous_period_id": None, "previous_value": None,
            "change": None, "direction": None}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_board_table_latest_previous_change_direction_and_target():
    cat = catalogue.load()
    values = _values([
        {"indicator_id": "newsletter_subscribers", "period_id": "FY2023",
         "period_label": "2023/24", "value": 100.0},
        {"indicator_id": "newsletter_subscribers", "period_id": "FY2024",
         "period_label": "2024/25", "value": 132.0, "previous_period_id": "FY2023",
         "previous_value": 100.0, "change": 32.0, "direction": "improving"},
        {"indicator_id": "newsletter_subscribers", "period_id": "FY2024",
         "period_label": "2024/25", "value": 5.0, "breakdown": "web"},
    ])
    agreed = _targets([GOOD, {**GOOD, "indicator_id": "newsletter_editions",
                              "period_id": "FY2025", "target": 6}])
    board = board_table(values, cat, agreed).set_index("indicator_id")
    assert len(board) == len(cat.indicators)
    row = board.loc["newsletter_subscribers"]
    assert (row.period_id, row.value, row.previous_period_id, row.previous_value,
            row.previous_period_label, row.change, row.direction) == \
        ("FY2024", 132.0, "FY2023", 100.0, "2023/24", 32.0, "improving")
    assert (row.target, row.target_status) == (150, targets.NOT_MET)
    editions = board.loc["newsletter_editions"]
    assert editions.symbol == "[x]" and editions.target_status == targets.NO_DATA
    assert "2025/26" in editions.note
    assert board.loc["census_unpaid_care_pct", "target_status"] == targets.NO_TARGET
    # `until` keeps a later period out of an earlier year's table
    earlier = board_table(values, cat, agreed, until=pd.Timestamp("2024-03-31").date())
    early = earlier.set_index("indicator_id").loc["newsletter_subscribers"]
    assert early.period_id == "FY2023" and early.target_status == targets.NO_DATA
