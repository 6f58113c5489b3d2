"""The returns value parser at its edges (kills mutants of sources/returns/values.py that
survived tests/sources/test_returns_values.py; see docs/testing.md). Expected answers are the
rules of RETURNS.md, worked by hand."""

from __future__ import annotations

import dataclasses

import pytest

from sources.returns.values import parse, parse_money, reference_problem

PHONE = "looks like a phone number"


@pytest.mark.parametrize(("text", "phone"), [
    ("123-456-789", False),          # 9 digits: a code, not a phone number
    ("0114 296 3333", True),         # 11 digits: a UK landline written with spaces
    ("0114-296-3333", True),         # the same with dashes
    ("1234-5678-90", True),          # 10 digits: the shortest phone number
    ("+44 114 296 3333 0", True),    # 13 digits
    ("12345-67890-1234", False),     # 14 digits: longer than any phone number
])
def test_phone_numbers_by_their_digit_count(text, phone):
    problem = reference_problem(text) or ""
    assert (PHONE in problem) is phone, problem


@pytest.mark.parametrize(("text", "pounds"), [
    ("-£5", None), ("(£5)", None), ("£1,250", "1250.00"), ("GBP 12.5", "12.50"),
    ("£0.5", "0.50"), ("£7", "7.00"), ("£ 99.99", "99.99"),
])
def test_money_signs_and_pence(text, pounds):
    parsed = parse_money(text)
    if pounds is None:
        assert parsed.rule, f"{text!r} should be refused"
    else:
        assert (parsed.value, parsed.rule) == (pounds, None)


def test_a_negative_amount_names_the_sign_not_the_digits():
    """The sign is one character: '-12' is refused as negative, '--12' or '-(12' too."""
    for text in ("-12", "−12", "–12", "(12)"):
        parsed = parse_money(text)
        assert parsed.value is None and parsed.rule, text


def test_a_reference_column_type_read_at_run_time():
    assert parse("".join(["refer", "ence"]), "YC-0123").value == "YC-0123"


def test_a_parsed_value_cannot_change():
    parsed = parse_money("£7")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = "8.00"  # type: ignore[misc]
