"""The column-at-a-time shape test for references (values.plain_references) never lets
through a text the one parser would refuse or change: staging skips the parser for those."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from sources.returns.values import parse_reference, plain_references


@pytest.mark.parametrize(("text", "plain"), [
    ("C122881", True), ("YC-0123", True), ("a/1", True), ("a_1", True), ("a1", True),
    ("A" * 39 + "1", True),
    ("A" * 40 + "1", False),  # 41 characters
    ("07123456789", False), ("YC07123456789", False), ("YC-447123456789", False),  # mobiles
    ("YC-0712345678", True), ("YC-071234567890", True),  # one digit short, one too many
    ("123", False), ("abc", False), ("-a1", False), ("a1-", False), ("a b1", False),
    ("x@y1", False), ("é1", False), ("a１", False), ("a1\t", False), ("", False), (None, False),
])
def test_plain_shape(text, plain):
    assert plain_references(pa.array([text], pa.string())).to_pylist() == [plain]


def test_a_plain_reference_is_one_the_parser_gives_back_as_it_is():
    rnd = random.Random(7)
    texts = ["".join(rnd.choice("aZ09-_/ @+.()é\t") for _ in range(rnd.randint(1, 14)))
             for _ in range(50_000)]
    texts += [rnd.choice(["YC-", "C", "x", "", "44", "07", "+44"])
              + "".join(rnd.choice("0123456789-") for _ in range(rnd.randint(0, 13)))
              for _ in range(20_000)]
    plain = plain_references(pa.array(texts, pa.string())).to_pylist()
    assert sum(plain) > 1_000  # the corpus does exercise the shape
    for text, ok in zip(texts, plain, strict=True):
        if ok:
            parsed = parse_reference(text)
            assert (parsed.value, parsed.rule) == (text, None), text
