"""The one neutraliser of spreadsheet text (OWASP CSV injection)."""

from __future__ import annotations

import pandas as pd
import pytest

from sources.safe_text import neutralise, neutralise_frame, neutralise_rows


@pytest.mark.parametrize(("value", "safe"), [
    ("=cmd|' -c calc'!A0", "'=cmd|' -c calc'!A0"), ("+1+2", "'+1+2"), ("-2+3+cmd", "'-2+3+cmd"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-", "'-"),
    ("-3", "-3"), ("+44", "+44"), ("-1.5", "-1.5"), ("abc", "abc"), ("a=b", "a=b"), ("", ""),
    (12, 12), (None, None), (-3.5, -3.5),
])
def test_neutralise(value, safe):
    assert neutralise(value) == safe


def test_frames_and_rows():
    frame = pd.DataFrame({"file": ["=x.csv", "y.csv"], "n": [1, 2], "=h": ["a", "@b"]})
    out = neutralise_frame(frame)
    assert out.to_dict("list") == {"file": ["'=x.csv", "y.csv"], "n": [1, 2],
                                   "'=h": ["a", "'@b"]}
    assert frame["file"].tolist() == ["=x.csv", "y.csv"]  # the caller's frame is untouched
    assert neutralise_rows([["=1", 2]]) == [["'=1", 2]]
