"""Charts reused while their data and code are unchanged: byte-identical to a fresh drawing."""

from __future__ import annotations

import pandas as pd

from reporting.figure_cache import cached_chart, digest


def test_a_chart_is_drawn_once_per_key_and_reused_byte_for_byte(tmp_path):
    drawn = []

    def draw():
        drawn.append(1)
        return b"\x89PNG fake", {"title": "T", "path": "x.png"}

    first = cached_chart(tmp_path, "trends", "k1", draw)
    second = cached_chart(tmp_path, "trends", "k1", draw)
    assert first == second == (b"\x89PNG fake", {"title": "T", "path": "x.png"})
    assert len(drawn) == 1
    cached_chart(tmp_path, "trends", "k2", draw)
    assert len(drawn) == 2


def test_no_chart_is_remembered_too(tmp_path):
    drawn = []

    def draw():
        drawn.append(1)

    assert cached_chart(tmp_path, "districts", "k", draw) is None
    assert cached_chart(tmp_path, "districts", "k", draw) is None
    assert len(drawn) == 1


def test_without_a_folder_every_chart_is_drawn():
    drawn = []
    for _ in range(2):
        cached_chart(None, "x", "k", lambda: drawn.append(1) or (b"p", {}))
    assert len(drawn) == 2


def test_the_key_changes_with_any_value_type_or_column():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", None]})
    keys = {digest(frame), digest(frame.assign(a=[1.0, 2.5])),
            digest(frame.assign(a=[1, 2])), digest(frame.rename(columns={"b": "c"})),
            digest(frame.iloc[:1])}
    assert len(keys) == 5
    assert digest(frame) == digest(frame.copy())


def test_reused_facts_charts_equal_fresh_ones_and_are_not_redrawn(tmp_path, monkeypatch):
    import duckdb

    from reporting import charts as charts_module
    from tests.builders import facts_edition

    con = duckdb.connect(str(facts_edition.build(tmp_path / "edition")), read_only=True)
    fresh = charts_module.write_charts(con, tmp_path / "fresh")
    cache = tmp_path / "cache"
    first = charts_module.write_charts(con, tmp_path / "first", cache)
    saved = []
    monkeypatch.setattr(charts_module, "_save", lambda fig, path: saved.append(path))
    again = charts_module.write_charts(con, tmp_path / "again", cache)
    con.close()
    assert saved == []  # nothing drawn the second time
    assert len(fresh) == len(first) == len(again) == 4  # issue 20: the fixture supports 4
    for a, b, c in zip(fresh, first, again, strict=True):
        assert a["path"].read_bytes() == b["path"].read_bytes() == c["path"].read_bytes()
        assert ({k: v for k, v in a.items() if k != "path"}
                == {k: v for k, v in c.items() if k != "path"})
        assert c["path"].parent == tmp_path / "again"
