"""The one parser of numbers, amounts and references (sources/returns/values.py), value by
value: what is read, as what, and what is refused with which rule."""

from __future__ import annotations

import pytest

from sources.returns.values import (
    parse,
    parse_money,
    parse_reference,
    parse_whole,
    reference_problem,
)


@pytest.mark.parametrize(("text", "value"), [
    ("0", "0"), ("12", "12"), (" 12 ", "12"), ("007", "7"), ("1,250", "1250"),
    ("12,000,000", "12000000"), ("12.0", "12"), ("12.00", "12"), ("1,250.0", "1250"),
])
def test_whole_numbers_read(text, value):
    assert parse_whole(text) == parse_whole(text)  # pure
    assert parse_whole(text).value == value and parse_whole(text).ok


@pytest.mark.parametrize(("text", "rule_starts"), [
    ("1,5", "uses a decimal comma"),
    ("1,50", "uses a decimal comma"),
    ("1.250,50", "uses a decimal comma"),
    ("1_000", "contains an underscore"),
    ("1e3", "is written with an exponent"),
    ("1E+09", "is written with an exponent"),
    ("1e30", "is written with an exponent"),
    ("1.5e3", "is written with an exponent"),
    ("NaN", "is not a number"),
    ("nan", "is not a number"),
    ("inf", "is not a number"),
    ("-Infinity", "is not a number"),
    ("#VALUE!", "is not a number"),
    ("1,2,3", "has commas that do not separate groups of three"),
    ("12,34,567", "has commas that do not separate groups of three"),
    ("1,0000", "has commas that do not separate groups of three"),
    ("-3", "is negative"),
    ("(3)", "is negative"),
    ("+3", "has a plus sign"),
    ("1 250", "contains a space"),
    ("2.5", "is not a whole number (it has a fraction)"),
    ("1.000", "has a full stop before three digits"),
    ("1.2.3", "is not a whole number"),
    ("twelve", "is not a whole number"),
    ("£12", "is not a whole number"),
    ("12a", "is not a whole number"),
])
def test_whole_numbers_refused(text, rule_starts):
    parsed = parse_whole(text)
    assert parsed.value is None and not parsed.ok
    assert parsed.rule.startswith(rule_starts), parsed.rule
    assert parsed.fix


def test_maximum_is_inclusive():
    assert parse_whole("2,000", 2000).value == "2000"
    refused = parse_whole("2,001", 2000)
    assert refused.value is None
    assert refused.rule == "is more than 2,000, the plausible maximum for this column"
    assert parse_whole("99999999999999999999", None).value == "99999999999999999999"


@pytest.mark.parametrize(("text", "value"), [
    ("250", "250.00"), ("249.99", "249.99"), ("249.9", "249.90"), ("£250", "250.00"),
    ("£ 250", "250.00"), ("£1,250.50", "1250.50"), ("1,250", "1250.00"), ("GBP 40", "40.00"),
    ("0", "0.00"), ("0.5", "0.50"),
])
def test_amounts_read(text, value):
    assert parse_money(text).value == value


@pytest.mark.parametrize(("text", "rule_starts"), [
    ("1.250,50", "uses a decimal comma"),
    ("1,5", "uses a decimal comma"),
    ("£1,5", "uses a decimal comma"),
    ("0.004", "has more than two decimal places"),
    ("249.999", "has a full stop before three digits"),
    ("1,250.505", "has more than two decimal places"),
    ("1.250", "has a full stop before three digits"),
    ("€300", "is not in pounds"),
    ("$300", "is not in pounds"),
    ("-£5", "is negative"),
    ("£-5", "is negative"),
    ("(£5)", "is negative"),
    ("1e3", "is written with an exponent"),
    ("£NaN", "is not a number"),
    ("1_000", "contains an underscore"),
    ("£", "is not an amount in pounds"),
    ("lots", "is not an amount in pounds"),
    ("12.x", "is not an amount in pounds"),
    ("1,250.", "is not an amount in pounds"),
])
def test_amounts_refused(text, rule_starts):
    parsed = parse_money(text)
    assert parsed.value is None
    assert parsed.rule.startswith(rule_starts), parsed.rule


def test_amount_maximum():
    assert parse_money("£5,000,000", 5_000_000).value == "5000000.00"
    assert parse_money("£5,000,000.01", 5_000_000).rule.startswith("is more than 5,000,000")


@pytest.mark.parametrize("text", ["YC-0001", "CA2025-001", "C1", "A1", "12345", "YC/2025/07",
                                  "ref_9"])
def test_references_accepted(text):
    assert reference_problem(text) is None
    assert parse_reference(text).value == text


@pytest.mark.parametrize(("text", "rule_starts"), [
    ("JaneSmith", "has no digits, as a name does"),
    ("Jane Smith", "contains a space, as a name does"),
    ("Smith, Jane", "contains a space, as a name does"),
    ("jane.smith@example.org", "looks like an e-mail address"),
    ("jane@x", "looks like an e-mail address"),
    ("07700-900-123", "looks like a phone number"),
    ("07700900123", "looks like a phone number"),
    ("+44 7700 900123", "looks like a phone number"),
    ("(0114) 496 0000", "looks like a phone number"),
    ("0114.496.0000", "looks like a phone number"),
    ("+447700900123", "looks like a phone number"),
    ("4857773456", "looks like a phone number"),  # ten digits: an NHS number's shape too
    ("A", "is not a pseudonymous reference"),
    ("-YC1", "is not a pseudonymous reference"),
    ("YC1" + "0" * 40, "is not a pseudonymous reference"),
    ("O'Brien1", "is not a pseudonymous reference"),
])
def test_references_refused(text, rule_starts):
    assert reference_problem(text).startswith(rule_starts), reference_problem(text)
    assert parse_reference(text).value is None


def test_parse_dispatches_by_column_type():
    assert parse("count", "1,250", 2000).value == "1250"
    assert parse("whole", "3", None).value == "3"
    assert parse("money", "£3", None).value == "3.00"
    assert parse("reference", "YC-1").value == "YC-1"
    with pytest.raises(KeyError):
        parse("date", "2025-01-01")


def test_the_contract_declares_maxima_and_references():
    from sources.returns.contract import RETURNS

    for spec in RETURNS.values():
        for column in spec.columns:
            if column.type in ("count", "whole", "money"):
                assert column.maximum is not None, (spec.kind, column.name)
        if spec.personal:
            assert spec.personal_columns, spec.kind
            for name in spec.personal_columns:
                column = spec.column(name)
                assert column.type == "reference" or any(
                    f"carers_reference_problem({name})" in r.broken_when for r in spec.rules), \
                    (spec.kind, name)
    assert {k for k, s in RETURNS.items() if s.personal} == {
        "grant_awards", "young_carers_support", "carer_assessments"}
