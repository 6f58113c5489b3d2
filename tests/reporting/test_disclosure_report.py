"""What the manifest says of disclosure control: the narrowest audited interval and how many
cells were hidden for which reason (worked by hand on small inputs)."""

from __future__ import annotations

import math

from reporting.disclosure import PROTECTION, THRESHOLD, Protection, narrowest

A = ("people", "E08000018", "FY2024", "a", "n")
B = ("people", "E08000018", "FY2024", "b", "n")
C = ("people", "E08000018", "FY2023", "a", "n")


def test_narrowest_is_the_least_width():
    assert narrowest({A: (0.0, 7.0), B: (2.0, 10.0)}) == 7.0
    assert narrowest({A: (3.0, 9.5)}) == 6.5
    assert narrowest({A: (0.0, 4.1234567)}) == 4.123457  # to six places
    assert narrowest({A: (0.0, math.inf)}) == "unbounded"
    assert narrowest({}) is None


def test_the_report_counts_primary_secondary_and_carried_cells():
    report = Protection(hidden={A, B, C}, primary={A}, intervals={A: (0.0, 6.0), B: (1.0, 5.5)},
                        dropped=["sum x"], carried={C}).report()
    assert report == {
        "protection_range": PROTECTION, "threshold": THRESHOLD, "hidden_cells": 3,
        "primary": 1, "secondary": 1, "kept_hidden_from_earlier_editions": 1,
        "audited_cells": 2, "narrowest_interval": 4.5, "passed": False,
        "relations_not_holding": ["sum x"],
        "disclosed_by_earlier_editions": {"cells": 0, "editions": []}}
    assert Protection({A}, {A}, {A: (0.0, 5.0)}, []).report()["passed"] is True
