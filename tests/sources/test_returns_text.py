"""Bytes to text and rows, per file (sources/returns/text.py): encodings, delimiters, damage."""

from __future__ import annotations

import codecs

import pytest

from sources.returns.text import (
    BAD_BYTE,
    TextProblem,
    decode,
    likely_delimiter,
    line_of,
    rows_of,
)


def test_utf8_with_and_without_bom():
    assert decode("Café\n".encode()) == decode("Café\n".encode())
    plain = decode("Café\n".encode())
    assert (plain.text, plain.encoding, plain.mixed) == ("Café\n", "UTF-8", False)
    bom = decode(codecs.BOM_UTF8 + "Café\n".encode())
    assert (bom.text, bom.encoding) == ("Café\n", "UTF-8 with BOM")


def test_utf16_with_either_byte_order_mark():
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        decoded = decode(bom + "a\tCafé\r\n".encode(codec))
        assert (decoded.text, decoded.encoding) == ("a\tCafé\r\n", "UTF-16")


def test_windows_1252_when_no_byte_is_utf8():
    decoded = decode("Café £5 – ok\n".encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.mixed) == ("Café £5 – ok\n",
                                                              "Windows-1252", False)


def test_utf8_with_one_stray_windows_1252_byte_stays_utf8_and_marks_the_byte():
    data = "Café\n".encode() + "Café\n".encode("cp1252") + b"ok\n"
    decoded = decode(data)
    assert decoded.encoding == "UTF-8" and decoded.mixed
    assert decoded.text == f"Café\nCaf{BAD_BYTE}\nok\n"  # never 'CafÃ©'


@pytest.mark.parametrize(("data", "rule_starts", "line"), [
    (b"", "the file is empty (0 bytes)", None),
    (b"PK\x03\x04rest", "the file is a zip or Excel workbook", None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "the file is an old-format Excel", None),
    (b"a,b\nc,\x00d\n", "the file holds NUL bytes", 2),
    (b"a,b\nc\x81,d\n", "the file is neither UTF-8 nor Windows-1252", 2),
])
def test_what_is_not_text_is_refused_by_name(data, rule_starts, line):
    with pytest.raises(TextProblem) as caught:
        decode(data)
    assert caught.value.rule.startswith(rule_starts)
    assert caught.value.line == line


def test_line_of_a_byte():
    assert [line_of(b"a\nb\nc", i) for i in (0, 2, 4)] == [1, 2, 3]


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a,b,c\n1,2,3\n", ","), ("a;b;c\n1;2,5;3\n", ";"), ("a\tb\tc\n", "\t"), ("abc\n", ","),
    ("a|b|c\n", "|"),
])
def test_likely_delimiter(text, delimiter):
    assert likely_delimiter(text) == delimiter


def test_rows_keep_a_quoted_newline_in_its_cell():
    assert rows_of('a,b\n"x\ny",2\n', ",") == [["a", "b"], ["x\ny", "2"]]
    assert rows_of("a;b\n1,5;2\n", ";") == [["a", "b"], ["1,5", "2"]]


def test_an_unbalanced_quote_is_refused_naming_the_line():
    with pytest.raises(TextProblem) as caught:
        rows_of('a,b\n"x,2\n3,4\n', ",")
    assert caught.value.rule.startswith("the file is not valid CSV at line 3")
    assert caught.value.line == 3
