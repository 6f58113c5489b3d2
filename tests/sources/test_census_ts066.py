"""Census 2021 TS066 (economic activity): recognised by name, read with lineage, Rotherham's
figures as ONS publishes them (values from the file's Rotherham row, checked against
../shared/data/census_profile/NOTES.md)."""

from __future__ import annotations

import pytest

from sources import census
from sources.errors import SourceError
from sources.files import PUBLIC_DIR, SourceFile, sha256_of
from sources.registry import kind_of, source_kind

SHIPPED = PUBLIC_DIR / "census_profile" / "census2021-ts066-economic-activity-ltla.csv"


def test_the_reader_declares_its_kind_and_the_registry_finds_it():
    assert kind_of(SHIPPED) == "census_ts066_ltla"
    assert source_kind("census_ts066_ltla").reader is census.read_ts066


def test_rotherham_row_as_published():
    frame = census.read_ts066(SourceFile(SHIPPED, "census_ts066_ltla", "public",
                                         sha256_of(SHIPPED)))
    assert len(frame) == 331
    row = frame.set_index("area_code").loc["E08000018"]
    assert (row.residents_16_plus, row.inactive, row.looking_after_home, row.long_term_sick) \
        == (215_571, 90_917, 11_483, 12_594)
    assert row._source_row == 259  # the file's line 259, counting the header as line 1


def test_a_file_missing_a_column_is_refused_naming_it(tmp_path):
    text = SHIPPED.read_text().replace("Economically inactive: Long-term sick or disabled",
                                       "Economically inactive: Sick")
    bad = tmp_path / "census2021-ts066-ltla.csv"
    bad.write_text(text)
    with pytest.raises(SourceError, match="Long-term sick or disabled"):
        census.read_ts066(SourceFile(bad, "census_ts066_ltla", "landing", sha256_of(bad)))
