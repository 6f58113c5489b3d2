"""The small rules of disclosure control, each on its own: the protection range, the interval
audit (closed form and linear programme agree), text that states a data value, and where a
request may read and write."""

from __future__ import annotations

import math

import pytest

from reporting.disclosure import (
    PROTECTION,
    _one_equation_bounds,
    interval_audit,
    protected,
)
from reporting.editions import BoundaryError, check_out_path, edition_folder
from warehouse.catalogue import text_states_value


def test_the_protection_range():
    assert PROTECTION == 5
    assert protected(0, 5) and protected(0, math.inf) and protected(3, 8)
    assert not protected(0, 4) and not protected(3, 3) and not protected(1, 4.5)


@pytest.mark.parametrize(("row", "rhs", "j", "expected"), [
    ([1, 1, 1], 20, 0, (0, 20)),             # a + b + c = 20
    ([1, 1], 5, 1, (0, 5)),                  # a + b = 5
    ([1, -1], 3, 0, (3, math.inf)),          # a - b = 3: a at least 3
    ([1, -1], 3, 1, (0, math.inf)),
    ([-1, 1, 1], 0, 0, (0, math.inf)),       # total = a + b, total hidden
    ([2], 10, 0, (5, 5)),                    # pinned
])
def test_one_equation_in_closed_form(row, rhs, j, expected):
    import numpy as np

    assert _one_equation_bounds(np.array(row, dtype=float), rhs, j) == pytest.approx(expected)


def test_the_audit_solves_linked_equations():
    # a + b = 6 (a total), b + c = 7 (another), c shown as 5: b = 2, a = 4 exactly
    eqs = [{"t": 1.0, "a": -1.0, "b": -1.0}, {"u": 1.0, "b": -1.0, "c": -1.0}]
    known = {"t": 6.0, "u": 7.0, "c": 5.0}
    intervals = interval_audit(eqs, known, {"a", "b"}, ["a", "b"])
    assert intervals["a"] == pytest.approx((4, 4)) and intervals["b"] == pytest.approx((2, 2))
    # with c hidden too: a in [0, 6], b in [0, 6], c in [1, 7]
    intervals = interval_audit(eqs, {"t": 6.0, "u": 7.0}, {"a", "b", "c"}, ["a", "b", "c"])
    expected = {"a": (0, 6), "b": (0, 6), "c": (1, 7)}
    assert {k: tuple(round(x, 9) for x in v) for k, v in intervals.items()} == expected


@pytest.mark.parametrize(("text", "found"), [
    ("Counts of 1-4 are suppressed.", []),
    ("The Commission was told 4 applicants did not meet the criteria", ["4"]),
    ("4 is a count of people between 1 and 4, so it publishes as [c]", ["4"]),
    ("the 2026-31 strategy; commitment 5; measured at 31 March", []),
    ("Suppressed when fewer than 5 referrals; Wilson 95% interval.", []),
    ("rests on 8 carers receiving carer-specific services", ["8"]),
    ("ASCOF 1D and 3D2, AF2.2, COVID-19, 90th percentile, under 30 carers", []),
    ("the strategy quotes 26,313 carers (10.48%)", ["26,313", "10.48"]),
])
def test_text_that_states_a_data_value(text, found):
    assert text_states_value(text) == found


def test_out_stays_outside_the_warehouse_and_publish_folders(tmp_path):
    warehouse = tmp_path / "warehouse" / "carers.duckdb"
    warehouse.parent.mkdir()
    warehouse.write_bytes(b"x")
    publish = tmp_path / "publish"
    (publish / "e1").mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    for bad, words in ((warehouse, "warehouse"), (warehouse.parent / "a.csv", "warehouse"),
                       (publish / "e1" / "a.csv", "publish"), (publish / "a.csv", "publish"),
                       (out / "missing" / "a.csv", "does not exist"), (out, "folder")):
        with pytest.raises(BoundaryError, match=words):
            check_out_path(bad, warehouse=warehouse, publish_root=publish)
    (out / "a.csv").write_text("old")
    with pytest.raises(BoundaryError, match="--force"):
        check_out_path(out / "a.csv", warehouse=warehouse, publish_root=publish)
    assert check_out_path(out / "a.csv", warehouse=warehouse, publish_root=publish,
                          force=True) == (out / "a.csv").resolve()
    assert check_out_path(out / "b.csv", warehouse=warehouse, publish_root=publish) == \
        (out / "b.csv").resolve()


def test_edition_must_be_an_edition_under_the_publish_folder(tmp_path):
    publish = tmp_path / "publish"
    edition = publish / "20260101T000000Z-aaaa"
    edition.mkdir(parents=True)
    (edition / "manifest.json").write_text("{}")
    (publish / "latest").symlink_to(edition.name)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "manifest.json").write_text("{}")
    (publish / "sneaky").symlink_to(outside)
    assert edition_folder(publish, edition.name) == edition.resolve()
    assert edition_folder(publish, "latest") == edition.resolve()
    for bad in ("../elsewhere", str(outside), ".", "..", "sneaky", ""):
        with pytest.raises(BoundaryError):
            edition_folder(publish, bad)
