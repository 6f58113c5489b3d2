"""An outside attacker who holds only what is published: every file of an edition (and of
earlier editions), the workbook, the facts page and its CSVs, request outputs.

Written apart from reporting/disclosure.py on purpose: its identities are the ones an outsider
would guess from the published definitions (the issue 17 routes), set down here by hand, and
it solves them with its own linear programmes. It reports, for every [c] cell, the least and
greatest value consistent with everything it holds."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy.optimize import linprog

from warehouse.db import quote_identifier

SUPPRESSED = "[c]"
ENGLAND = "E92000001"
KEY = ["indicator_id", "area_code", "period_id", "breakdown"]

# Totals an outsider reads off the definitions: these breakdowns add up to the `all` row.
SUMMED_BREAKDOWNS = ("young_carers_referrals", "event_attendance_total",
                     "information_pack_requests", "young_carers_identified")
# One count published twice: (indicator, breakdown, part) pairs.
SAME = [
    (("coproduction_attendance", "all", "n"), ("event_attendance_total", "coproduction_session",
                                               "n")),
    (("young_carers_referrals_from_schools_pct", "all", "n"), ("young_carers_referrals",
                                                               "school", "n")),
    (("young_carers_referrals_from_schools_pct", "all", "d"), ("young_carers_referrals", "all",
                                                               "n")),
    (("young_carers_identified_per_1000", "all", "n"), ("young_carers_identified", "all", "n")),
    (("network_meeting_attendance_rate", "all", "n"), ("network_meeting_attendance_mean", "all",
                                                       "n")),
    (("carer_assessment_wait_days_median", "all", "d"), ("carer_assessments_requested", "all",
                                                         "n")),
    (("carer_assessment_wait_days_p90", "all", "d"), ("carer_assessments_requested", "all",
                                                      "n")),
]
PROPORTIONS = ("_pct", "ascof_1c")
FLAT_RATES = (50, 100, 150, 200, 250, 300, 400, 500)

Cell = tuple


def hidden_mask(frame: pd.DataFrame) -> pd.Series:
    return frame["symbol"].fillna("").astype(str).str.contains(SUPPRESSED, regex=False)


def _num(x) -> float | None:
    if x is None or (isinstance(x, str) and not x.strip()):
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _cells(frame: pd.DataFrame, tag: str) -> tuple[dict, set]:
    """Known values and unknown cells of one published indicator_values table."""
    known, unknown = {}, set()
    hidden = hidden_mask(frame).tolist()
    for h, r in zip(hidden, frame.to_dict("records"), strict=True):
        key = (tag, *(r[k] for k in KEY))
        n, d = _num(r.get("numerator")), _num(r.get("denominator"))
        if n is not None:
            known[(*key, "n")] = n
        elif h:
            unknown.add((*key, "n"))
        if d is not None:
            known[(*key, "d")] = d
        elif h:
            unknown.add((*key, "d"))
        # A count shown only as its value (and a rate or percentage with its denominator).
        v = _num(r.get("value"))
        if n is None and not h and v is not None and d is not None and \
                str(r["indicator_id"]).endswith(PROPORTIONS):
            known[(*key, "n")] = v * d / 100
    return known, unknown


def equations(frame: pd.DataFrame, tag: str, known: dict, unknown: set) -> list[dict]:
    """The identities an outsider writes down for one edition."""
    eqs: list[dict] = []
    have = set(known) | unknown

    def c(ind, area, period, brk, part):
        cell = (tag, ind, area, period, brk, part)
        return cell if cell in have else None

    rows = frame.to_dict("records")
    groups = defaultdict(list)
    for r in rows:
        groups[(r["indicator_id"], r["area_code"], r["period_id"])].append(r["breakdown"])
    for (ind, area, period), brks in groups.items():
        if ind in SUMMED_BREAKDOWNS and "all" in brks and len(brks) > 1:
            for part in ("n", "d"):  # a rate's people denominators add up too
                if not c(ind, area, period, "all", part):
                    continue
                eq = {c(ind, area, period, "all", part): 1.0}
                for b in brks:
                    if b != "all" and c(ind, area, period, b, part):
                        eq[c(ind, area, period, b, part)] = -1.0
                eqs.append(eq)
        if ind == "carer_assessment_outcomes":
            total = c("carer_assessments_requested", area, period, "all", "n")
            if total:
                eq = {total: 1.0}
                for b in brks:
                    eq[c(ind, area, period, b, "n")] = -1.0
                eqs.append(eq)
        if ind.endswith(PROPORTIONS):
            for b in brks:
                n, d = c(ind, area, period, b, "n"), c(ind, area, period, b, "d")
                if n and d:
                    comp = (tag, ind, area, period, b, "complement")
                    unknown.add(comp)
                    eqs.append({d: 1.0, n: -1.0, comp: -1.0})
    for r in rows:
        for a, b in SAME:
            if (r["indicator_id"], r["breakdown"]) == a[:2]:
                x = c(a[0], r["area_code"], r["period_id"], a[1], a[2])
                y = c(b[0], r["area_code"], r["period_id"], b[1], b[2])
                if x and y:
                    eqs.append({x: 1.0, y: -1.0})
    # Stock and flow: waiting now = waiting before (0 before the first year) + requested -
    # completed.
    waits = sorted(r["period_id"] for r in rows
                   if r["indicator_id"] == "carer_assessments_waiting_at_period_end")
    areas = {r["area_code"] for r in rows
             if r["indicator_id"] == "carer_assessments_waiting_at_period_end"}
    for area in areas:
        previous = None
        for period in waits:
            w = c("carer_assessments_waiting_at_period_end", area, period, "all", "n")
            req = c("carer_assessments_requested", area, period, "all", "n")
            done = c("carer_assessments_completed", area, period, "all", "n")
            if w and req and done:
                eq = {w: 1.0, req: -1.0, done: 1.0}
                if previous:
                    eq[previous] = eq.get(previous, 0.0) - 1.0
                eqs.append(eq)
            previous = w
    # COVID grant: applications - ineligible = awards; a flat-rate amount / rate = awards.
    for r in rows:
        if r["indicator_id"] != "covid_grant_applications":
            continue
        area, period = r["area_code"], r["period_id"]
        apps = c("covid_grant_applications", area, period, "all", "n")
        inel = c("covid_grant_ineligible", area, period, "all", "n")
        amount = frame[(frame.indicator_id == "covid_grant_amount_awarded_gbp")
                       & (frame.period_id == period)]
        money = _num(amount["value"].iloc[0]) if len(amount) else None
        if apps and inel:
            awards = (tag, "covid_awards", area, period, "all", "n")
            unknown.add(awards)
            eqs.append({apps: 1.0, inel: -1.0, awards: -1.0})
            if money:
                for rate in FLAT_RATES:
                    if money % rate == 0 and money / rate <= (known.get(apps) or math.inf):
                        guess = ("guess", "covid_awards", area, period, rate)
                        known[guess] = money / rate
                        eqs.append({awards: 1.0, guess: -1.0})
                        break
    # Districts add up to their region where those rows are sums of districts.
    if "is_sum_of_districts" in frame.columns:
        districts = defaultdict(list)  # each region's district rows, in the table's order
        for o in rows:
            if o.get("area_level") == "district":
                districts[(o.get("region_code"), o["indicator_id"], o["period_id"],
                           o["breakdown"])].append(o)
        for r in rows:
            if r.get("area_level") == "region" and bool(r.get("is_sum_of_districts")):
                for part in ("n", "d"):
                    total = c(r["indicator_id"], r["area_code"], r["period_id"],
                              r["breakdown"], part)
                    parts = [c(o["indicator_id"], o["area_code"], o["period_id"],
                               o["breakdown"], part)
                             for o in districts.get((r["area_code"], r["indicator_id"],
                                                     r["period_id"], r["breakdown"]), [])]
                    if total and parts:
                        eqs.append({total: 1.0, **{p: -1.0 for p in parts if p}})
    return [{k: v for k, v in eq.items() if k is not None} for eq in eqs]


def intervals(editions: list[pd.DataFrame], truths: list[pd.DataFrame] | None = None
              ) -> dict[Cell, tuple[float, float]]:
    """For every [c] cell of the last edition (and of the earlier ones), the least and
    greatest value consistent with every edition given, the identities above, and counts
    >= 0. Editions one row apart: a cell is taken as unchanged from the edition before. With
    `truths` (the true tables, which tests hold) the outsider is told exactly which cells did
    not change: the strongest guess an attacker could make."""
    known: dict = {}
    unknown: set = set()
    eqs: list[dict] = []
    for k, frame in enumerate(editions):
        kn, unk = _cells(frame, f"e{k}")
        eqs += equations(frame, f"e{k}", kn, unk)  # adds derived unknowns and guesses
        known.update(kn)
        unknown |= unk
    # Link each cell of an edition to the same cell of the edition before (hidden in both,
    # or shown before and hidden now: then it is the value shown before).
    links = []
    for k in range(1, len(editions)):
        same = _unchanged(truths[k - 1], truths[k]) if truths else None
        for cell in [u for u in unknown if u[0] == f"e{k}"]:
            before = (f"e{k - 1}", *cell[1:])
            if (before in unknown or before in known) and (
                    same is None or cell[1:] in same):
                links.append({cell: 1.0, before: -1.0})
    cache: dict = {}  # groups no link or equation changed are not solved again
    result = _solve(eqs + links, known, unknown, cache=cache)
    if result is None:  # a revised cell: keep the links that still fit, one by one
        kept: list[dict] = []
        for link in links:
            if _solve(eqs + kept + [link], known, unknown, only_check=True,
                      cache=cache) is not None:
                kept.append(link)
        result = _solve(eqs + kept, known, unknown, cache=cache)
    if result is None:
        raise AssertionError("the published editions contradict the outsider's identities")
    return result


def _unchanged(before: pd.DataFrame, after: pd.DataFrame) -> set[tuple]:
    """Cells (indicator, area, period, breakdown, part) with the same true value in both."""
    out = set()
    for part, column in (("n", "numerator"), ("d", "denominator")):
        a = before.set_index(KEY)[column].dropna().to_dict()
        b = after.set_index(KEY)[column].dropna().to_dict()
        out |= {(*k, part) for k, v in b.items() if k in a and math.isclose(a[k], v)}
    return out


def recovered(result: dict[Cell, tuple[float, float]], truths: list[pd.DataFrame],
              editions: list[pd.DataFrame] | None = None, width: float = 5.0) -> dict:
    """The narrowed cells whose interval holds the true value: a correct recovery (an
    interval that misses the truth came from a wrong guess and discloses nothing). A cell an
    earlier edition showed with the same value is public already, not recovered."""
    shown_before: set = set()
    for k, frame in enumerate(editions or []):
        kn, _ = _cells(frame, f"e{k}")
        shown_before |= {(f"e{j}", *c[1:], v) for c, v in kn.items()
                         for j in range(k + 1, len(editions))}
    out = {}
    for cell, (lo, hi) in narrowed(result, width).items():
        k = int(cell[0][1:]) if str(cell[0]).startswith("e") else None
        if k is None or cell[-1] not in ("n", "d"):
            continue
        frame = truths[k].set_index(KEY)
        key = tuple(cell[1:5])
        if key not in frame.index:
            continue
        value = frame.loc[key, "numerator" if cell[-1] == "n" else "denominator"]
        value = float(value.iloc[0]) if isinstance(value, pd.Series) else value
        if value is not None and not pd.isna(value) and lo - 1e-6 <= value <= hi + 1e-6 \
                and (*cell, float(value)) not in shown_before:
            out[cell] = (lo, hi)
    return out


def _solve(eqs: list[dict], known: dict, unknown: set, only_check: bool = False,
           cache: dict | None = None) -> dict | None:
    """The least and greatest value of every unknown n or d cell subject to the equations and
    every unknown >= 0 (None when they contradict each other; with `only_check`, {} when they
    do not). The unknowns fall into groups no equation links: a cell's bounds depend on its
    own group's equations only, so each group is solved on its own (the same linear
    programmes, small instead of one wide one). `cache` keeps each group's answer by its
    equations, for a caller that solves nearly the same system again."""
    eqs = [eq for eq in eqs if any(c in unknown for c in eq)]
    order = sorted(unknown, key=str)
    if not only_check and not any(c[-1] in ("n", "d") for c in order):
        return {}
    parent = {c: c for c in order}

    def root(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for eq in eqs:
        cells = [c for c in eq if c in unknown]
        for c in cells[1:]:
            a, b = root(cells[0]), root(c)
            if a != b:
                parent[b] = a
    groups: dict = {}
    for c in order:
        groups.setdefault(root(c), ([], []))[0].append(c)
    for eq in eqs:
        groups[root(next(c for c in eq if c in unknown))][1].append(eq)
    # Groups with a cell to bound are solved one by one; those without (a complement of two
    # shown counts, say) only have to be consistent: one linear programme checks them all.
    batches, lone = [], ([], [])
    for cells, group_eqs in groups.values():
        rows = [(tuple((c, v) for c, v in eq.items() if c in unknown),
                 -sum(v * known[c] for c, v in eq.items() if c not in unknown))
                for eq in group_eqs]
        if any(c[-1] in ("n", "d") for c in cells):
            batches.append((cells, rows))
        else:
            lone[0].extend(cells)
            lone[1].extend(rows)
    if lone[0]:
        batches.append(lone)
    out: dict = {}
    for cells, rows in batches:
        key = (only_check, tuple(cells), tuple(rows))
        if cache is None or key not in cache:
            answer = _solve_group(cells, rows, only_check)
            if cache is not None:
                cache[key] = answer
        else:
            answer = cache[key]
        if answer is None:
            return None
        out.update(answer)
    return out


def _solve_group(order: list, rows: tuple, only_check: bool) -> dict | None:
    pos = {c: i for i, c in enumerate(order)}
    a = np.zeros((len(rows), len(order)))
    b = np.zeros(len(rows))
    for i, (terms, rhs) in enumerate(rows):
        for c, v in terms:
            a[i, pos[c]] += v
        b[i] = rhs
    out = {}
    targets = [c for c in order if c[-1] in ("n", "d")]
    if only_check or not targets:  # a group with no cell to bound must still be consistent
        res = linprog(np.zeros(len(order)), A_eq=a if len(rows) else None,
                      b_eq=b if len(rows) else None, bounds=(0, None), method="highs")
        return None if res.status == 2 else {}
    for c in targets:
        bounds = []
        for sign in (1.0, -1.0):
            cost = np.zeros(len(order))
            cost[pos[c]] = sign
            res = linprog(cost, A_eq=a if len(rows) else None, b_eq=b if len(rows) else None,
                          bounds=(0, None), method="highs")
            if res.status == 2:
                return None
            bounds.append((-math.inf if sign > 0 else math.inf) if res.status == 3
                          else sign * res.fun)
        out[c] = (max(0.0, bounds[0]), bounds[1])
    return out


def narrowed(result: dict[Cell, tuple[float, float]], width: float = 5.0) -> dict:
    """The [c] cells an outsider pins or narrows: an interval narrower than `width`, or one
    inside 1-4."""
    return {c: iv for c, iv in result.items()
            if iv[1] - iv[0] < width - 1e-6 or (iv[0] >= 1 - 1e-6 and iv[1] <= 4 + 1e-6)}


# --- reading everything --------------------------------------------------------------------

def every_text(folder: Path) -> dict[str, str]:
    """Every file of a folder as text: CSV, JSON, HTML, Markdown as they are; Parquet, XLSX
    and DuckDB files through their readers; PNG images skipped (their text alternatives are
    in the HTML)."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix in (".csv", ".json", ".html", ".md", ".txt"):
            texts[str(path.relative_to(folder))] = path.read_text(errors="replace")
        elif suffix == ".parquet":
            texts[str(path.relative_to(folder))] = pd.read_parquet(path).to_csv(index=False)
        elif suffix == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
            texts[str(path.relative_to(folder))] = "\n".join(
                s.to_csv(index=False) for s in sheets.values())
        elif suffix == ".duckdb":
            con = duckdb.connect(str(path), read_only=True)
            try:
                names = [t for (t,) in con.execute("show tables").fetchall()]
                texts[str(path.relative_to(folder))] = "\n".join(
                    con.sql(f"select * from {quote_identifier(n)}").df().to_csv(index=False)
                    for n in names)
            finally:
                con.close()
    return texts


def row_references(texts: dict[str, str], people_files: set[str]) -> list[str]:
    """Places where a published file names rows (or a row count) of a file about people."""
    found = []
    for name, text in texts.items():
        for file in people_files:
            for m in re.finditer(re.escape(file) + r"[^\n;]{0,40}?\brows?\b[ :=]*\d", text):
                found.append(f"{name}: {m.group()}")
        if name.endswith("manifest.json"):
            manifest = json.loads(text)
            for entry in manifest.get("inputs", []):
                if entry.get("file") in people_files and "rows" in entry:
                    found.append(f"{name}: {entry}")
    lineage = texts.get("indicator_lineage.csv")
    if lineage:
        frame = pd.read_csv(pd.io.common.StringIO(lineage))
        bad = frame[frame.source_file.isin(people_files) & frame.source_rows.notna()]
        found += [f"indicator_lineage.csv: {r}" for r in bad.to_dict("records")[:3]]
    return found


PEOPLE_PHRASE = re.compile(r"\b\d[\d,]*\s+(people|carers|applicants|young carers|referrals|"
                           r"members|attendees|pupils|beneficiaries|respondents)\b", re.I)
SUPPRESSION_RULE = re.compile(r"\b1\s*(-|to|and)\s*$", re.I)  # "counts of 1-4 carers"
THRESHOLD_WORDS = re.compile(r"(under|below|over|above|fewer than|less than|more than|"
                             r"at least)\s*$", re.I)


def counts_of_people_stated(text: str) -> list[str]:
    """'4 applicants', '31 people': a number of people stated in text (a threshold such as
    'under 30 carers' is a rule, not a count)."""
    return [m.group() for m in PEOPLE_PHRASE.finditer(text)
            if not THRESHOLD_WORDS.search(text[:m.start()])
            and not SUPPRESSION_RULE.search(text[:m.start()])]


def absolute_paths(texts: dict[str, str]) -> list[str]:
    return [f"{name}: {m.group()}" for name, text in texts.items()
            for m in re.finditer(r"(?<![\w.])/(tmp|home|root|work|Users|var)/[^\s\"',]+", text)]


def rank_gaps(values: pd.DataFrame) -> list[tuple]:
    """Groups whose shown ranks are not the competition ranks of the shown values (a hidden
    value would leave a gap)."""
    bad = []
    for rank, of in (("rank", "rank_of"), ("council_rank", "council_rank_of")):
        if rank not in values.columns:
            continue
        shown = values[values[rank].notna() & values["value"].notna()]
        for key, group in shown.groupby(["indicator_id", "period_id", "breakdown"]):
            expected = group["value"].astype(float).rank(method="min", ascending=False)
            if (expected.astype(int).tolist() != group[rank].astype(int).tolist()
                    or set(group[of].astype(int)) != {len(group)}):
                bad.append((rank, *key))
    return bad
