"""Static national files parsed once and kept by sha256 under the warehouse folder."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from sources.cache import cached_read
from sources.files import SourceFile, sha256_of


def _source(path) -> SourceFile:
    return SourceFile(path, "lookup_test", "public", sha256_of(path))


def _reader(calls: list):
    def read(source: SourceFile) -> pd.DataFrame:
        calls.append(source.sha256)
        frame = pd.read_csv(source.path, dtype=str)
        if "bad" in frame.columns:
            raise ValueError("not the expected table")
        frame["n"] = frame["code"].str.len().astype("Int64")
        return frame
    return read


def test_a_file_is_parsed_once_and_the_cached_table_is_the_same(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("code,name\nE1,One\nE22,\n")
    calls: list = []
    cache = tmp_path / "cache"
    first = cached_read(_reader(calls), _source(path), cache)
    second = cached_read(_reader(calls), _source(path), cache)
    assert len(calls) == 1
    assert isinstance(first, pd.DataFrame) and isinstance(second, pa.Table)
    assert second.equals(pa.Table.from_pandas(first, preserve_index=False))
    assert second.to_pandas().equals(first)
    assert len(list(cache.glob("*.parquet"))) == 1


def test_changed_content_is_parsed_again_and_replaces_the_entry(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("code,name\nE1,One\n")
    calls: list = []
    cache = tmp_path / "cache"
    cached_read(_reader(calls), _source(path), cache)
    path.write_text("code,name\nE1,One\nE2,Two\n")
    table = cached_read(_reader(calls), _source(path), cache)
    assert len(calls) == 2
    assert len(table) == 2
    assert len(list(cache.glob("*.parquet"))) == 1


def test_a_file_that_fails_is_never_cached(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("bad,name\nE1,One\n")
    calls: list = []
    cache = tmp_path / "cache"
    for _ in range(2):
        with pytest.raises(ValueError, match="not the expected table"):
            cached_read(_reader(calls), _source(path), cache)
    assert len(calls) == 2
    assert not list(cache.glob("*.parquet")) if cache.exists() else True


def test_no_cache_folder_always_parses(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("code,name\nE1,One\n")
    calls: list = []
    for _ in range(2):
        assert isinstance(cached_read(_reader(calls), _source(path), None), pd.DataFrame)
    assert len(calls) == 2
