"""claims.yaml, its validation, and the reconciliation of published claims against an edition."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reporting import claims
from tests.builders import facts_edition

# Every figure printed on page 6 ("Facts about carers") of the 2026-31 strategy, as printed.
PAGE_6 = ["266,000", "26,313", "10.48 %", "60%", "30.8%", "45,627", "82", "44%", "34", "3.2%",
          "51%", "12%", "46.6%", "40.4%", "15.2%", "3%"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def edition(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(facts_edition.build(tmp_path / "edition")), read_only=True)
    yield con
    con.close()


def test_the_shipped_claims_cover_every_figure_on_page_6():
    loaded = claims.load()
    page_6 = [c for c in loaded if "2026-31, page 6" in c.document]
    assert sorted(c.text for c in page_6) == sorted(PAGE_6)
    assert len({c.id for c in loaded}) == len(loaded)
    for claim in loaded:  # each is either checked with a tolerance or says why it cannot be
        assert (claim.check and claim.tolerance is not None) or claim.no_source


@pytest.mark.parametrize(("entry", "message"), [
    ("check: {indicator: no_such_indicator, area: E08000018, period: CD2021}\n  tolerance: 0",
     "unknown indicator id 'no_such_indicator'"),
    ("check: {indicator: census_unpaid_care_pct, area: E08000018, period: CD2021}",
     "needs `tolerance`"),
    ("no_source: not held\n  check: {indicator: census_unpaid_care_pct, area: E08000018, "
     "period: CD2021}\n  tolerance: 0", "not both or neither"),
    ("check: {indicator: census_unpaid_care_pct, area: E08000018, period: CD2021, "
     "field: ratio}\n  tolerance: 0", "field 'ratio'"),
])
def test_a_bad_claim_is_refused_naming_the_claim(tmp_path, entry, message):
    path = write(tmp_path, "claims:\n- id: bad_one\n  document: d\n  quote: q\n  figure: 1\n"
                           f"  text: '1'\n  unit: people\n  {entry}\n")
    with pytest.raises(claims.ClaimsError) as caught:
        claims.load(path, indicator_ids={"census_unpaid_care_pct"})
    assert "claim 'bad_one'" in str(caught.value)
    assert message in str(caught.value)


def test_a_figure_written_with_commas_is_refused(tmp_path):
    path = write(tmp_path, "claims:\n- id: commas\n  document: d\n  quote: q\n"
                           "  figure: '26,313'\n  text: '26,313'\n  unit: people\n"
                           "  no_source: x\n")
    with pytest.raises(claims.ClaimsError, match="claim 'commas': figure '26,313' is not"):
        claims.load(path, indicator_ids=set())


def test_reconciliation_statuses_on_the_shipped_claims(edition):
    table = claims.reconcile(edition).set_index("claim_id")
    assert len(table) == len(claims.load())
    residents = table.loc["p6_residents"]
    assert (residents.status, residents.our_figure) == ("matches an independent source", 265806)
    assert residents.source_file == facts_edition.TS007[0]
    assert residents.source_sha256 == facts_edition.TS007[1]
    assert table.loc["p6_carers", "status"] == "matches an independent source"
    pct = table.loc["p6_carers_pct"]
    assert pct.status == "matches an independent source"
    # Computed from the data, not written: the 5+ base, and the share of all residents.
    assert "251,162 residents aged 5 and over" in pct.explanation
    assert "9.90%" in pct.explanation  # 26,313 / 265,806
    pupils = table.loc["p6_pupils"]
    # held for another period, and named by that period's id and label (issue 20)
    assert (pupils.status, pupils.period_id, pupils.period_label) \
        == ("held for another period", "AY2022", "2022/23")
    assert "2022/23" in pupils.explanation and pupils.our_figure == 45627
    # 82 agrees, but the only source for it quotes the strategy: circular, not a match
    young = table.loc["p6_young_carers"]
    assert young.status == "circular"
    assert "cites the All-age carers strategy 2026-31" in young.explanation
    # Not in this edition at all: reported, never a crash.
    one_to_one = table.loc["p6_one_to_one"]
    assert one_to_one.status == "no source held"
    assert "no source held yet" in one_to_one.explanation
    assert table.loc["p6_married", "status"] == "no source held"
    assert table.loc["f2022_carers_2011", "status"] == "matches an independent source"
    assert table.loc["f2022_carers_2021_projection", "status"] == "differs"
    projected = table.loc["f2022_carers_2021_projection_pct"]
    assert projected.status == "differs"
    # like for like: "of people living in Rotherham" is all residents: 26,313 / 265,806
    assert projected.our_text == "9.90%"
    assert "a difference of -2.10 percentage points" in projected.explanation


def test_a_figure_that_differs_is_reported_with_the_difference(tmp_path):
    values = facts_edition.rows()
    values[0] = {**values[0], "numerator": 26000}  # not the published 26,313
    con = duckdb.connect(str(facts_edition.build(tmp_path / "e", values)), read_only=True)
    row = claims.reconcile(con).set_index("claim_id").loc["p6_carers"]
    assert row.status == "differs"
    assert row.our_figure == 26000
    assert "a difference of -313" in row.explanation


def test_a_suppressed_value_is_not_a_match(tmp_path):
    values = facts_edition.rows()
    values[11] = {**values[11], "value": None, "numerator": None, "symbol": "[c]"}
    con = duckdb.connect(str(facts_edition.build(tmp_path / "e", values)), read_only=True)
    row = claims.reconcile(con).set_index("claim_id").loc["p6_young_carers"]
    assert row.status == "no source held"
    assert "[c]" in row.explanation


def test_an_edition_without_indicator_tables_reports_no_source(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    table = claims.reconcile(con)
    assert set(table.status) == {"no source held"}


def query_claim(query: str, **extra) -> claims.Claim:
    return claims.Claim(id="by_query", document="d", quote="q", figure=265806, text="265,806",
                        unit="people", check={"query": query}, tolerance=0, **extra)


def test_a_query_check_and_its_failures(edition):
    good = query_claim("select value, 'f.csv' as source_file from indicator_values "
                       "where indicator_id = 'census_population' and breakdown = 'all'")
    row = claims.reconcile(edition, [good]).iloc[0]
    assert (row.status, row.our_figure, row.source_file) \
        == ("matches an independent source", 265806, "f.csv")
    absent = query_claim("select value from a_table_not_published")
    assert claims.reconcile(edition, [absent]).iloc[0].status == "no source held"
    broken = query_claim("select no_such_column as value from indicator_values")
    with pytest.raises(claims.ClaimsError, match="claim 'by_query': its check query failed"):
        claims.reconcile(edition, [broken])
    bad_explain = query_claim(good.check["query"], explain="select nope as text from indicators")
    with pytest.raises(claims.ClaimsError, match="claim 'by_query': its `explain` query"):
        claims.reconcile(edition, [bad_explain])


def test_the_claims_the_issue_named_are_reconciled_like_for_like(edition):
    table = claims.reconcile(edition).set_index("claim_id")
    over = table.loc["p4_over_26000"]  # strategy page 4
    assert (over.status, over.our_figure) == ("matches an independent source", 26313)
    ten = table.loc["cabinet_just_over_10pct"]  # all residents: just under 10%, not over
    assert (ten.status, ten.our_text) == ("differs", "9.90%")
    assert "not more than 10.00%" in ten.explanation
    increase = table.loc["f2022_increase_2pct"]  # 31,001 / 30,284 - 1 = 2.37%
    assert (increase.status, increase.our_text) == ("circular", "2.37%")
    assert "30,284" in increase.explanation
    for claim_id in ("cabinet_engagement_sessions", "cabinet_engagement_participants"):
        assert table.loc[claim_id, "status"] == "no source held"
    assert set(table.status) <= set(claims.STATUSES)


def test_a_figure_from_an_illustrative_example_return_is_not_a_match(edition):
    from sources.files import EXAMPLES_DIR, sha256_of

    sha = sha256_of(EXAMPLES_DIR / "council_events_2022-2025.csv")
    claim = query_claim("select value, 'council_events_2022-2025.csv' as source_file, "
                        f"'{sha}' as source_sha256 from indicator_values "
                        "where indicator_id = 'census_population' and breakdown = 'all'")
    row = claims.reconcile(edition, [claim]).iloc[0]
    assert row.status == "reproduced only from illustrative example data"
    assert "council_events_2022-2025.csv" in row.explanation
    other = query_claim("select value, 'x.csv' as source_file, 'ab' || 'cd' as source_sha256 "
                        "from indicator_values "
                        "where indicator_id = 'census_population' and breakdown = 'all'")
    assert claims.reconcile(edition, [other]).iloc[0].status == "matches an independent source"


def test_a_claim_declared_circular_says_why(edition):
    claim = query_claim("select value from indicator_values "
                        "where indicator_id = 'census_population' and breakdown = 'all'",
                        circular="the only source quotes the document")
    row = claims.reconcile(edition, [claim]).iloc[0]
    assert row.status == "circular" and "the only source quotes the document" in row.explanation
