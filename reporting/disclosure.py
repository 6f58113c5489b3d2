"""Small-number suppression for anything published about people, over linked tables.

Counts of people from 1 to 4 are shown as [c] (primary suppression). Secondary suppression
makes sure no hidden value can be worked back out of anything published, nor narrowed to a
range inside 1-4, by linear arithmetic over every relation an outsider can know:

- the relations the catalogue declares (warehouse/catalogue.py `Relation`): totals and their
  breakdowns, one count under two indicators, numerators that are counts elsewhere,
  complements, stock and flow across periods, small areas adding up to their district, money
  totals and the awards behind them;
- relations that hold by construction: a proportion's numerator and its complement add up to
  its denominator; districts add up to their region (and regions to England) where those rows
  are sums of districts;
- earlier editions of the same periods (a cell hidden before stays hidden; two editions set
  side by side must not pin a hidden value).

The model is a set of cells (one count each: an indicator's numerator or denominator for one
area, period and breakdown) and linear equations between them. Shown cells are constants,
hidden ones unknowns (>= 0). For every hidden cell, and every derived count of people in 1-4
(a complement), `interval_audit` solves two linear programmes (HiGHS through scipy): the least
and the greatest value consistent with everything published. A cell is protected when that
interval is at least PROTECTION wide (so it never sits inside 1-4 and never pins a value).
Secondary suppression hides the smallest shown cell linked to an unprotected one until every
interval is wide enough; `audit_published` then rebuilds the model from the published table
alone and the edition is refused (DisclosureError) if any interval is too narrow.

Beside the arithmetic: rows that repeat a hidden value (the next period's previous value and
change, England and region comparators) are blanked; ranks are given among shown values only;
notes are blanked on hidden rows and rank phrases in notes are rewritten from the ranks shown.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from warehouse.catalogue import Relation

THRESHOLD = 5
# The least width of a hidden cell's feasible interval (an attacker's best bounds): a cell of
# 1-4 protected this way always has a possible value of 0 or 5 and more.
PROTECTION = 5
SUPPRESSED = "[c]"
ENGLAND = "E92000001"
HIDDEN_COLUMNS = ("numerator", "value", "lower_ci", "upper_ci", "lower_ci_998",
                  "upper_ci_998", "previous_value", "change", "england_value", "region_value")
# Also blanked on a hidden row: each would narrow down its value (rank 1 of 147 where the
# median of councils is 100% says the value is 100%).
RANKS_AND_COMPARISONS = ("england_comparison", "region_comparison", "england_comparison_998",
                         "region_comparison_998", "direction", "rank", "rank_of",
                         "mads_from_median", "council_rank", "council_rank_of", "note")
PROPORTIONS = {"proportion", "percentage"}
KEY = ["indicator_id", "area_code", "period_id", "breakdown"]
TOLERANCE = 1e-6

# (indicator, area, period, breakdown, part): part n numerator, d denominator, c a derived
# complement, u an unpublished term (the stock before the first period held).
Cell = tuple[str, str, str, str, str]


class DisclosureError(RuntimeError):
    """An edition would let a hidden count be worked out: it must not be published."""


def is_small(count: object) -> bool:
    return count is not None and not pd.isna(count) and 0 < float(count) < THRESHOLD


def protected(lo: float, hi: float) -> bool:
    """Whether an attacker's interval [lo, hi] for a hidden count leaves it protected."""
    return hi - lo >= PROTECTION - TOLERANCE


@dataclass
class Model:
    """The counts about people in a table and the linear equations between them."""
    value: dict[Cell, float] = field(default_factory=dict)      # published or true values
    rows: dict[Cell, list[tuple[int, str]]] = field(default_factory=dict)  # where each shows
    alias: dict[Cell, Cell] = field(default_factory=dict)       # cell -> canonical cell
    equations: list[dict[Cell, float]] = field(default_factory=list)  # sum(coef * cell) = 0
    derived: set[Cell] = field(default_factory=set)             # complements: never shown
    latent: set[Cell] = field(default_factory=set)              # unpublished terms
    money: list[tuple[int, list[Cell]]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)            # relations that did not hold
    unused: list[str] = field(default_factory=list)             # undeclared sums that do not

    def canon(self, cell: Cell) -> Cell:
        while cell in self.alias and self.alias[cell] != cell:
            cell = self.alias[cell]
        return cell


def _union(model: Model, a: Cell, b: Cell) -> None:
    ra, rb = model.canon(a), model.canon(b)
    if ra != rb:
        model.alias[max(ra, rb)] = min(ra, rb)


# --- building the model ------------------------------------------------------------------

class _Index:
    """Rows of people indicators, looked up by key."""

    def __init__(self, frame: pd.DataFrame):
        cols = [*KEY, "numerator", "denominator", "previous_period_id", "area_level",
                "region_code", "is_sum_of_districts", "value", "symbol"]
        present = [c for c in cols if c in frame.columns]
        self.rows = {i: dict(zip(present, vals, strict=True))
                     for i, vals in zip(frame.index, frame[present].itertuples(index=False,
                                                                               name=None),
                                        strict=True)}
        self.by_key: dict[tuple, int] = {}
        self.by_group: dict[tuple, list[int]] = defaultdict(list)
        self.by_indicator: dict[str, list[int]] = defaultdict(list)
        for i, r in self.rows.items():
            self.by_key[(r["indicator_id"], r["area_code"], r["period_id"], r["breakdown"])] = i
            self.by_group[(r["indicator_id"], r["area_code"], r["period_id"])].append(i)
            self.by_indicator[r["indicator_id"]].append(i)


def _num(x: object) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def build_model(frame: pd.DataFrame, relations: Sequence[Relation], people: set[str],
                value_types: dict[str, str], check: bool = True,
                skip: Iterable[str] = ()) -> Model:
    """The cells and equations of a table's people rows. With `check`, an equation that does
    not hold on the values given is left out and named in `dropped` (a declared relation the
    data does not follow cannot be used exactly by anyone)."""
    model = Model()
    skip = set(skip)
    rows = frame[frame["indicator_id"].isin(people)]
    index = _Index(rows)
    # A money total (or other figure computed from counts) need not be about people itself.
    behind = {r.indicator for r in relations if r.kind in ("money", "derived")}
    amounts = frame[frame["indicator_id"].isin(behind)]
    amount_rows: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for i, ind, area, period in amounts[["indicator_id", "area_code", "period_id"]
                                        ].itertuples(name=None):
        amount_rows[ind].append((i, area, period))
    with_den = {r["indicator_id"] for r in index.rows.values()
                if _num(r.get("denominator")) is not None}
    for i, r in index.rows.items():
        base = (r["indicator_id"], r["area_code"], r["period_id"], r["breakdown"])
        marked = SUPPRESSED in str(r.get("symbol") or "")
        for part, column in (("n", "numerator"), ("d", "denominator")):
            v = _num(r.get(column))
            # A published [c] row still has its counts: unknown, not absent.
            if v is not None or (marked and (part == "n" or r["indicator_id"] in with_den)):
                cell = (*base, part)
                model.value[cell] = math.nan if v is None else v
                model.rows.setdefault(cell, []).append((i, part))

    def cell_of(ref_indicator: str, area: str, period: str | None, breakdown: str,
                part: str, missing: str) -> Cell | None:
        """The cell a reference points at; None for a missing row that counts as zero."""
        short = {"numerator": "n", "denominator": "d", "value": "v"}.get(part, part)
        if period is not None:
            cell = (ref_indicator, area, period, breakdown, short)
            if cell in model.value:
                return cell
        if missing == "zero":
            return None
        cell = (ref_indicator, area, period or "?", breakdown, "u")
        model.latent.add(cell)
        return cell

    def add(eq: dict[Cell, float], what: str) -> None:
        eq = {c: v for c, v in eq.items() if v}
        if len(eq) < 2 or what in skip:
            return
        if check and not any(c in model.latent for c in eq):
            residual = sum(v * model.value[c] for c, v in eq.items())  # none is latent
            if not math.isnan(residual) and abs(residual) > 1e-6:
                model.dropped.append(what)
                return
        model.equations.append(eq)

    for rel in relations:
        if rel.kind == "same":
            first = rel.refs[0]
            for i in index.by_indicator.get(first.indicator, []):
                r = index.rows[i]
                if first.breakdown != r["breakdown"]:
                    continue
                cells = [cell_of(ref.indicator, r["area_code"], r["period_id"], ref.breakdown,
                                 ref.part, "zero") for ref in rel.refs]
                cells = [c for c in cells if c is not None and c not in model.latent]
                values = {model.value[c] for c in cells if not math.isnan(model.value[c])}
                if (check and len(values) > 1) or f"same {cells}" in skip:
                    if check:
                        model.dropped.append(f"same {cells}")
                    continue
                for c in cells[1:]:
                    _union(model, cells[0], c)
        elif rel.kind == "breakdowns":
            total = rel.total.breakdown if rel.total else "all"
            for i in index.by_indicator.get(rel.indicator or "", []):
                r = index.rows[i]
                if r["breakdown"] != total or (*KEY_OF(r), "n") not in model.value:
                    continue
                eq: dict[Cell, float] = {(*KEY_OF(r), "n"): 1.0}
                for j in index.by_group[(r["indicator_id"], r["area_code"], r["period_id"])]:
                    b = index.rows[j]["breakdown"]
                    if b == total or (rel.parts is not None and b not in rel.parts):
                        continue
                    if (*KEY_OF(index.rows[j]), "n") in model.value:
                        eq[(*KEY_OF(index.rows[j]), "n")] = eq.get(
                            (*KEY_OF(index.rows[j]), "n"), 0.0) - 1.0
                add(eq, f"breakdowns of {rel.indicator} {KEY_OF(r)}")
        elif rel.kind in ("sum", "complement") and rel.total is not None:
            t = rel.total
            for i in index.by_indicator.get(t.indicator, []):
                r = index.rows[i]
                if r["breakdown"] != t.breakdown:
                    continue
                head = cell_of(t.indicator, r["area_code"], r["period_id"], t.breakdown,
                               t.part, "zero")
                if head is None:
                    continue
                eq = {head: 1.0}
                for ref in rel.refs:
                    period = r["period_id"] if ref.period == "same" else \
                        (r.get("previous_period_id") or None)
                    if period is not None and pd.isna(period):
                        period = None
                    if ref.breakdown == "*" and period is not None:
                        for j in index.by_group.get((ref.indicator, r["area_code"], period), []):
                            b = index.rows[j]["breakdown"]
                            c = cell_of(ref.indicator, r["area_code"], period, b, ref.part,
                                        "zero")
                            if b != "all" and c is not None:
                                eq[c] = eq.get(c, 0.0) - ref.sign
                        continue
                    c = cell_of(ref.indicator, r["area_code"], period, ref.breakdown, ref.part,
                                ref.missing)
                    if c is not None:
                        eq[c] = eq.get(c, 0.0) - ref.sign
                if rel.kind == "complement":
                    rest = (t.indicator, r["area_code"], r["period_id"], t.breakdown, "c")
                    model.derived.add(rest)
                    model.value[rest] = model.value.get(head, 0.0) + sum(
                        v * model.value.get(c, 0.0) for c, v in eq.items() if c != head)
                    eq[rest] = -1.0
                add(eq, f"{rel.kind} {head}")
        elif rel.kind in ("money", "derived"):
            for i, area, period in amount_rows.get(rel.indicator or "", []):
                counts = [(ref.indicator, area, period, ref.breakdown,
                           {"numerator": "n", "denominator": "d"}.get(ref.part, "n"))
                          for ref in rel.refs]
                model.money.append((i, counts))
        elif rel.kind == "areas":
            for i in index.by_indicator.get(rel.indicator or "", []):
                r = index.rows[i]
                if r.get("area_level") == rel.from_level or (*KEY_OF(r), "n") not in model.value:
                    continue
                parts = [j for j in index.by_indicator[rel.indicator]
                         if index.rows[j].get("area_level") == rel.from_level
                         and index.rows[j]["period_id"] == r["period_id"]
                         and index.rows[j]["breakdown"] == r["breakdown"]
                         and (index.rows[j].get("region_code") in (None, r["area_code"])
                              or pd.isna(index.rows[j].get("region_code")))]
                if parts:
                    eq = {(*KEY_OF(r), "n"): 1.0}
                    for j in parts:
                        if (*KEY_OF(index.rows[j]), "n") in model.value:
                            eq[(*KEY_OF(index.rows[j]), "n")] = -1.0
                    add(eq, f"areas of {rel.indicator} {KEY_OF(r)}")

    # Breakdowns that add up to their `all` row are a relation an outsider can see for
    # themselves, declared or not: used wherever the values follow it.
    declared = {rel.indicator for rel in relations if rel.kind == "breakdowns"}
    for (ind, _, _), members in index.by_group.items():
        if ind in declared or len(members) < 2:
            continue
        whole = next((i for i in members if index.rows[i]["breakdown"] == "all"), None)
        parts = [(*KEY_OF(index.rows[i]), "n") for i in members
                 if index.rows[i]["breakdown"] != "all"]
        parts = [c for c in parts if c in model.value]
        if whole is None or not parts or (*KEY_OF(index.rows[whole]), "n") not in model.value:
            continue
        eq = {(*KEY_OF(index.rows[whole]), "n"): 1.0, **{c: -1.0 for c in parts}}
        _add_if_it_holds(model, eq, f"breakdowns of {ind} {KEY_OF(index.rows[whole])}", skip,
                         check)
    # Denominators that add up are as visible to an outsider as numerators: breakdowns' to
    # their `all` row (a rate's 3 people beside 60 and 80 of 143), districts' to their region.
    for (ind, _, _), members in index.by_group.items():
        total = [i for i in members if index.rows[i]["breakdown"] == "all"]
        parts = [(*KEY_OF(index.rows[i]), "d") for i in members
                 if index.rows[i]["breakdown"] != "all"]
        parts = [c for c in parts if c in model.value]
        if total and parts and (*KEY_OF(index.rows[total[0]]), "d") in model.value:
            _add_if_it_holds(model, {(*KEY_OF(index.rows[total[0]]), "d"): 1.0,
                                     **{c: -1.0 for c in parts}},
                             f"denominators of {ind} {KEY_OF(index.rows[total[0]])}", skip,
                             check)
    # By construction: a proportion's complement (denominator - numerator) is a count of
    # people too, and it bounds the numerator by the denominator.
    for r in index.rows.values():
        if value_types.get(r["indicator_id"]) in PROPORTIONS:
            n, d = (*KEY_OF(r), "n"), (*KEY_OF(r), "d")
            if n in model.value and d in model.value:
                c = (*KEY_OF(r), "c")
                model.derived.add(c)
                model.value[c] = model.value[d] - model.value[n]
                model.equations.append({d: 1.0, n: -1.0, c: -1.0})
    # Districts add up to their region, regions to England, where those rows say they are
    # sums of districts.
    if {"area_level", "region_code", "is_sum_of_districts"} <= set(rows.columns):
        parts: dict[tuple, list[Cell]] = defaultdict(list)
        whole: dict[tuple, Cell] = {}
        for r in index.rows.values():
            cell = (*KEY_OF(r), "n")
            if cell not in model.value:
                continue
            slice_ = (r["indicator_id"], r["period_id"], r["breakdown"])
            if r.get("area_level") == "district" and r.get("region_code"):
                parts[(*slice_, r["region_code"])].append(cell)
            elif r.get("area_level") == "region":
                parts[(*slice_, ENGLAND)].append(cell)
            if bool(r.get("is_sum_of_districts")) and r.get("area_level") in ("region",
                                                                              "country"):
                whole[(*slice_, r["area_code"])] = cell
        for k, total in whole.items():
            if parts.get(k):
                add({total: 1.0, **{c: -1.0 for c in parts[k]}}, f"districts {k}")
                dens = [(*c[:4], "d") for c in parts[k] if (*c[:4], "d") in model.value]
                if (*total[:4], "d") in model.value and dens:
                    _add_if_it_holds(model, {(*total[:4], "d"): 1.0, **{c: -1.0 for c in dens}},
                                     f"district denominators {k}", skip, check)
    # Equations over canonical cells (one count under two indicators is one unknown).
    canon_eqs = []
    for eq in model.equations:
        merged: dict[Cell, float] = defaultdict(float)
        for c, v in eq.items():
            merged[model.canon(c)] += v
        merged = {c: v for c, v in merged.items() if abs(v) > 1e-12}
        if len(merged) >= 2:
            canon_eqs.append(merged)
    model.equations = canon_eqs
    return model


def _add_if_it_holds(model: Model, eq: dict[Cell, float], label: str, skip: set[str],
                     check: bool) -> None:
    """An equation an outsider can see for themselves, used only where the values follow it
    (with `check`; else where the true values did, `skip` naming those that did not)."""
    if label in skip:
        return
    residual = sum(v * model.value[c] for c, v in eq.items())
    if check and not math.isnan(residual) and abs(residual) > 1e-6:
        model.unused.append(label)
        return
    model.equations.append(eq)


def KEY_OF(r: dict) -> tuple[str, str, str, str]:
    return (r["indicator_id"], r["area_code"], r["period_id"], r["breakdown"])


# --- the interval audit --------------------------------------------------------------------

def components(equations: Sequence[dict[Cell, float]], unknown: set[Cell]
               ) -> list[tuple[set[Cell], list[int]]]:
    """Groups of unknown cells linked by equations, with the equations of each group."""
    parent: dict[Cell, Cell] = {c: c for c in unknown}

    def find(c: Cell) -> Cell:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for eq in equations:
        cells = [c for c in eq if c in unknown]
        for c in cells[1:]:
            a, b = find(cells[0]), find(c)
            if a != b:
                parent[a] = b
    groups: dict[Cell, set[Cell]] = defaultdict(set)
    for c in unknown:
        groups[find(c)].add(c)
    eqs_of: dict[Cell, list[int]] = defaultdict(list)
    for k, eq in enumerate(equations):
        cells = [c for c in eq if c in unknown]
        if cells:
            eqs_of[find(cells[0])].append(k)
    return [(cells, eqs_of.get(root, [])) for root, cells in groups.items()]


def interval_audit(equations: Sequence[dict[Cell, float]], known: dict[Cell, float],
                   unknown: set[Cell], audited: Iterable[Cell],
                   cache: dict | None = None) -> dict[Cell, tuple[float, float]]:
    """The interval [least, greatest] each audited unknown cell can take, given the known
    cells' values, the equations, and every count >= 0: an attacker's best bounds by linear
    programming (HiGHS). Infinite where nothing bounds it."""
    audited = [c for c in audited if c in unknown]
    if not audited:
        return {}
    result: dict[Cell, tuple[float, float]] = {}
    wanted = set(audited)
    todo: list[tuple[tuple, _Group, list[Cell]]] = []
    for cells, eq_ids in components(equations, unknown):
        targets = sorted(cells & wanted)
        if not targets:
            continue
        # Within one protection run the known values never change, so a group with the same
        # cells and equations has the same intervals as last round.
        signature = (frozenset(cells), tuple(eq_ids), tuple(targets))
        if cache is not None and signature in cache:
            result.update(cache[signature])
            continue
        todo.append((signature, _Group(cells, [equations[k] for k in eq_ids], known), targets))
    # Groups share nothing (each its own HiGHS model) and HiGHS lets go of Python's lock
    # while it solves, so they are solved side by side, one thread a core; `map` keeps
    # their order, and the first group to fail raises as it would one after another.
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        found = list(pool.map(_group_bounds, todo))
    for signature, bounds in found:
        result.update(bounds)
        if cache is not None:
            cache[signature] = bounds
    return result


def _group_bounds(item: tuple[tuple, _Group, list[Cell]]
                  ) -> tuple[tuple, dict[Cell, tuple[float, float]]]:
    signature, group, targets = item
    return signature, {c: group.bounds(c) for c in targets}


class _Group:
    """One linked group's equations over its unknown cells (each >= 0), the known cells moved
    to the right-hand side. One equation has its bounds in closed form; more are one HiGHS
    model, built once and solved again for each cell and direction from the last basis (only
    the objective changes, so thousands of solves cost little more than one)."""

    def __init__(self, cells: Iterable[Cell], equations: Sequence[dict[Cell, float]],
                 known: dict[Cell, float]):
        self.order = sorted(cells)
        self.pos = {c: k for k, c in enumerate(self.order)}
        self.rows: list[dict[int, float]] = []
        self.rhs = np.zeros(len(equations))
        for row, eq in enumerate(equations):
            coef: dict[int, float] = defaultdict(float)
            for c, v in eq.items():
                if c in self.pos:
                    coef[self.pos[c]] += v
                else:
                    self.rhs[row] -= v * known[c]  # every cell is known or unknown
            self.rows.append(coef)
        self._highs: Any = None
        self._cost_at: int | None = None

    def bounds(self, cell: Cell) -> tuple[float, float]:
        j = self.pos[cell]
        if not self.rows:
            return 0.0, math.inf
        if len(self.rows) == 1:  # one equation: the bounds in closed form, no solver
            (only,), (rhs,) = self.rows, self.rhs
            row = np.zeros(len(self.order))
            for k, v in only.items():
                row[k] += v
            return _one_equation_bounds(row, rhs, j)
        least = self._solve(j, minimise=True)
        greatest = self._solve(j, minimise=False)
        return max(0.0, least), greatest

    def feasible(self) -> bool:
        """Whether some counts >= 0 satisfy every equation."""
        if not self.rows:
            return True
        return self._solve(None, minimise=True) is not None

    def _model(self) -> Any:
        if self._highs is None:
            import highspy  # only publishing needs the solver

            h = _new_highs()
            n = len(self.order)
            h.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
            starts, index, value = [], [], []
            for coef in self.rows:
                starts.append(len(index))
                for k, v in sorted(coef.items()):
                    if v:
                        index.append(k)
                        value.append(v)
            h.addRows(len(self.rows), self.rhs, self.rhs, len(index),
                      np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                      np.array(value, dtype=np.float64))
            self._highs = h
        return self._highs

    def _solve(self, j: int | None, minimise: bool) -> float | None:
        """The least or greatest value of cell j (j None: any solution, objective 0); None
        when the equations have no solution >= 0 (with j given, that is an error: published
        values that contradict the relations)."""
        import highspy

        status_of = highspy.HighsModelStatus
        h = self._model()
        if self._cost_at != j:
            if self._cost_at is not None:
                h.changeColCost(self._cost_at, 0.0)
            if j is not None:
                h.changeColCost(j, 1.0)
            self._cost_at = j
        h.changeObjectiveSense(highspy.ObjSense.kMinimize if minimise
                               else highspy.ObjSense.kMaximize)
        h.run()
        status = h.getModelStatus()
        if status == status_of.kUnboundedOrInfeasible and j is not None:
            status = status_of.kUnbounded if self.feasible() else status_of.kInfeasible
        if status == status_of.kOptimal:
            return h.getObjectiveValue()
        # A count's least value is bounded by 0: only its greatest can be unbounded.
        if status == status_of.kUnbounded and j is not None and not minimise:
            return math.inf
        if status in (status_of.kInfeasible, status_of.kUnboundedOrInfeasible):
            if j is None:
                return None
            raise DisclosureError(f"the published values around {self.order[j]} contradict "
                                  "the declared relations: check the catalogue's relations")
        raise DisclosureError(f"the interval audit's solver stopped with {status} in the "
                              f"group of {self.order[0]}")


@functools.cache
def _absorb_banner() -> None:
    """The first HiGHS instance of a process prints HiGHS's banner on standard output before
    any option can be set: make that one with standard output sent to /dev/null."""
    import highspy

    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _new_highs() -> Any:
    """A HiGHS instance with its log off."""
    import highspy

    _absorb_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # Small models solved again and again with a new objective: primal simplex from the last
    # basis (still feasible after the objective changes), no presolve to undo it each time.
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("simplex_strategy", 4)
    return h


def _one_equation_bounds(row: np.ndarray, rhs: float, j: int) -> tuple[float, float]:
    """Bounds of x_j >= 0 under one equation row . x = rhs (every x >= 0): x_j = r + sum c_i
    x_i with r = rhs / a_j and c_i = -a_i / a_j. It can fall to 0 when some c_i < 0 (else it
    is at least r), and grow without end when some c_i > 0 (else it is at most r)."""
    a_j = row[j]
    others = np.delete(row, j)
    others = others[others != 0]
    r = rhs / a_j
    c = -others / a_j
    lower = 0.0 if (c < 0).any() else max(0.0, r)
    upper = math.inf if (c > 0).any() else r
    return lower, upper


def narrowest(intervals: dict[Cell, tuple[float, float]]) -> float | str | None:
    """The narrowest audited interval's width, for a manifest ('unbounded' if none is)."""
    widths = [hi - lo for lo, hi in intervals.values()]
    if not widths:
        return None
    least = min(widths)
    return "unbounded" if math.isinf(least) else round(least, 6)


def unprotected(intervals: dict[Cell, tuple[float, float]]) -> list[Cell]:
    return sorted(c for c, (lo, hi) in intervals.items() if not protected(lo, hi))


# --- choosing what to hide -----------------------------------------------------------------

@dataclass
class Protection:
    """What disclosure control decided, for the table and the manifest."""
    hidden: set[Cell]
    primary: set[Cell]
    intervals: dict[Cell, tuple[float, float]]
    dropped: list[str]
    carried: set[Cell] = field(default_factory=set)
    # Cells an earlier edition discloses on its own: cell -> that edition (withdraw it).
    disclosed_before: dict[Cell, str] = field(default_factory=dict)

    def report(self) -> dict:
        cells = sorted(self.intervals)
        return {
            "protection_range": PROTECTION, "threshold": THRESHOLD,
            "hidden_cells": len(self.hidden), "primary": len(self.primary),
            "secondary": len(self.hidden - self.primary - self.carried),
            "kept_hidden_from_earlier_editions": len(self.carried),
            "audited_cells": len(cells),
            "narrowest_interval": narrowest(self.intervals),
            "passed": not unprotected(self.intervals),
            "relations_not_holding": self.dropped,
            "disclosed_by_earlier_editions": disclosed_report(self.disclosed_before),
        }


def disclosed_report(found: dict[Cell, str]) -> dict[str, object]:
    """For the manifest: how many hidden counts earlier editions give away on their own, and
    which editions to withdraw. Never which cells: the manifest is published, and a list of
    them would point an outsider straight at each one."""
    editions = {name for names in found.values() for name in names.split(", ")}
    return {"cells": len(found), "editions": sorted(editions)}


def edition_names(frames: Sequence[pd.DataFrame]) -> list[str]:
    """Each earlier edition's name (`attrs['edition']`, set by reporting.editions and
    `_distinct`; editions that published the same table are named together)."""
    return [str(f.attrs["edition"]) for f in frames]


def _close(model: Model, hidden: set[Cell]) -> set[Cell]:
    """Hidden cells plus what hiding them implies: a hidden denominator hides its row's
    numerator (the value would give one from the other)."""
    hidden = {model.canon(c) for c in hidden}
    changed = True
    while changed:
        changed = False
        for cell in model.rows:
            if cell[4] != "d" or model.canon(cell) not in hidden:
                continue
            n = (*cell[:4], "n")
            if n in model.value and model.canon(n) not in hidden:
                hidden.add(model.canon(n))
                changed = True
    return hidden


def equations_by_cell(equations: Iterable[dict[Cell, float]]
                      ) -> dict[Cell, list[dict[Cell, float]]]:
    """Each cell's equations, in their order."""
    holding: dict[Cell, list[dict[Cell, float]]] = defaultdict(list)
    for eq in equations:
        for c in eq:
            holding[c].append(eq)
    return holding


def _shown_neighbours(model: Model, cell: Cell, hidden: set[Cell],
                      holding: dict[Cell, list[dict[Cell, float]]]) -> list[Cell]:
    """Shown cells in the equations of `cell` (`holding`: the model's equations by the cells
    they hold); failing that, of its whole linked group."""
    def shown_in(eqs: Iterable[dict[Cell, float]]) -> list[Cell]:
        return sorted({c for eq in eqs for c in eq
                       if c not in hidden and c not in model.derived and c not in model.latent
                       and c in model.value})
    direct = shown_in(holding.get(cell, []))
    if direct:
        return direct
    unknown = hidden | model.derived | model.latent
    for cells, eq_ids in components(model.equations, unknown):
        if cell in cells:
            return shown_in(model.equations[k] for k in eq_ids)
    return []


def _unknowns(model: Model, hidden: set[Cell]) -> set[Cell]:
    return set(hidden) | model.derived | model.latent


def _audited(model: Model, hidden: set[Cell]) -> set[Cell]:
    sensitive = {c for c in model.derived if is_small(model.value.get(c))}
    return set(hidden) | sensitive


def choose_hidden(model: Model, primary: set[Cell], extra: Iterable[Sequence] = (),
                  before: dict[Cell, int] | None = None
                  ) -> tuple[set[Cell], dict[Cell, tuple[float, float]]]:
    """Primary cells plus the fewest-by-value secondary cells that leave every hidden cell
    (and every derived count of 1-4) protected; `extra` are further systems to audit with
    (earlier editions). Returns the hidden cells and their audited intervals. A cell that an
    earlier edition on its own already discloses cannot be repaired by this one: it is put in
    `before` (cell -> that edition's position in `extra`) instead of failing the edition."""
    hidden = _close(model, primary)
    cache: dict = {}
    extra = list(extra)
    before = {} if before is None else before
    public = public_before(model.value, extra, {model.canon(c) for c in model.value})
    # A count of 1-4 an earlier edition showed with today's value is out already.
    before.update(shown_before(model.value, extra, {c for c in primary & public
                                                    if is_small(model.value.get(c))}))
    for _ in range(10_000):
        equations, known, unknown = _system(model, hidden, extra)
        intervals = interval_audit(equations, known, unknown,
                                   _audited(model, hidden) - public - set(before),
                                   cache)
        bad = unprotected(intervals)
        if not bad:
            return hidden, intervals
        added = False
        # One more cell per linked group and round: hiding one often protects the others.
        group_of = {c: k for k, (cells, _) in enumerate(components(equations, unknown))
                    for c in cells}
        done: set[int] = set()
        # Each bad cell's equations from one index (scanning every equation for each cell
        # cost 1.5 s at the benchmark's 100k size).
        holding = equations_by_cell(model.equations)
        for cell in bad:  # each is an unknown, so in a group
            if group_of[cell] in done:
                continue
            done.add(group_of[cell])
            candidates = [c for c in _shown_neighbours(model, cell, hidden, holding)
                          if c not in public] or _shown_neighbours(model, cell, hidden, holding)
            if not candidates:
                continue
            pick = min(candidates, key=lambda c: (model.value[c], c))  # each has a value
            if pick not in hidden:
                hidden.add(pick)
                added = True
        if not added:
            found = disclosed_before(bad, extra, model.value)
            if found:
                before.update(found)
                continue
            raise DisclosureError(
                f"cannot protect {bad[0]}: its interval {intervals[bad[0]]} is narrower than "
                f"{PROTECTION} and nothing linked to it is left to hide")
        hidden = _close(model, hidden)
    raise DisclosureError("secondary suppression did not settle")


def _system(model: Model, hidden: set[Cell], extra: Iterable[Sequence]
            ) -> tuple[list[dict[Cell, float]], dict[Cell, float], set[Cell]]:
    """The equations, known values and unknown cells of the model with `hidden` hidden, plus
    every extra system (earlier editions: their own unknowns, linked to ours where a cell is
    hidden in both, so an attacker may take it as unchanged)."""
    equations = list(model.equations)
    # (a derived count is also among the unknowns, which is what the audit uses)
    known = {model.canon(c): v for c, v in model.value.items()
             if model.canon(c) not in hidden}
    unknown = _unknowns(model, hidden)
    for tag, (eqs, kn, unk) in enumerate(extra):
        rename = {c: in_edition(c, tag) for c in set(kn) | set(unk)
                  | {x for e in eqs for x in e}}
        equations.extend({rename[c]: v for c, v in e.items()} for e in eqs)
        known.update({rename[c]: v for c, v in kn.items()})
        unknown |= {rename[c] for c in unk}
        equations.extend(edition_links(equations, known, unknown, hidden, model.value, kn,
                                       unk, rename))
    return equations, known, unknown


def in_edition(cell: Cell, tag: int) -> Cell:
    """The name of `cell` as the `tag`-th earlier edition published it: its indicator gets
    `@tag`, the rest is unchanged, so each edition's cells are separate unknowns."""
    return (f"{cell[0]}@{tag}", *cell[1:])


def edition_links(equations: list[dict[Cell, float]], known: dict[Cell, float],
                  unknown: set[Cell], hidden: set[Cell], truth: dict[Cell, float],
                  earlier_known: dict[Cell, float], earlier_unknown: set[Cell],
                  rename: dict[Cell, Cell]) -> list[dict[Cell, float]]:
    """What an attacker holding an earlier edition may assume about a cell hidden now: that
    it is unchanged. Where the earlier edition showed it, the assumption is right exactly
    when today's true value is the value shown then (a right assumption is what discloses),
    so the cell is tied to it then. Where it was hidden in both, it is tied to the earlier
    unknown wherever that fits everything published."""
    links = []
    for c in sorted(hidden):
        if c[4] not in ("n", "d"):
            continue
        before = earlier_known.get(c)
        if before is not None and not math.isnan(before) and math.isclose(
                before, truth.get(c, math.nan)):
            links.append({c: 1.0, rename[c]: -1.0})
    both = [{c: 1.0, rename[c]: -1.0} for c in sorted(earlier_unknown)
            if c in hidden and c[4] in ("n", "d")]
    return links + consistent_links([*equations, *links], known, unknown, both)


def public_before(truth: dict[Cell, float], extra: Sequence[Sequence], cells: set[Cell]
                  ) -> set[Cell]:
    """Cells an earlier edition showed with today's true value: already public, so hiding
    them now hides nothing (they are neither audited as secrets nor chosen to protect)."""
    return set(shown_before(truth, extra, cells))


def shown_before(truth: dict[Cell, float], extra: Sequence[Sequence], cells: Iterable[Cell]
                 ) -> dict[Cell, int]:
    """public_before, with the position in `extra` of the first edition that showed each."""
    found: dict[Cell, int] = {}
    for tag, (_, known, _) in enumerate(extra):
        for c in cells:
            before = known.get(c)
            if c not in found and before is not None and not math.isnan(before) \
                    and math.isclose(before, truth.get(c, math.nan)):
                found[c] = tag
    return found


def disclosed_before(cells: Iterable[Cell], extra: Sequence[Sequence],
                     truth: dict[Cell, float]) -> dict[Cell, int]:
    """Cells that an earlier edition on its own narrows to less than PROTECTION around
    today's true value (an edition protected by older rules, or by none): cell -> position
    of that edition in `extra`. Nothing published now can repair them; they are reported so
    the edition can be withdrawn from public copies, and not counted against this one."""
    found: dict[Cell, int] = {}
    for tag, (eqs, known, unknown) in enumerate(extra):
        targets = [c for c in cells if c in unknown and c not in found]
        intervals = interval_audit(eqs, known, unknown, targets) if targets else {}
        for c, (lo, hi) in intervals.items():
            if not protected(lo, hi) and lo - TOLERANCE <= truth.get(c, math.nan) \
                    <= hi + TOLERANCE:
                found[c] = tag
    return found


def feasible(equations: Sequence[dict[Cell, float]], known: dict[Cell, float],
             unknown: set[Cell]) -> bool:
    """Whether some counts >= 0 satisfy every equation with the known values."""
    eqs = [e for e in equations if any(c in unknown for c in e)]
    return _Group({c for e in eqs for c in e if c in unknown}, eqs, known).feasible()


def consistent_links(equations: list[dict[Cell, float]], known: dict[Cell, float],
                     unknown: set[Cell], links: list[dict[Cell, float]]
                     ) -> list[dict[Cell, float]]:
    """The links (a cell hidden in two editions taken as unchanged) an attacker can hold
    together with everything published: all of them if they fit, else as many as fit, added
    one by one (a revised cell cannot be assumed unchanged). A link can only make its own
    linked group unsolvable, so only that group is solved again."""
    if not links or feasible([*equations, *links], known, unknown):
        return links
    if not feasible(equations, known, unknown):
        return []
    parent: dict[Cell, Cell] = {}
    group_eqs: dict[Cell, list[dict[Cell, float]]] = {}

    def find(c: Cell) -> Cell:
        parent.setdefault(c, c)
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def join(roots: set[Cell], eqs: list[dict[Cell, float]]) -> None:
        root = roots.pop()
        for r in roots:
            parent[r] = root
            group_eqs.pop(r, None)
        group_eqs[root] = eqs

    for eq in equations:
        roots = {find(c) for c in eq if c in unknown}
        if roots:
            join(roots, [e for r in roots for e in group_eqs.get(r, [])] + [eq])
    kept: list[dict[Cell, float]] = []
    for link in links:
        roots = {find(c) for c in link if c in unknown}
        together = [e for r in roots for e in group_eqs.get(r, [])] + [link]
        cells = {c for e in together for c in e if c in unknown}
        if not cells or _Group(cells, together, known).feasible():
            kept.append(link)
            if roots:
                join(roots, together)
    return kept


def published_system(frame: pd.DataFrame, relations: Sequence[Relation], people: set[str],
                     value_types: dict[str, str], skip: Iterable[str] = ()
                     ) -> tuple[list, dict, set]:
    """A published table's people rows as a system an attacker holds: the equations, the
    shown counts (known) and the [c] ones (unknown, with derived and unpublished terms).
    `skip` names relations the true values do not follow (no one can use them exactly)."""
    model = build_model(frame, relations, people, value_types, check=False, skip=skip)
    unknown = set(model.derived) | set(model.latent)
    known = {}
    for c, v in model.value.items():
        if c not in model.derived and math.isnan(v):
            unknown.add(model.canon(c))
        elif c not in model.derived:
            known[model.canon(c)] = v
    # An equation over shown counts only tells an attacker nothing new.
    holding = [e for e in model.equations if any(c in unknown for c in e)]
    # One count under two indicators is one cell, named after one of them; which one depends
    # on the rows the table has. Another edition may name it after the other, so each name
    # is kept: shown, with its value; hidden, tied to the cell it names.
    for c in model.alias:
        root = model.canon(c)
        if root in unknown:
            unknown.add(c)
            holding.append({c: 1.0, root: -1.0})
        elif root in known:
            known[c] = known[root]
    return consistent_links([], known, unknown, holding), known, unknown


def audit_published(published: pd.DataFrame, truth: pd.DataFrame, people: set[str],
                    relations: Sequence[Relation], value_types: dict[str, str],
                    earlier: Sequence[pd.DataFrame] = (),
                    excused: dict[Cell, str] | None = None) -> dict[Cell, tuple[float, float]]:
    """The interval audit of a table as published, independent of how it was protected: the
    system is rebuilt from the published rows alone (with earlier editions beside it), and
    every [c] cell, and every derived count of people of 1-4 in the true table, is bounded by
    linear programming. Raises DisclosureError when an interval is narrower than PROTECTION,
    unless an earlier edition on its own already discloses that cell (nothing published now
    can repair it): those go into `excused`, cell -> edition."""
    true_model = build_model(truth, relations, people, value_types)
    skip = [*true_model.dropped, *true_model.unused]
    equations, known, unknown = published_system(published, relations, people, value_types,
                                                 skip)
    hidden = {c for c in unknown if c[4] in ("n", "d")}
    sensitive = {c for c in true_model.derived if is_small(true_model.value.get(c))
                 and c in unknown}
    frames = _distinct(earlier)
    extra = [published_system(e, relations, people, value_types, skip) for e in frames]
    equations, known, unknown = list(equations), dict(known), set(unknown)
    for tag, (eqs, kn, unk) in enumerate(extra):
        equations.extend({in_edition(c, tag): v for c, v in e.items()} for e in eqs)
        known.update({in_edition(c, tag): v for c, v in kn.items()})
        unknown |= {in_edition(c, tag) for c in unk}
        names = {c: in_edition(c, tag) for c in set(kn) | set(unk) | hidden}
        equations.extend(edition_links(equations, known, unknown, hidden, true_model.value,
                                       kn, unk, names))
    public = public_before(true_model.value, extra, hidden)
    intervals = interval_audit(equations, known, unknown, (hidden - public) | sensitive)
    # Out already: counts of 1-4 an earlier edition showed, and cells one solves on its own.
    found = {**shown_before(true_model.value, extra,
                            {c for c in public if is_small(true_model.value.get(c))}),
             **disclosed_before(unprotected(intervals), extra, true_model.value)}
    if excused is not None:
        names = edition_names(frames)
        excused.update({c: names[tag] for c, tag in found.items()})
    bad = [c for c in unprotected(intervals) if c not in found]
    if bad:
        raise DisclosureError(
            f"{len(bad)} hidden cell(s) could be narrowed to less than {PROTECTION}: "
            + "; ".join(f"{c} in [{intervals[c][0]:g}, {intervals[c][1]:g}]" for c in bad[:5])
            + ". Nothing was published.")
    return intervals


def _primary(model: Model) -> set[Cell]:
    return {model.canon(c) for c, v in model.value.items()
            if c[4] in ("n", "d") and c not in model.derived and is_small(v)}


# --- applying it to the table --------------------------------------------------------------

def protect(values: pd.DataFrame, people: set[str], relations: Sequence[Relation] = (),
            value_types: dict[str, str] | None = None,
            earlier: Sequence[pd.DataFrame] = ()) -> tuple[pd.DataFrame, Protection]:
    """A copy of indicator_values safe to publish, and what was decided."""
    value_types = value_types or _value_types(values)
    out = values.copy()
    model = build_model(out, relations, people, value_types)
    primary = _primary(model)
    carried = _carried(model, out, earlier)
    skip = [*model.dropped, *model.unused]
    frames = _distinct(earlier)
    extra = [published_system(e, relations, people, value_types, skip) for e in frames]
    if not primary and not carried and not _audited(model, set()):
        _ranks_among_shown(out, set())
        return out, Protection(set(), set(), {}, model.dropped)
    before: dict[Cell, int] = {}
    hidden, intervals = choose_hidden(model, primary | carried, extra, before)
    rows, den_rows = _hidden_rows(model, hidden)
    for idx, counts in model.money:
        if any(model.canon(c) in hidden for c in counts) or any(
                (*c[:4], "c") in model.derived and is_small(model.value.get((*c[:4], "c")))
                for c in counts):
            rows.add(idx)
            den_rows.add(idx)
    apply_hidden(out, rows, den_rows)
    names = edition_names(frames)
    return out, Protection(hidden, primary, intervals, model.dropped, carried - primary,
                           {c: names[tag] for c, tag in before.items()})


def suppress(values: pd.DataFrame, people: set[str], relations: Sequence[Relation] = (),
             value_types: dict[str, str] | None = None,
             earlier: Sequence[pd.DataFrame] = ()) -> pd.DataFrame:
    """A copy of indicator_values safe to publish: small counts of people hidden as [c]."""
    return protect(values, people, relations, value_types, earlier)[0]


def _value_types(values: pd.DataFrame) -> dict[str, str]:
    if "value_type" not in values.columns:
        return {}
    return dict(values[["indicator_id", "value_type"]].drop_duplicates("indicator_id")
                .itertuples(index=False, name=None))


def _distinct(frames: Sequence[pd.DataFrame]) -> list[pd.DataFrame]:
    """Earlier editions with different published values (repeated refreshes of the same data
    publish the same table: one system is enough)."""
    seen: dict[int, int] = {}
    out: list[pd.DataFrame] = []
    for k, f in enumerate(frames):
        cols = [c for c in (*KEY, "numerator", "denominator", "symbol") if c in f.columns]
        sig = pd.util.hash_pandas_object(f[cols].astype(str), index=False).sum()
        name = str(f.attrs.get("edition") or f"earlier edition {k + 1}")
        if sig in seen:  # named after every edition that published it
            first = out[seen[sig]]
            first.attrs["edition"] = f"{first.attrs['edition']}, {name}"
            continue
        seen[sig] = len(out)
        out.append(f.copy(deep=False))
        out[-1].attrs["edition"] = name
    return out


def _carried(model: Model, out: pd.DataFrame, earlier: Sequence[pd.DataFrame]) -> set[Cell]:
    """Cells hidden in an earlier edition for the same period stay hidden: the numerator of
    every row marked [c] there, and its denominator where that was blank too."""
    carried: set[Cell] = set()
    for frame in earlier:
        if "symbol" not in frame.columns:
            continue
        marked = frame[frame["symbol"].fillna("").astype(str).str.contains(SUPPRESSED,
                                                                            regex=False)]
        blank_den = marked["denominator"].isna() if "denominator" in marked.columns \
            else True  # no denominators published at all
        for *key, no_den in marked[KEY].assign(_blank=blank_den).itertuples(index=False,
                                                                            name=None):
            for part in ("n", "d") if no_den else ("n",):
                if (*key, part) in model.value:
                    carried.add(model.canon((*key, part)))
    return carried


def _hidden_rows(model: Model, hidden: set[Cell]) -> tuple[set[int], set[int]]:
    rows: set[int] = set()
    den_rows: set[int] = set()
    for cell, places in model.rows.items():
        if model.canon(cell) not in hidden:
            continue
        for idx, part in places:
            rows.add(idx)
            if part == "d":
                den_rows.add(idx)
    return rows, den_rows


def apply_hidden(out: pd.DataFrame, rows: set[int], den_rows: set[int]) -> None:
    """Blank hidden rows (and hidden denominators) in place, mark them [c], rank the shown
    values among themselves, and blank what repeats a hidden value elsewhere."""
    mask = out.index.isin(list(rows))
    for column in (*HIDDEN_COLUMNS, *RANKS_AND_COMPARISONS):
        if column in out.columns and mask.any():
            out[column] = out[column].astype(object)
            out.loc[mask, column] = None
    den_mask = out.index.isin(list(den_rows))
    if den_mask.any():
        out["denominator"] = out["denominator"].astype(object)
        out.loc[den_mask, "denominator"] = None

    def marked(symbol: object) -> str:
        text = "" if symbol is None or pd.isna(symbol) else str(symbol).replace("[x]", "")
        text = text.replace(SUPPRESSED, "")
        return " ".join(s for s in (SUPPRESSED, " ".join(text.split())) if s)

    if mask.any():
        out["symbol"] = out["symbol"].astype(object)
        out.loc[mask, "symbol"] = out.loc[mask, "symbol"].map(marked)
    _blank_what_points_at(out, rows)
    _ranks_among_shown(out, rows)


def _keys(frame: pd.DataFrame, rows: Iterable[int], columns: list[str]) -> set[tuple]:
    rows = list(rows)
    if not rows:
        return set()
    return set(frame.loc[rows, columns].itertuples(index=False, name=None))


def _among(out: pd.DataFrame, columns: list[str], keys: set[tuple], *extra: str
           ) -> list[bool]:
    """For each row, whether its values in `columns` (plus `extra`) form one of `keys`."""
    if not keys:
        return [False] * len(out)
    return [(*k, *extra) in keys for k in out[columns].itertuples(index=False, name=None)]


def _blank_what_points_at(out: pd.DataFrame, hide: set[int]) -> None:
    """Blank the cells of other rows that repeat a hidden value: the next period's previous
    value and change, and comparators equal to a hidden England or region value."""
    series = ["indicator_id", "area_code", "breakdown"]
    if {"previous_period_id", *series} <= set(out.columns):
        hidden = _keys(out, hide, [*series, "period_id"])
        pointing = _among(out, [*series, "previous_period_id"], hidden)
        for column in ("previous_value", "change", "direction"):
            if column in out.columns and any(pointing):
                out[column] = out[column].astype(object)
                out.loc[pointing, column] = None
    slice_ = ["indicator_id", "period_id", "breakdown"]
    if not set(slice_) <= set(out.columns):
        return
    hidden_areas = _keys(out, hide, [*slice_, "area_code"])
    if "england_value" in out.columns:
        england = _among(out, slice_, hidden_areas, ENGLAND)
        if any(england):
            out.loc[england, "england_value"] = None
            for column in ("england_comparison", "england_comparison_998"):
                if column in out.columns:
                    out.loc[england, column] = None
    if {"region_value", "region_code"} <= set(out.columns):
        region = _among(out, [*slice_, "region_code"], hidden_areas)
        if any(region):
            out.loc[region, "region_value"] = None
            for column in ("region_comparison", "region_comparison_998"):
                if column in out.columns:
                    out.loc[region, column] = None


_RANK_PHRASE = re.compile(r"rank \d+ of \d+")


def _ranks_among_shown(out: pd.DataFrame, hide: set[int]) -> None:
    """Ranks count shown values only, so a hidden value leaves no gap; a rank phrase in a
    note ("rank 3 of 147") is rewritten from the rank shown."""
    if not hide or "value" not in out.columns:
        return
    touched = set(out.loc[list(hide), "indicator_id"])
    scope = out["indicator_id"].isin(touched)
    group = ["indicator_id", "period_id", "breakdown"]
    for rank, of in (("rank", "rank_of"), ("council_rank", "council_rank_of")):
        if rank not in out.columns or of not in out.columns:
            continue
        ranked = scope & out[of].notna() & out["value"].notna()
        if not ranked.any():  # nothing in these indicators is ranked
            continue
        values = pd.to_numeric(out.loc[ranked, "value"])
        keys = [out.loc[ranked, c] for c in group]
        out[rank] = out[rank].astype(object)
        out[of] = out[of].astype(object)
        out.loc[ranked, rank] = values.groupby(keys).rank(method="min", ascending=False
                                                          ).astype(int).tolist()
        out.loc[ranked, of] = values.groupby(keys).transform("size").astype(int).tolist()
        if "note" in out.columns:
            noted = ranked & out["note"].notna()
            out.loc[noted, "note"] = [
                _RANK_PHRASE.sub(f"rank {int(r)} of {int(n)}", str(text))
                for text, r, n in zip(out.loc[noted, "note"], out.loc[noted, rank],
                                      out.loc[noted, of], strict=True)]


def published_text(value: object, symbol: object) -> str:
    """A figure as published text: '[c]' where hidden, '[x]' where missing; for facts pages,
    workbooks and request outputs to say the same thing from the protected values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SUPPRESSED if SUPPRESSED in str(symbol or "") else "[x]"
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,.1f}"
