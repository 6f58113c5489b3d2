"""Reading a return's text at its edges (kills mutants of sources/returns/text.py that survived
tests/sources/test_returns_text.py; see docs/testing.md). Expected answers worked by hand."""

from __future__ import annotations

import codecs
import dataclasses

import pytest

from sources.returns.text import (
    DELIMITERS,
    TextProblem,
    decode,
    delimiter_counts,
    likely_delimiter,
    line_of,
    rows_of,
)


def test_rows_stop_at_the_limit():
    text = "a,b\n1,2\n3,4\n5,6\n"
    assert rows_of(text, ",", limit=2) == [["a", "b"], ["1", "2"]]
    assert rows_of(text, ",", limit=1) == [["a", "b"]]
    assert len(rows_of(text, ",")) == 4
    assert len(rows_of(text, ",", limit=10)) == 4


def test_line_of_a_byte():
    data = b"\nab\ncd"
    assert [line_of(data, i) for i in (0, 1, 3, 4)] == [1, 2, 2, 3]


def test_a_tie_between_delimiters_goes_to_the_first_listed():
    first, second = DELIMITERS[0], DELIMITERS[1]
    text = f"a{first}b{second}c\n"
    assert likely_delimiter(text) == first
    assert likely_delimiter(f"a{second}b{first}c\n") == first
    assert likely_delimiter("no delimiter here\n") == ","


def test_delimiters_are_counted_in_the_first_50_lines_only():
    text = "a;b\n" * 50 + "c,d,e,f\n" * 200
    assert delimiter_counts(text)[";"] == 50 and delimiter_counts(text)[","] == 0
    text = "a;b\n" * 49 + "c,d\n"
    assert delimiter_counts(text)[","] == 1


def test_damaged_utf16_is_refused_naming_its_line():
    data = codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le") + b"\x00\xd8"
    with pytest.raises(TextProblem) as caught:
        decode(data)
    assert "UTF-16" in caught.value.rule and caught.value.line == 3


def test_decoded_text_cannot_change():
    decoded = decode(b"a,b\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        decoded.text = "x"  # type: ignore[misc]
