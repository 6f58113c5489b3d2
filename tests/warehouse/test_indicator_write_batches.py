"""`write_tables` (what the refresh writes) gives the tables `compute` gives, also when the
lineage is written in many small batches (at national scale one batch holds at most
BATCH_BYTES of row ranges; the shipped data fits in one, so the batching is forced here)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from warehouse import catalogue, indicators

pytestmark = pytest.mark.slow


def test_write_tables_in_small_batches_gives_the_computed_tables(shipped_edition, tmp_path,
                                                                 monkeypatch):
    copy = tmp_path / "carers.duckdb"
    shutil.copy(shipped_edition["warehouse"], copy)
    con = duckdb.connect(str(copy))
    cat = catalogue.load()
    values, lineage, missing = indicators.compute(con, cat)
    sizes = [len(s or "") + 100 for s in values["source"]]
    monkeypatch.setattr(indicators, "BATCH_BYTES", 2_000)
    assert len(indicators._batches(sizes)) > 50  # many batches, not one
    written, lineage_rows, written_missing = indicators.write_tables(
        con, cat, "main.values_out", "main.lineage_out")
    assert written_missing == missing and len(written) == len(values)
    assert lineage_rows == len(lineage) > 1_000
    keys = ", ".join(indicators.KEY)
    got = con.execute(f"select {keys}, source from main.values_out").fetchall()
    assert got == list(values[[*indicators.KEY, "source"]].astype(object)
                       .where(values[[*indicators.KEY, "source"]].notna(), None)
                       .itertuples(index=False, name=None))
    got_lineage = con.execute("select * from main.lineage_out").fetchall()
    assert got_lineage == list(lineage.itertuples(index=False, name=None))
