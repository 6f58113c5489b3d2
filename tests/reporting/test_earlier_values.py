"""Earlier editions as disclosure control reads them (reporting/editions.py earlier_values):
each distinct published table once, named after every edition that published it."""

from __future__ import annotations

import json

import pandas as pd

from reporting.editions import earlier_values


def _edition(root, name, frame, manifest=True):
    folder = root / name
    folder.mkdir()
    frame.to_parquet(folder / "indicator_values.parquet", index=False)
    if manifest:
        (folder / "manifest.json").write_text(json.dumps({"edition": name}))


def test_editions_with_the_same_file_are_read_once_and_named_together(tmp_path):
    a = pd.DataFrame({"indicator_id": ["x"], "area_code": ["E08000018"],
                      "period_id": ["FY2024"], "breakdown": ["all"], "numerator": [3.0]})
    b = a.assign(numerator=[5.0])
    _edition(tmp_path, "20260101T000000Z-aaaa", a)
    _edition(tmp_path, "20260102T000000Z-bbbb", b)
    _edition(tmp_path, "20260103T000000Z-cccc", a)
    _edition(tmp_path, "20260104T000000Z-dddd", b, manifest=False)  # not complete
    _edition(tmp_path, "20260105T000000Z-eeee", a.drop(columns=["numerator"]))  # no values
    frames = earlier_values(tmp_path)
    assert [f.attrs["edition"] for f in frames] == [
        "20260101T000000Z-aaaa, 20260103T000000Z-cccc", "20260102T000000Z-bbbb"]
    assert [f["numerator"].tolist() for f in frames] == [[3.0], [5.0]]
    assert earlier_values(tmp_path / "missing") == []
