"""Select Commission data requests, answered from the published copy only.

A request names indicators (by id, or by words: a ranked shortlist when the words are
ambiguous), areas (codes or names, with near names suggested for a misspelling; or groups:
South Yorkshire, the region's districts, all English districts), periods (`2024/25`,
`2024-25`, `FY2024`, `2024`, `latest`, ranges such as `2022/23..2024/25`, or "since YEAR"),
breakdowns and comparators (England, the region). How each period was read (a plain year
is a financial, academic or calendar year depending on the indicator) is stated in the
answer. The answer is read from the `published.duckdb` of an edition (default `latest`),
opened read-only: never the live warehouse. Disclosure control is applied again on the rows
taken, so a request can never show a count of people from 1 to 4. Every figure comes with
its indicator's definition, sources, caveats and the meaning of each symbol used; each row
carries its own source and notes.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reporting import spreadsheet
from reporting.disclosure import SUPPRESSED, suppress
from reporting.editions import (
    LATEST,
    PUBLISHED_DB,
    BoundaryError,
    edition_folder,
    file_sha256,
)
from sources.safe_text import neutralise_frame

SYMBOLS = {
    "[c]": "confidential: a count of people from 1 to 4, or a figure from which one could be "
           "worked out, is suppressed",
    "[x]": "not available",
    "[z]": "not applicable (for example England compared with itself, or the denominator "
           "of a count)",
    "[b]": "break in series: not comparable with the period before",
    "[p]": "provisional",
    "[r]": "revised",
    "[e]": "estimated",
    "[u]": "low reliability",
}
COMPARATORS = ("england", "region")
FORMATS = ("csv", "xlsx", "md")
DEFAULT_AREA = "E08000018"  # Rotherham
# The four metropolitan boroughs of South Yorkshire (the Mayoral Combined Authority's area).
SOUTH_YORKSHIRE = ("E08000016", "E08000017", "E08000018", "E08000019")
AREA_GROUPS = {
    "south-yorkshire": "the four South Yorkshire districts: Barnsley, Doncaster, Rotherham "
                       "and Sheffield",
    "region": "every district in Rotherham's region (Yorkshire and The Humber)",
    "all-districts": "every English district (local authority district) held",
}
SHORTLIST = 8  # indicators listed when a phrase is ambiguous or matches nothing
MOST_MATCHES = 6  # a phrase matching more indicators than this is ambiguous
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "by", "did", "do", "for", "from", "get", "has",
    "have", "how", "in", "into", "is", "it", "many", "much", "of", "on", "or", "over", "per",
    "the", "their", "there", "to", "was", "we", "were", "what", "which", "who", "with"))
PERIOD_TYPES = {
    "financial_year": "financial year",
    "academic_year": "academic year",
    "calendar_year": "calendar year",
    "census_day": "census day",
}


class RequestError(ValueError):
    """The request cannot be answered as asked: the message says why and what to do."""


@dataclass
class Request:
    indicators: list[str]
    areas: list[str] = field(default_factory=list)  # none and no group: Rotherham
    periods: list[str] = field(default_factory=list)
    since: int | None = None
    comparators: list[str] = field(default_factory=lambda: list(COMPARATORS))
    edition: str = LATEST
    area_groups: list[str] = field(default_factory=list)
    breakdowns: list[str] = field(default_factory=list)


@dataclass
class Answer:
    request: Request
    edition: str
    edition_path: Path
    figures: pd.DataFrame
    notes: pd.DataFrame
    symbols: dict[str, str]
    manifest_sha256: str
    # How the request was read (periods, words, groups) and what was left out, for people.
    readings: list[str] = field(default_factory=list)
    catalogue: pd.DataFrame | None = None


def open_published(publish_root: Path, edition: str = LATEST) -> tuple[Path, Path]:
    """The edition folder and its published DuckDB file, or a clear error. Only an edition
    directly under the publish folder is read (reporting.editions.edition_folder)."""
    try:
        folder = edition_folder(publish_root, edition)
    except BoundaryError as error:
        raise RequestError(str(error)) from error
    if not folder.exists():
        if edition == LATEST:
            raise RequestError(
                f"No published edition in {publish_root}: run `carers refresh` first (requests "
                "are answered from the published copy only, never the live warehouse).")
        known = sorted(p.name for p in publish_root.glob("2*") if p.is_dir())
        raise RequestError(f"Edition {edition!r} not found in {publish_root}. Editions: "
                           f"{', '.join(known) or 'none'}.")
    folder = folder.resolve()
    database = folder / PUBLISHED_DB
    if not database.is_file():
        raise RequestError(
            f"Edition {folder.name} has no {PUBLISHED_DB} (published before requests were "
            "supported): run `carers refresh` to publish a new edition.")
    return folder, database


def _read(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> pd.DataFrame:
    return con.sql(sql, params=params).to_arrow_table().to_pandas()


def _listed(items: list[str], most: int = 8) -> str:
    items = list(dict.fromkeys(str(i) for i in items))
    if len(items) <= most:
        return ", ".join(items)
    return f"{', '.join(items[:most])} and {len(items) - most} more"


# --- indicators -------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", str(text).lower().replace("'s", ""))
            if w and w not in STOP_WORDS]


SUFFIXES = ("s", "es", "ed", "ing", "er", "ers")


def _same_word(asked: str, held: str) -> bool:
    """`referred` finds `referrals` and `identify` finds `identified` (the first five letters
    the same); `schools` finds `school` and `wait` finds `waiting` (an ending added). `carers`
    does not find `care`, nor `week` `weekly`."""
    if asked == held:
        return True
    short, long_ = sorted((asked, held), key=len)
    if len(short) >= 5 and short[:5] == long_[:5]:
        return True
    return len(short) >= 3 and long_.startswith(short) and long_[len(short):] in SUFFIXES


def _found(word: str, held: list[str]) -> bool:
    """The word, a word sharing its stem, or a near spelling (`asessments`)."""
    return any(_same_word(word, h) for h in held) or (
        len(word) >= 5 and bool(difflib.get_close_matches(word, held, n=1, cutoff=0.85)))


@dataclass
class _Match:
    indicator_id: str
    title: str
    score: float
    complete: bool  # every word found in the title, id or breakdowns
    via_breakdown: list[str]


def _rank(catalogue: pd.DataFrame, breakdowns: dict[str, list[str]], phrase: str
          ) -> list[_Match]:
    asked = _words(phrase)
    matches = []
    for row in catalogue.itertuples(index=False):
        title = _words(row.title) + _words(row.indicator_id.replace("_", " "))
        parts = [b for b in breakdowns.get(row.indicator_id, []) if b != "all"]
        split = {b: _words(b.replace("_", " ")) for b in parts}
        definition = _words(row.definition)
        score, complete, via = 0.0, bool(asked), []
        for word in asked:
            if word in title:
                score += 3
            elif _found(word, title):
                score += 2.5
            elif any(_found(word, w) for w in split.values()):
                score += 2
                via += [b for b, w in split.items() if _found(word, w)]
            elif _found(word, definition):
                score += 1
                complete = False
            else:
                complete = False
        if score:
            matches.append(_Match(row.indicator_id, row.title, score / max(len(asked), 1),
                                  complete, list(dict.fromkeys(via))))
    return sorted(matches, key=lambda m: (-m.complete, -m.score, len(m.title), m.indicator_id))


def _shortlist(matches: list[_Match]) -> str:
    return "\n".join(f"  {n}. {m.indicator_id}: {m.title}"
                     + (f" (breakdown {', '.join(m.via_breakdown)})" if m.via_breakdown else "")
                     for n, m in enumerate(matches[:SHORTLIST], 1))


def choose_indicators(catalogue: pd.DataFrame, wanted: list[str],
                      breakdowns: dict[str, list[str]] | None = None,
                      readings: list[str] | None = None) -> list[str]:
    """Ids for each wanted id or phrase: an exact id; else the indicators whose title, id or
    breakdowns hold every word of the phrase (`referred` finds `referrals`). A phrase that
    fits no indicator completely, or more than MOST_MATCHES, is refused with a ranked
    shortlist to choose from."""
    if not wanted:
        raise RequestError("Name at least one indicator (`--indicator ID` or words in its "
                           "title); `carers request --list` shows them all.")
    breakdowns = breakdowns or {}
    chosen: list[str] = []
    by_id = {i.lower(): i for i in catalogue["indicator_id"]}
    for item in wanted:
        if item.strip().lower() in by_id:
            matches = [by_id[item.strip().lower()]]
        else:
            ranked = _rank(catalogue, breakdowns, item)
            complete = [m for m in ranked if m.complete]
            if not complete:
                hint = (f" Closest, best first:\n{_shortlist(ranked)}\n" if ranked else
                        f" Indicators published ({len(catalogue)}):\n" + "\n".join(
                            f"  {i}: {t}" for i, t in zip(catalogue.indicator_id,
                                                          catalogue.title, strict=True)) + "\n")
                raise RequestError(
                    f"No indicator in this edition matches {item!r} (by id, or by every word "
                    f"of it in its title or breakdowns).{hint}Give an id from the list, or "
                    "other words; `carers request --list` lists every indicator.")
            if len(complete) > MOST_MATCHES:
                raise RequestError(
                    f"{item!r} matches {len(complete)} indicators; name one, by id or more "
                    f"words. Best matches first:\n{_shortlist(complete)}")
            matches = [m.indicator_id for m in complete]
            if readings is not None:
                found = "; ".join(
                    m.indicator_id + (f" (by its breakdown {', '.join(m.via_breakdown)}: "
                                      f"--breakdown {m.via_breakdown[0]} shows only that)"
                                      if m.via_breakdown else "") for m in complete)
                readings.append(f"Indicator words {item!r} matched: {found}.")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


# --- areas ------------------------------------------------------------------------------

def _area_key(name: str) -> str:
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(w for w in text.split() if w != "the")


def _group_codes(areas: pd.DataFrame, group: str) -> list[str]:
    key = re.sub(r"[\s_]+", "-", group.strip().lower())
    districts = areas[areas.area_level == "district"]
    if key == "south-yorkshire":
        return [c for c in SOUTH_YORKSHIRE if c in set(areas.area_code)]
    if key == "region":
        home = areas.loc[areas.area_code == DEFAULT_AREA, "region_code"].dropna()
        return sorted(districts.loc[districts.region_code.isin(home), "area_code"])
    if key == "all-districts":
        return sorted(districts.area_code)
    raise RequestError(f"Area group {group!r} is not known. Groups: "
                       + "; ".join(f"{k} ({v})" for k, v in AREA_GROUPS.items()) + ".")


def choose_areas(con: duckdb.DuckDBPyConnection, wanted: list[str],
                 groups: list[str] | None = None) -> list[str]:
    """Codes for each wanted code or name (case, `&` and `the` do not matter), then for each
    group. A name not held gets the nearest names held as suggestions."""
    areas = _read(con, "select distinct area_code, area_name, area_level, region_code "
                       "from indicator_values")
    keys = {_area_key(n): c for c, n in zip(areas.area_code, areas.area_name, strict=True)}
    names = dict(zip(areas.area_code, areas.area_name, strict=True))
    codes: list[str] = []
    for item in wanted or ([] if groups else [DEFAULT_AREA]):
        code = next((c for c in names if c.lower() == item.strip().lower()), None) \
            or keys.get(_area_key(item))
        if code is None:
            near = difflib.get_close_matches(_area_key(item), list(keys), n=5, cutoff=0.6)
            near += [k for k in keys if _area_key(item) and _area_key(item) in k
                     and k not in near][:5 - len(near)]
            hint = (f" Did you mean: {', '.join(names[keys[k]] for k in near)}?" if near
                    else " Give an ONS code (E08000018) or a name (Rotherham), or a group "
                         "with --area-group.")
            raise RequestError(f"Area {item!r} is not in this edition.{hint}")
        if code not in codes:
            codes.append(code)
    for group in groups or []:
        codes.extend(c for c in _group_codes(areas, group) if c not in codes)
    return codes


# --- periods ----------------------------------------------------------------------------

def _start(period_id: str) -> int:
    """FY2024, AY2024, CY2024 and CD2021 all carry the year the period starts in."""
    found = re.search(r"(19|20)\d\d", str(period_id))
    return int(found.group()) if found else 0


def _year_start(period_type: str, year: int) -> int:
    """The period a plain YEAR means for an indicator: the financial year starting in April
    of YEAR, the academic year whose January school census falls in YEAR, the calendar year
    or the census day."""
    return year - 1 if period_type == "academic_year" else year


def _describe(period_type: str, start: int) -> str:
    end = f"{(start + 1) % 100:02d}"
    if period_type == "financial_year":
        return f"financial year {start}/{end} (April {start} to March {start + 1})"
    if period_type == "academic_year":
        return (f"academic year {start}/{end} (September {start} to August {start + 1}; "
                f"school census January {start + 1})")
    if period_type == "census_day":
        return f"Census {start}"
    return f"calendar year {start}"


@dataclass
class PeriodSpec:
    """One `--period` as asked. `start(type)` is the start year it means for an indicator of
    that period type (None: it does not apply to that type)."""
    text: str
    kind: str  # "id", "year", "span", "latest", "label", "range"
    year: int = 0
    prefix: str = ""  # FY, AY, CY, CD for "id"
    low: PeriodSpec | None = None
    high: PeriodSpec | None = None
    wide: bool = False  # 2023-2024: the year 2023/24, or calendar years 2023 and 2024

    def years(self, period_type: str) -> tuple[int, int] | None:
        """The start years it covers for a type of period (a span written with two
        four-digit years covers both calendar years or census days)."""
        if self.kind == "span" and self.wide and period_type not in (
                "financial_year", "academic_year"):
            return self.year, self.year + 1
        start = self.start(period_type)
        return None if start is None else (start, start)

    def start(self, period_type: str) -> int | None:
        if self.kind == "id":
            return self.year if _PREFIX[self.prefix] == period_type else None
        if self.kind == "span":
            return self.year if period_type in ("financial_year", "academic_year") else None
        if self.kind == "year":
            return _year_start(period_type, self.year)
        return None

    def bound(self, period_type: str) -> int | None:
        """A range's end: as `start`, but a span or an id bounds any type by its year."""
        if self.kind == "latest":
            return None
        found = self.start(period_type)
        return self.year if found is None else found

    def matches(self, period_type: str, period_id: str, label: str, latest: int) -> bool:
        start = _start(period_id)
        if self.kind == "latest":
            return start == latest
        if self.kind == "label":
            return self.text.lower() in (str(period_id).lower(), str(label).lower())
        if self.kind == "range":
            assert self.low is not None and self.high is not None
            low = self.low.bound(period_type) if self.low.kind != "latest" else latest
            high = self.high.bound(period_type)
            return (low is None or start >= low) and (high is None or start <= high)
        covered = self.years(period_type)
        return covered is not None and covered[0] <= start <= covered[1]


_PREFIX = {"FY": "financial_year", "AY": "academic_year", "CY": "calendar_year",
           "CD": "census_day"}


def parse_period(text: str) -> PeriodSpec:
    """`2024/25`, `2024-25`, `202425`, `2024/2025` (a financial or academic year); `FY2024`,
    `AY2024`, `CY2024`, `CD2021`, `FY2024/25` (one period type); `2024` (a plain year, read
    per indicator); `latest`; `A..B` or `A to B` (a range of any of these; `2022-2024` too)."""
    t = text.strip()
    low = t.lower()
    if low == "latest":
        return PeriodSpec(t, "latest")
    parts = re.split(r"\s*(?:\.\.|\bto\b|–)\s*", t, maxsplit=1, flags=re.IGNORECASE)
    years = re.fullmatch(r"((?:19|20)\d\d)\s*-\s*((?:19|20)\d\d)", t)
    if years and int(years.group(2)) != int(years.group(1)) + 1:
        parts = [years.group(1), years.group(2)]
    if len(parts) == 2:
        a, b = parse_period(parts[0]), parse_period(parts[1])
        if "range" in (a.kind, b.kind) or "label" in (a.kind, b.kind):
            raise RequestError(f"Period range {text!r} is not understood: give two periods "
                               "such as 2022/23..2024/25, 2021 to 2024 or 2023..latest.")
        if a.kind != "latest" and b.kind != "latest" and a.year > b.year:
            a, b = b, a
        return PeriodSpec(t, "range", low=a, high=b)
    found = re.fullmatch(r"(FY|AY|CY|CD)\s*((?:19|20)\d\d)(?:\s*[/-]?\s*(\d\d|\d{4}))?", t,
                         re.IGNORECASE)
    if found:
        prefix, year = found.group(1).upper(), int(found.group(2))
        _check_span(text, year, found.group(3))
        return PeriodSpec(t, "id", year=year, prefix=prefix)
    found = re.fullmatch(r"((?:19|20)\d\d)\s*(?:[/-]\s*|)(\d\d|(?:19|20)\d\d)", t)
    if found:
        year = int(found.group(1))
        _check_span(text, year, found.group(2))
        return PeriodSpec(t, "span", year=year, wide=len(found.group(2)) == 4)
    if re.fullmatch(r"(19|20)\d\d", t):
        return PeriodSpec(t, "year", year=int(t))
    return PeriodSpec(t, "label")


def _check_span(text: str, year: int, second: str | None) -> None:
    if second is None:
        return
    expected = year + 1 if len(second) == 4 else (year + 1) % 100
    if int(second) != expected:
        raise RequestError(
            f"Period {text!r} is not a financial or academic year: the second year must follow "
            f"the first ({year}/{(year + 1) % 100:02d}). For a range of years write "
            f"{year}..{second if len(second) == 4 else 2000 + int(second)}.")


def _reading(spec: PeriodSpec, types: set[str], latest: dict[str, tuple[str, str]]) -> str:
    """How a period was read, for the indicators' period types."""
    if spec.kind == "latest":
        return "latest: " + "; ".join(f"{i} {label}" for i, (_, label) in latest.items())
    if spec.kind == "range":
        assert spec.low is not None and spec.high is not None
        low = _reading(spec.low, types, latest) if spec.low.kind != "latest" else "latest"
        high = _reading(spec.high, types, latest) if spec.high.kind != "latest" else "latest"
        return f"from {low} to {high}"
    if spec.kind == "label":
        return f"the period labelled {spec.text}"
    meant = []
    for kind in sorted(types):
        covered = spec.years(kind)
        if covered is not None:
            meant += [_describe(kind, y) for y in range(covered[0], covered[1] + 1)]
    return "; ".join(meant) or "no period of these indicators"


def since_spec(year: int) -> PeriodSpec:
    return PeriodSpec(f"since {year}", "range", low=PeriodSpec(str(year), "year", year=year),
                      high=PeriodSpec("latest", "latest"))


def _held(values: pd.DataFrame, ind: str) -> str:
    """What an edition holds for one indicator: periods, areas, breakdowns."""
    rows = values[values.indicator_id == ind]
    periods = rows.drop_duplicates("period_id").assign(_s=lambda f: f.period_id.map(_start))
    periods = periods.sort_values("_s")
    kind = PERIOD_TYPES.get(str(periods.period_type.iloc[0]), "period") if len(periods) else ""
    areas = rows.drop_duplicates("area_code")  # Rotherham, then by code: districts to England
    areas = areas.assign(_o=areas.area_code.map(lambda c: (c != DEFAULT_AREA, c))).sort_values("_o")
    if len(areas) <= 8:
        where = f"{len(areas)} area(s): {', '.join(areas.area_name)}"
    else:  # many areas: say whether Rotherham, its region and England are among them
        ours = areas[areas.area_code.isin([DEFAULT_AREA, "E12000003", "E92000001"])]
        where = f"{len(areas)} areas" + (f", including {', '.join(ours.area_name)}"
                                          if len(ours) else ", not Rotherham")
    return (f"{ind}: {kind}s {_listed(list(periods.period_label.astype(str)), 12)}; "
            f"{where}; breakdowns {_listed(sorted(set(rows.breakdown)), 12)}")


def _breakdown_key(text: str) -> str:
    return "_".join(_words(text.replace("-", " ")))


def _filter_breakdowns(values: pd.DataFrame, wanted: list[str], ids: list[str],
                       readings: list[str]) -> pd.DataFrame:
    held = values.breakdown.astype(str)
    keep = pd.Series(False, index=values.index)
    for item in wanted:
        key = _breakdown_key(item)
        hit = held.map(lambda b, k=key: b == k or _same_word(k, _breakdown_key(b)))
        if not hit.any():
            raise RequestError(
                f"No breakdown {item!r} in the figures asked for. Held:\n"
                + "\n".join(f"  {_held(values, i)}" for i in ids if (values.indicator_id == i)
                            .any()))
        keep |= hit
    for ind in ids:
        rows = values.indicator_id == ind
        if rows.any() and not (keep & rows).any():
            readings.append(f"{ind} has no breakdown {' or '.join(map(repr, wanted))} (held: "
                            f"{_listed(sorted(set(values.loc[rows, 'breakdown'])))}): "
                            "left out.")
    return values[keep]


def _filter_periods(values: pd.DataFrame, specs: list[PeriodSpec], ids: list[str],
                    readings: list[str]) -> pd.DataFrame:
    starts = values.period_id.map(_start)
    latest = {i: int(starts[values.indicator_id == i].max()) for i in ids
              if (values.indicator_id == i).any()}
    latest_label = {i: (values.loc[(values.indicator_id == i) & (starts == y), "period_id"]
                        .iloc[0], str(values.loc[(values.indicator_id == i) & (starts == y),
                                                 "period_label"].iloc[0]))
                    for i, y in latest.items()}
    types = set(values.period_type.astype(str))
    keep = pd.Series(False, index=values.index)
    for spec in specs:
        hit = pd.Series([spec.matches(t, p, lab, latest.get(i, 0)) for t, p, lab, i in zip(
            values.period_type.astype(str), values.period_id, values.period_label,
            values.indicator_id, strict=True)], index=values.index, dtype=bool)
        readings.append(f"Period {spec.text!r} read as: "
                        f"{_reading(spec, types, latest_label)}.")
        if not hit.any():
            raise RequestError(
                f"No published figures for period {spec.text!r} (read as "
                f"{_reading(spec, types, latest_label)}). Held:\n"
                + "\n".join(f"  {_held(values, i)}" for i in ids if i in latest)
                + "\nAsk for one of these periods, a range (2022/23..2024/25) or latest.")
        keep |= hit
    for ind in ids:
        rows = values.indicator_id == ind
        if rows.any() and not (keep & rows).any():
            readings.append(f"{ind} has no figures for the periods asked ({_held(values, ind)})"
                            ": left out.")
    return values[keep]


def _check_areas(named: list[str], names: dict[str, str], ids: list[str],
                 everything: pd.DataFrame, readings: list[str]) -> None:
    """A named area with no figure for any indicator asked is an error naming the areas
    held; one missing for some indicators is said in the answer."""
    held = {i: set(everything.loc[everything.indicator_id == i, "area_code"]) for i in ids}
    for code in named:
        missing = [i for i in ids if code not in held[i]]
        if len(missing) == len(ids):
            raise RequestError(
                f"{names.get(code, code)} ({code}) has no figures for {', '.join(ids)}: the "
                "edition holds them only for the areas below. Held:\n"
                + "\n".join(f"  {_held(everything, i)}" for i in ids))
        if missing:
            readings.append(f"{names.get(code, code)}: no figures for {', '.join(missing)}.")


def _say_areas_left_without(before: pd.DataFrame, after: pd.DataFrame, named: list[str],
                            names: dict[str, str], readings: list[str]) -> None:
    """A named area with figures for an indicator, but none in the periods asked, is said
    (with its own latest period), so its absence from the table is not a surprise."""
    kept = set(zip(after.indicator_id, after.area_code, strict=True))
    for (ind, code), rows in before.groupby(["indicator_id", "area_code"], sort=False):
        if code in named and (ind, code) not in kept and ind in set(after.indicator_id):
            last = rows.assign(_s=rows.period_id.map(_start)).sort_values("_s").iloc[-1]
            readings.append(f"{names.get(code, code)}: no figures for {ind} in the periods "
                            f"asked (its latest: {last.period_label}).")


def answer(publish_root: Path, request: Request) -> Answer:
    folder, database = open_published(publish_root, request.edition)
    comparators = _comparators(request.comparators)
    readings: list[str] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        catalogue = _read(con, "select * from indicators order by indicator_id")
        parts = _read(con, "select indicator_id, list(distinct breakdown order by breakdown) "
                           "as b from indicator_values group by all")
        ids = choose_indicators(catalogue, request.indicators,
                                dict(zip(parts.indicator_id, parts.b, strict=True)), readings)
        codes = choose_areas(con, request.areas, request.area_groups)
        named = choose_areas(con, request.areas) if request.areas or not request.area_groups \
            else []
        values = _read(con, "select * from indicator_values where indicator_id in "
                            "(select unnest($ids)) and area_code in (select unnest($codes))",
                       {"ids": ids, "codes": codes})
        names = dict(con.execute("select distinct area_code, area_name from indicator_values")
                     .fetchall())
        everything = _read(con, "select indicator_id, area_code, area_name, period_id, "
                                "period_type, period_label, breakdown from indicator_values "
                                "where indicator_id in (select unnest($ids))", {"ids": ids})
    finally:
        con.close()
    _check_areas(named, names, ids, everything, readings)
    if request.area_groups:
        held = set(values.area_code)
        missing = [c for c in codes if c not in held]
        readings.append(f"Area group(s) {', '.join(request.area_groups)}: {len(codes)} areas, "
                        f"{len(codes) - len(missing)} with figures for the indicators asked.")
    people = set(catalogue.loc[catalogue.disclosure == "people", "indicator_id"])
    # Protect every row taken for these indicators and areas, then narrow to the periods and
    # breakdowns asked: never less protection than the whole of what was read.
    values = suppress(values.reset_index(drop=True), people)
    if request.breakdowns:
        values = _filter_breakdowns(values, request.breakdowns, ids, readings)
    specs = [parse_period(p) for p in request.periods]
    if request.since is not None:
        specs.append(since_spec(request.since))
    if specs and not values.empty:
        before = values
        values = _filter_periods(values, specs, ids, readings)
        _say_areas_left_without(before, values, named, names, readings)
    if values.empty:
        raise RequestError(
            f"No published figures for {', '.join(ids)} in {_listed(codes)} as asked. Held:\n"
            + "\n".join(f"  {_held(everything, i)}" for i in ids))
    kept = [i for i in ids if i in set(values.indicator_id)]
    figures = _figures(values, comparators, kept, codes, catalogue)
    notes = _notes(catalogue[catalogue.indicator_id.isin(kept)].set_index("indicator_id")
                   .loc[kept].reset_index(), values)
    # Every symbol the answer shows, in any column (a note may say "[x]" too).
    used = sorted({s for column in figures.columns if column != "source"
                   for cell in figures[column] for s in re.findall(r"\[[a-z]\]", str(cell))
                   if s in SYMBOLS or column == "symbol"})
    return Answer(request, folder.name, folder, figures, notes,
                  {s: SYMBOLS.get(s, "see the edition's notes") for s in used},
                  file_sha256(folder / "manifest.json"), readings, catalogue)


def _comparators(asked: list[str]) -> list[str]:
    chosen: list[str] = []
    for item in asked:
        item = item.strip().lower()
        if item in ("both", "all"):
            chosen.extend(COMPARATORS)
        elif item == "none":
            continue
        elif item in COMPARATORS:
            chosen.append(item)
        else:
            raise RequestError(f"Comparator {item!r} is not known: use england, region, both "
                               "or none; to compare with another area add it with --area.")
    return list(dict.fromkeys(chosen))


def _number(value: Any) -> Any:
    """Whole numbers as integers (63, not 63.0); others to two decimal places."""
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)


def _shown(value: Any, symbol: str, missing: str = "[x]") -> Any:
    """A number as shown; if there is none, [z] where it does not apply (even on a
    suppressed row), else [c] if the row is suppressed, else the `missing` symbol."""
    if value is None or pd.isna(value):
        return SUPPRESSED if SUPPRESSED in symbol and missing != "[z]" else missing
    return _number(value)


def _has(value: Any) -> bool:
    return value is not None and not pd.isna(value) and str(value).strip() != ""


def _text(value: Any, symbol: str) -> str:
    if value is None or pd.isna(value):
        return SUPPRESSED if SUPPRESSED in symbol else "[x]"
    return str(value)


def _places(catalogue: pd.DataFrame) -> dict[str, int]:
    """Decimal places per indicator for the XLSX number formats: the edition's `decimals`
    (catalogue), else 0 for counts and means and 1 otherwise (editions published before the
    field)."""
    out = {}
    for r in catalogue.to_dict("records"):
        declared = r.get("decimals")
        out[r["indicator_id"]] = int(declared) if declared is not None \
            and not pd.isna(declared) else (0 if r.get("value_type") in {"count", "mean"}
                                            else 1)
    return out


def _figures(values: pd.DataFrame, comparators: list[str], ids: list[str],
             codes: list[str], catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per figure. Counts are whole numbers; what does not apply to a kind of
    figure is [z] (a count has no denominator or interval, a median no numerator), what
    is not held is [x] and what is suppressed is [c]."""
    about = catalogue.set_index("indicator_id")
    values = values.assign(
        _i=values.indicator_id.map(ids.index), _a=values.area_code.map(codes.index),
        _p=values.period_id.map(_start), _b=values.breakdown != "all",
    ).sort_values(["_i", "_a", "_p", "_b", "breakdown"])
    rows = []
    for r in values.itertuples(index=False):
        symbol = "" if r.symbol is None or pd.isna(r.symbol) else str(r.symbol)
        kind = str(about.at[r.indicator_id, "value_type"])
        count = kind == "count"
        no_numerator = kind in ("median", "percentile", "count") or \
            not _has(about.at[r.indicator_id, "numerator"])
        no_denominator = count or not _has(about.at[r.indicator_id, "denominator"])
        ci_missing = "[z]" if count else "[x]"
        row: dict[str, Any] = {
            "indicator_id": r.indicator_id, "indicator": r.indicator_title,
            "area_code": r.area_code, "area": r.area_name, "period": r.period_label,
            "period_type": PERIOD_TYPES.get(str(r.period_type), str(r.period_type)),
            "breakdown": r.breakdown, "value": _shown(r.value, symbol),
            "unit": r.unit,
            "lower_95_ci": _shown(r.lower_ci, symbol, ci_missing),
            "upper_95_ci": _shown(r.upper_ci, symbol, ci_missing),
            "lower_99_8_ci": _shown(getattr(r, "lower_ci_998", None), symbol, ci_missing),
            "upper_99_8_ci": _shown(getattr(r, "upper_ci_998", None), symbol, ci_missing),
            "numerator": _shown(r.numerator, symbol, "[z]" if no_numerator else "[x]"),
            "denominator": _shown(r.denominator, symbol, "[z]" if no_denominator else "[x]"),
        }
        is_england = r.area_level == "country"
        if "england" in comparators:
            row["england_value"] = "[z]" if is_england else _shown(r.england_value, symbol)
            row["compared_with_england"] = "[z]" if is_england else \
                _text(r.england_comparison, symbol)
        if "region" in comparators:
            above = r.area_level in ("region", "country")
            row["region_value"] = "[z]" if above else _shown(r.region_value, symbol)
            row["compared_with_region"] = "[z]" if above else _text(r.region_comparison, symbol)
        row["symbol"] = symbol
        row["note"] = "" if r.note is None or pd.isna(r.note) else str(r.note)
        row["source"] = "" if r.source is None or pd.isna(r.source) else str(r.source)
        rows.append(row)
    # Object columns: a count stays 63 (not 63.0) beside a rate of 20.5 or a [c].
    return pd.DataFrame(rows, dtype=object)


def _notes(catalogue: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    keep = ["indicator_id", "title", "definition", "numerator", "numerator_source",
            "denominator", "denominator_source", "caveats", "series_breaks", "disclosure"]
    return catalogue[keep].fillna("").reset_index(drop=True).rename(columns={
        "numerator": "numerator_definition", "denominator": "denominator_definition"})


def render(result: Answer, fmt: str) -> bytes:
    if fmt == "csv":
        return _csv(result)
    if fmt == "md":
        return _markdown(result).encode()
    if fmt == "xlsx":
        return _xlsx(result)
    raise RequestError(f"Format {fmt!r} is not known: use {', '.join(FORMATS)}.")


def _about(result: Answer) -> list[tuple[str, str]]:
    r = result.request
    periods = list(r.periods) + ([f"since {r.since}"] if r.since is not None else [])
    return [
        ("Edition", result.edition),
        ("Edition manifest sha256", result.manifest_sha256),
        ("Indicators asked for", "; ".join(r.indicators)),
        ("Areas", _listed(list(dict.fromkeys(result.figures["area"])), 20)),
        ("Periods", "; ".join(periods) or "all"),
        ("Breakdowns", "; ".join(r.breakdowns) or "every breakdown held"),
        ("Comparators", "; ".join(_comparators(r.comparators)) or "none"),
        ("Disclosure control", "counts of people from 1 to 4 are shown as [c], with secondary "
                               "suppression"),
    ]


def _csv(result: Answer) -> bytes:
    """The figures, one row each with its own source and note, and the indicator's
    definition, sources and caveats (a CSV has one table); then the request details, how it
    was read and the symbols used, as comment lines at the end."""
    notes = result.notes.rename(columns={"title": "indicator"}).drop(columns=["indicator"])
    table = result.figures.merge(notes, on="indicator_id", how="left")
    out = io.StringIO()
    neutralise_frame(table).to_csv(out, index=False, lineterminator="\n")
    for name, value in _about(result):
        out.write(f"# {name}: {value}\n")
    for reading in result.readings:
        out.write(f"# Read: {reading}\n")
    for symbol, meaning in result.symbols.items():
        out.write(f"# {symbol} {meaning}\n")
    return out.getvalue().encode()


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


HIDDEN_IN_TABLE = ("indicator_id", "indicator", "area_code", "source", "note", "period_type")


def _markdown(result: Answer) -> str:
    """A heading per indicator, its table, then its definitions; each row's sources and notes
    are numbered (S1, N1) in its `refs` column and listed under the table."""
    lines = [f"# Data request: {'; '.join(result.request.indicators)}", ""]
    lines += [f"- **{k}**: {v}" for k, v in _about(result)]
    if result.readings:
        lines += ["", "## How the request was read", ""]
        lines += [f"- {_cell(r)}" for r in result.readings]
    shown = [c for c in result.figures.columns if c not in HIDDEN_IN_TABLE]
    sources: dict[str, str] = {}
    notes: dict[str, str] = {}
    for ind in result.notes.itertuples(index=False):
        part = result.figures[result.figures.indicator_id == ind.indicator_id]
        kinds = _listed(sorted(set(part.period_type)))
        lines += ["", f"## {ind.title} (`{ind.indicator_id}`)", "", ind.definition, "",
                  f"Periods are {kinds}s.", "",
                  "| " + " | ".join([*shown, "refs"]) + " |",
                  "|" + "---|" * (len(shown) + 1)]
        cited: list[str] = []
        for row in part.itertuples(index=False):
            d = row._asdict()
            refs = []
            if d["source"]:
                key = sources.setdefault(d["source"], f"S{len(sources) + 1}")
                refs.append(key)
            if d["note"]:
                key = notes.setdefault(d["note"], f"N{len(notes) + 1}")
                refs.append(key)
            cited.extend(k for k in refs if k not in cited)
            lines.append("| " + " | ".join(_cell(d[c]) for c in shown) + " | "
                         + " ".join(refs) + " |")
        lines += ["", f"- Numerator: {ind.numerator_definition or '[z]'}"
                      + (f" ({ind.numerator_source})" if ind.numerator_source else "")]
        if ind.denominator_definition:
            lines.append(f"- Denominator: {ind.denominator_definition} "
                         f"({ind.denominator_source})")
        if ind.caveats:
            lines.append(f"- Caveats: {_cell(ind.caveats)}")
        if ind.series_breaks:
            lines.append(f"- Breaks in series: {_cell(ind.series_breaks)}")
        by_key = {v: k for k, v in {**sources, **notes}.items()}
        for key in cited:
            kind = "Source" if key.startswith("S") else "Note"
            lines.append(f"- {key} ({kind}): {_cell(by_key[key])}")
    if result.symbols:
        lines += ["", "## Symbols", ""]
        lines += [f"- `{s}` {m}" for s, m in result.symbols.items()]
    return "\n".join(lines) + "\n"


def _xlsx(result: Answer) -> bytes:
    """The workbook standard of reporting/spreadsheet.py (the annual workbook's writer):
    Cover, Contents, Notes, then one table per sheet, one sheet per unit so every value
    header names its unit."""
    import tempfile

    headers = {"indicator_id": "Indicator ID", "indicator": "Indicator",
               "area_code": "Area code", "area": "Area", "period": "Period",
               "breakdown": "Breakdown", "value": "Value", "lower_95_ci": "Lower 95% limit",
               "upper_95_ci": "Upper 95% limit", "lower_99_8_ci": "Lower 99.8% limit",
               "upper_99_8_ci": "Upper 99.8% limit", "numerator": "Numerator (count)",
               "denominator": "Denominator (count)", "england_value": "England value",
               "compared_with_england": "Compared with England",
               "region_value": "Region value", "compared_with_region": "Compared with region",
               "symbol": "Symbols", "note": "Notes"}
    in_unit = {"value", "lower_95_ci", "upper_95_ci", "lower_99_8_ci", "upper_99_8_ci",
               "england_value", "region_value"}
    notes = _xlsx_notes(result)
    note_of = {ind: f"[note {n}]" for n, ind in enumerate(result.notes["indicator_id"], 1)}
    tables = []
    figures = result.figures.copy()
    for unit in dict.fromkeys(figures["unit"]):
        part = figures[figures["unit"] == unit].reset_index(drop=True)
        part["note"] = [" ".join(x for x in (note_of.get(i, ""), str(n or "")) if x).strip()
                        or "none" for i, n in zip(part["indicator_id"], part["note"],
                                                  strict=True)]
        part["symbol"] = part["symbol"].map(lambda s: s or "none")
        columns = [c for c in headers if c in part.columns]
        frame = part[columns].rename(columns={
            c: f"{headers[c]} ({unit})" if c in in_unit else headers[c] for c in columns})
        frame = frame.map(lambda v: "[x]" if v is None or (isinstance(v, float)
                                                             and pd.isna(v)) else v)
        places = {f"{headers[c]} ({unit})": 3 for c in in_unit if c in columns}
        tables.append(spreadsheet.Table(
            sheet=spreadsheet.sheet_name(f"Figures {unit.replace('%', 'percent')}"),
            title=f"Figures measured in {unit}", frame=frame,
            description="One row per indicator, area, period and breakdown.",
            source=f"Published edition {result.edition} of the carers-outcomes pipeline.",
            places=_request_places(part, frame, places, result), wide={"Indicator", "Notes"}))
    r = result.request
    cover = spreadsheet.Cover(
        title=f"Data request: {'; '.join(r.indicators)}",
        intro=["Figures from a published edition of the carers-outcomes pipeline, with "
               "their definitions, sources and caveats (Notes sheet)."],
        about=[(name, str(value)) for name, value in _about(result)]
        + [("Symbols", " ".join(f"{s} {m}." for s, m in result.symbols.items()) or "none")],
        contact=["Rotherham Metropolitan Borough Council, commissioning",
                 "Email: commissioningenquiries@rotherham.gov.uk"])
    with tempfile.TemporaryDirectory(prefix="carers-request-") as folder:
        path = Path(folder) / "request.xlsx"
        spreadsheet.write(path, cover, tables, notes)
        return path.read_bytes()


def _request_places(part: pd.DataFrame, frame: pd.DataFrame, columns: dict[str, int],
                    result: Answer) -> dict[str, list[int]]:
    """Each value column's decimal places row by row: the indicator's published precision
    (the figures are already rounded to it)."""
    by_id = _places(result.catalogue) if result.catalogue is not None else {}
    rows = [by_id.get(i, 2) for i in part["indicator_id"]]
    return {c: rows for c in columns if c in frame.columns}


def _xlsx_notes(result: Answer) -> pd.DataFrame:
    rows = []
    for n, ind in enumerate(result.notes.itertuples(index=False), 1):
        parts = [f"{ind.title}: {ind.definition}",
                 f"Numerator: {ind.numerator_definition} ({ind.numerator_source})."]
        if ind.denominator_definition:
            parts.append(f"Denominator: {ind.denominator_definition} "
                         f"({ind.denominator_source}).")
        if ind.caveats:
            parts.append(f"Caveats: {ind.caveats}")
        if ind.series_breaks:
            parts.append(f"Breaks in series: {ind.series_breaks}")
        rows.append({"Note number": f"[note {n}]", "Applies to": ind.indicator_id,
                     "Note text": " ".join(parts)})
    n = len(rows)
    for symbol, meaning in result.symbols.items():
        n += 1
        rows.append({"Note number": f"[note {n}]", "Applies to": f"Symbol {symbol}",
                     "Note text": meaning})
    return pd.DataFrame(rows, columns=["Note number", "Applies to", "Note text"])


def catalogue_listing(publish_root: Path, edition: str = LATEST) -> str:
    """One line per published indicator: id, title, and what is held (kind of period and the
    periods, number of areas, breakdowns), so a request can be written from it."""
    _, database = open_published(publish_root, edition)
    con = duckdb.connect(str(database), read_only=True)
    try:
        catalogue = _read(con, "select indicator_id, title from indicators order by 1")
        values = _read(con, "select distinct indicator_id, area_code, area_name, period_id, "
                            "period_type, period_label, breakdown from indicator_values")
    finally:
        con.close()
    lines = []
    for ind, title in zip(catalogue.indicator_id, catalogue.title, strict=True):
        held = _held(values, ind) if (values.indicator_id == ind).any() else f"{ind}: no figures"
        lines.append(f"{ind}  {title}\n    {held.split(': ', 1)[1]}")
    return "\n".join(lines)
