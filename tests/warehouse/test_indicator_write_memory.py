"""`write_tables` given the connection's memory limit writes its batches under WRITE_MEMORY
(the 10m refresh's peak was set here), restores the limit after, and a batch that runs out
of memory under the lower limit runs again under the caller's: the tables are the same."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from warehouse import catalogue, indicators

pytestmark = pytest.mark.slow


class Recording:
    """A connection that records each statement's memory limit and out-of-memory errors."""

    def __init__(self, con: duckdb.DuckDBPyConnection, fail_first_insert: bool = False) -> None:
        self.con, self.limits, self.fail = con, [], fail_first_insert

    def execute(self, sql, *args, **kwargs):
        if str(sql).startswith("insert into"):
            self.limits.append(self.con.execute(
                "select current_setting('memory_limit')").fetchall()[0][0])
            if self.fail:  # as DuckDB fails a statement that needs more than the limit
                self.fail = False
                raise duckdb.OutOfMemoryException("Out of Memory Error: planted")
        return self.con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.con, name)


def _tables(con, suffix):
    return (con.execute(f"select * from main.values_{suffix}").fetchall(),
            con.execute(f"select * from main.lineage_{suffix}").fetchall())


@pytest.fixture
def warehouse(shipped_edition, tmp_path):
    copy = tmp_path / "carers.duckdb"
    shutil.copy(shipped_edition["warehouse"], copy)
    con = duckdb.connect(str(copy))
    con.execute("set memory_limit = '1GB'")
    yield con
    con.close()


def test_batches_run_under_the_write_limit_and_the_callers_limit_is_restored(warehouse,
                                                                              monkeypatch):
    cat = catalogue.load()
    indicators.write_tables(warehouse, cat, "main.values_plain", "main.lineage_plain")
    monkeypatch.setattr(indicators, "BATCH_BYTES", 20_000)  # several batches
    recording = Recording(warehouse)
    indicators.write_tables(recording, cat, "main.values_low", "main.lineage_low",
                            memory="1GB")
    assert len(recording.limits) > 4
    assert set(recording.limits) == {"667.5 MiB"}  # 700MB
    assert warehouse.execute("select current_setting('memory_limit')").fetchall() == [
        ("953.6 MiB",)]  # 1GB, the caller's
    assert _tables(warehouse, "low") == _tables(warehouse, "plain")


def test_a_limit_lower_than_the_write_limit_is_kept(warehouse):
    recording = Recording(warehouse)
    warehouse.execute("set memory_limit = '600MB'")
    indicators.write_tables(recording, catalogue.load(), "main.values_low", "main.lineage_low",
                            memory="600MB")
    assert set(recording.limits) == {"572.2 MiB"}  # 600MB: never raised to 700MB


def test_a_batch_out_of_memory_runs_again_under_the_callers_limit(warehouse, monkeypatch):
    cat = catalogue.load()
    indicators.write_tables(warehouse, cat, "main.values_plain", "main.lineage_plain")
    monkeypatch.setattr(indicators, "BATCH_BYTES", 20_000)  # several batches
    recording = Recording(warehouse, fail_first_insert=True)
    indicators.write_tables(recording, cat, "main.values_low", "main.lineage_low",
                            memory="1GB")
    # The first batch failed under 700MB and ran again, as every later one, under 1GB.
    assert recording.limits[0] == "667.5 MiB" and len(recording.limits) > 5
    assert set(recording.limits[1:]) == {"953.6 MiB"}
    assert _tables(warehouse, "low") == _tables(warehouse, "plain")
