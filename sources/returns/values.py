"""The one parser of numbers, amounts and pseudonymous references in a partner's return.

`carers check` and a refresh both type a return in DuckDB (warehouse.returns.validation_sql);
DuckDB calls these functions for every count, whole number, amount and reference (registered
by warehouse.returns.register_parsers), so there is one reading of `1,250` everywhere. Each
function is small and pure: text as typed in, a value or a refusal (rule and fix) out.

What is accepted, strictly (UK conventions, RETURNS.md):
- whole numbers: digits, optionally with commas between groups of exactly three digits
  (`1,250`, `12,000,000`), optionally followed by `.0`/`.00`; nothing else;
- amounts: the same, with an optional leading `£` and at most two decimal places;
- references: one code of letters and digits (at least one digit), with `-`, `_` or `/`
  inside, 2 to 40 characters; never a name, an e-mail address or a phone number.
Everything else is refused with a rule naming what was seen and how to write it instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

# Whole numbers: plain digits, or UK thousands groups of exactly three.
_PLAIN = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_WHOLE_DECIMALS = re.compile(r"\.0{1,2}")  # 12.0 / 12.00, as some exports write counts
_EXPONENT = re.compile(r"[+-]?(?:\d[\d,]*)?\.?\d*[eE][+-]?\d+")
_NOT_A_NUMBER = re.compile(r"[+-]?(?:nan|inf|infinity|#num!|#value!|#div/0!|#n/a|#ref!)",
                           re.IGNORECASE)
_EUROPEAN = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d{1,2}|\d{1,3}(?:\.\d{3})+")


@dataclass(frozen=True)
class Parsed:
    """A cell read as a number: the canonical value as text (for DuckDB to cast), or the rule
    it breaks and what to do about it."""

    value: str | None
    rule: str | None = None
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return self.rule is None


def refused(rule: str, fix: str) -> Parsed:
    return Parsed(None, rule, fix)


WHOLE_FIX = ("Type the number as digits, e.g. 1250 or 1,250; leave it blank if it was not "
             "recorded (blank is never read as zero).")
MONEY_FIX = "Type the amount in pounds as digits, e.g. 1250 or £1,250.50."


def _shape_problem(text: str, fix: str) -> Parsed | None:
    """Refusals shared by whole numbers and amounts: signs, exponents, NaN, separators."""
    if _NOT_A_NUMBER.fullmatch(text):
        return refused("is not a number (NaN, infinity or a spreadsheet error value)", fix)
    if _EXPONENT.fullmatch(text):
        return refused("is written with an exponent (scientific notation), which is not "
                       "accepted", "Type the number in full, e.g. 1000 rather than 1e3; in "
                                   "Excel, format the cells as Number before saving.")
    if text.startswith(("-", "(", "−", "–")) or (text.endswith(")") and text.startswith("(")):
        return refused("is negative: it must be 0 or more", fix)
    if text.startswith("+"):
        return refused("has a plus sign", fix)
    if "_" in text:
        return refused("contains an underscore ('_'): only digits, commas between groups of "
                       "three and a decimal point are accepted", fix)
    if re.search(r"\s", text):
        return refused("contains a space: only digits, commas between groups of three and a "
                       "decimal point are accepted", fix)
    if "," in text and _EUROPEAN.fullmatch(text):
        return refused("uses a decimal comma (or full stops between thousands); returns use a "
                       "decimal point", "Write 1.5 rather than 1,5 and 1,250.50 rather than "
                                        "1.250,50 (UK style).")
    if "," in text and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?", text):
        return refused("has commas that do not separate groups of three digits (UK thousands "
                       "separators, e.g. 1,250)", "Check the number: if it is several numbers, "
                                                  "put one per row; else type it as 1250 or "
                                                  "1,250.")
    return None


def parse_whole(text: str, maximum: int | None = None) -> Parsed:
    """A count or whole number of 0 or more, at most `maximum`."""
    text = text.strip()
    problem = _shape_problem(text, WHOLE_FIX)
    if problem is not None:
        return problem
    digits = text
    if "." in text:
        whole, _, fraction = text.partition(".")
        if _WHOLE_DECIMALS.fullmatch("." + fraction):
            digits = whole
        elif re.fullmatch(r"\d{3}", fraction) and (_PLAIN.fullmatch(whole) or
                                                   _GROUPED.fullmatch(whole)):
            return refused("has a full stop before three digits, which may be a thousands "
                           "separator (1.000) or a decimal point", WHOLE_FIX)
        elif (_PLAIN.fullmatch(whole) or _GROUPED.fullmatch(whole)) and fraction.isdigit():
            return refused("is not a whole number (it has a fraction)",
                           "Counts are whole numbers: type the number of people or items.")
        else:
            return refused("is not a whole number", WHOLE_FIX)
    if not (_PLAIN.fullmatch(digits) or _GROUPED.fullmatch(digits)):
        return refused("is not a whole number", WHOLE_FIX)
    value = int(digits.replace(",", ""))
    return _within(value, maximum, str(value))


def parse_money(text: str, maximum: int | None = None) -> Parsed:
    """An amount in pounds of 0 or more, at most two decimal places, at most `maximum`."""
    text = text.strip()
    if text[:1] in "$€":
        return refused("is not in pounds", "Give the amount in pounds (£).")
    sign = ""
    if text[:1] in "-−–(":
        sign, text = text[:1], text[1:].lstrip()
    if text.lower().startswith("gbp"):
        text = text[3:].lstrip()
    if text.startswith("£"):
        text = text[1:].lstrip()
    problem = _shape_problem(sign + text, MONEY_FIX)
    if problem is not None:
        return problem
    whole, point, fraction = text.partition(".")
    if not (_PLAIN.fullmatch(whole) or _GROUPED.fullmatch(whole)):
        return refused("is not an amount in pounds", MONEY_FIX)
    if point and not fraction.isdigit():
        return refused("is not an amount in pounds", MONEY_FIX)
    if len(fraction) == 3 and "," not in whole and whole.lstrip("0"):
        return refused("has a full stop before three digits, which may be a thousands "
                       "separator (1.250) or a decimal point", MONEY_FIX)
    if len(fraction) > 2:
        return refused("has more than two decimal places (pounds and pence only)",
                       "Round the amount to the penny, e.g. 249.99.")
    value = Decimal(whole.replace(",", "") + "." + (fraction or "0").ljust(2, "0"))
    return _within(value, maximum, f"{value:.2f}")


def _within(value: int | Decimal, maximum: int | None, canonical: str) -> Parsed:
    if maximum is not None and value > maximum:
        return refused(f"is more than {maximum:,}, the plausible maximum for this column",
                       "Check the number; if it is right, tell the pipeline's maintainers so "
                       "the limit (in the return's contract) can be raised.")
    return Parsed(canonical)


# References: a code, not a person. The shape every return about people declares.
REFERENCE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9/_-]{0,38})[A-Za-z0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE_CHARACTERS = re.compile(r"[\d\s()+.\-/]+")
REFERENCE_FIX = ("Replace it with the service's own reference for the person (a code such as "
                 "YC-0123), never their name, e-mail address or phone number.")


def reference_problem(text: str) -> str | None:
    """Why `text` is not a pseudonymous reference, or None when it is one."""
    text = text.strip()
    if _EMAIL.search(text):
        return "looks like an e-mail address, not a pseudonymous reference"
    digits = re.sub(r"\D", "", text)
    if _PHONE_CHARACTERS.fullmatch(text) and 10 <= len(digits) <= 13:
        return "looks like a phone number, not a pseudonymous reference"
    if re.search(r"\s", text):
        return ("contains a space, as a name does: a pseudonymous reference is one code of "
                "letters and digits")
    if not REFERENCE.fullmatch(text):
        return ("is not a pseudonymous reference (one code of 2 to 40 letters, digits, '-', "
                "'_' or '/')")
    if not digits:
        return ("has no digits, as a name does: a pseudonymous reference is a code such as "
                "YC-0123")
    if re.fullmatch(r"\+?(44|0)7\d{9}", re.sub(r"[^\d+]", "", text)):
        return "looks like a phone number, not a pseudonymous reference"
    return None


# The shape of most references, tested a whole column at a time (Arrow, RE2) before any text
# is passed to `reference_problem` one by one (about 10 us each: 2 million distinct case
# references in a national year). A text of this shape passes every test above: ASCII
# letters, digits, '-', '_' and '/' only (no '@', no space), REFERENCE's length and ends, at
# least one digit, and a letter (so not only a phone number's characters); the one test
# left, a UK mobile number among its digits, is done on the digits. Everything else goes to
# `reference_problem`, so the rules stay in one place.
PLAIN_REFERENCE = "^[A-Za-z0-9][A-Za-z0-9/_-]{0,38}[A-Za-z0-9]$"
PLAIN_NEEDS = ("[A-Za-z]", "[0-9]")
MOBILE_DIGITS = "^(44|0)7[0-9]{9}$"


def plain_references(texts: pa.Array) -> pa.Array:
    """For each text (an Arrow string array), whether it is a reference by the shape above
    (False for null): `reference_problem` would find nothing wrong with it, and
    `parse_reference` would give it back as it is."""
    plain = pc.match_substring_regex(texts, PLAIN_REFERENCE)
    for needed in PLAIN_NEEDS:
        plain = pc.and_(plain, pc.match_substring_regex(texts, needed))
    digits = pc.replace_substring_regex(texts, "[^0-9]", "")
    plain = pc.and_(plain, pc.invert(pc.match_substring_regex(digits, MOBILE_DIGITS)))
    return pc.fill_null(plain, False)


def parse_reference(text: str) -> Parsed:
    problem = reference_problem(text)
    return Parsed(text.strip()) if problem is None else refused(problem, REFERENCE_FIX)


PARSERS = {"count": parse_whole, "whole": parse_whole, "money": parse_money}


def parse(kind: str, text: str, maximum: int | None = None) -> Parsed:
    """The parser for a column type (count, whole, money, reference)."""
    if kind == "reference":
        return parse_reference(text)
    return PARSERS[kind](text, maximum)
