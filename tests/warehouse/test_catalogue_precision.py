"""Every shipped indicator declares the precision it is published to (issue 20), and a bad
declaration is an error naming the indicator and the fix."""

from __future__ import annotations

import pytest

from warehouse import catalogue


def test_every_shipped_indicator_declares_its_decimals():
    document = catalogue.read_documents()
    missing = [i["id"] for i in document["indicators"] if "decimals" not in i]
    assert missing == []
    loaded = {i.id: i for i in catalogue.load().indicators}
    assert loaded["census_unpaid_care_pct"].places == 2  # 10.48%, as the census shows it
    assert loaded["ascof_1d_carer_quality_of_life"].places == 1  # 7.7 out of 12
    assert loaded["newsletter_subscribers"].places == 0


def test_a_bad_decimals_is_named(tmp_path):
    document = catalogue.read_documents()
    first = dict(document["indicators"][0])
    first["decimals"] = 1.5
    bad = {**document, "indicators": [first, *document["indicators"][1:]]}
    with pytest.raises(catalogue.CatalogueError,
                       match=rf"indicator '{first['id']}': decimals 1.5 must be a whole "):
        catalogue.parse(bad)
