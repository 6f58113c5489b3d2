"""Deterministic national-scale returns for the benchmark.

    uv run python -m bench.generate --scale 1000000 --seed 1 --out bench/out/data/1m

Writes, for all 309 English districts (the real codes in sources/data/public/lookups) over five
financial years (2020-21 to 2024-25):
    events.csv               --scale rows
    carer_assessments.csv    scale / 5 rows
    young_carers_support.csv scale / 10 rows
under OUT/landing/ (the landing folder for a refresh), and OUT/manifest.json with the exact
number of planted bad rows per return, column and rule.

Rows are computed in DuckDB from the row number with an arithmetic hash (no random state), so
the same scale and seed give byte-identical files on any machine. One bad row in every
thousand carries a planted fault per rule below (each bad row exactly one fault); every other
row is valid under RETURNS.md. Each file holds every district (a `source_org` column names it),
as a regional or national collation would.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb

from sources.files import PUBLIC_DIR

LOOKUP = PUBLIC_DIR / "lookups" / "LAD22_to_RGN22_lookup_England.csv"
FIRST_DAY = "2020-04-01"
DAYS = 1826  # 2020-04-01 .. 2025-03-31
PERIOD = 1000  # one planted fault per rule in every PERIOD rows

# return -> list of (offset within PERIOD, column, rule name): the planted faults.
PLANTED = {
    "events": [
        (100, "event_type", "not_allowed"),
        (200, "carers_attending", "negative"),
        (300, "carers_attending", "above_plausibility_limit"),
        (400, "event_date", "not_in_future"),
        (500, "event_id", "duplicate_key"),
        (600, "title", "required_blank"),
        (700, "event_date", "not_a_date"),
    ],
    "carer_assessments": [
        (100, "outcome", "not_allowed"),
        (200, "completed_date", "completed_after_request"),
        (300, "needs_met", "met_not_above_identified"),
        (400, "request_date", "duplicate_key"),
        (500, "request_date", "not_a_date"),
    ],
    "young_carers_support": [
        (100, "referral_source", "not_allowed"),
        (200, "assessment_date", "assessment_after_referral"),
        (300, "support_end", "end_after_start"),
        (400, "age_band", "not_allowed"),
        (500, "support_start", "duplicate_key"),
    ],
}
SHARES = {"events": 1, "carer_assessments": 5, "young_carers_support": 10}


def _macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    # u(i, salt): a number in [0, 1) from row i; the same on every machine and version.
    con.execute(f"""
        create or replace macro u(i, salt) as
            ((((i::hugeint * 2654435761 + salt * 97531 + {int(seed)} * 7919) % 4294967291)
              * 2246822519) % 4294967291)::double / 4294967291.0
    """)
    con.execute("create or replace macro pick(i, salt, xs) as "
                "xs[1 + least(floor(u(i, salt) * len(xs))::integer, len(xs) - 1)]")
    con.execute(f"""
        create or replace temp table districts as
        select row_number() over (order by LAD22CD) - 1 as d, LAD22CD as code
        from read_csv('{LOOKUP}', header = true, all_varchar = true)
    """)


def _base(con: duckdb.DuckDBPyConnection, n: int) -> str:
    """Rows 0..n-1 in contiguous district blocks, dated in order across five years."""
    return f"""
        select b.i, b.i % {PERIOD} as k, dd.code as org,
               date '{FIRST_DAY}' + (((b.i - b.s) * {DAYS}) // greatest(b.e - b.s, 1))::integer
                   as day
        from (select i, d,
                     (d * {n}) // 309 as s, ((d + 1) * {n}) // 309 as e
              from (select range as i, (range * 309) // {n} as d from range({n}))) as b
        join districts as dd using (d)
    """


def _fmt(expr: str, i: str, salt: int) -> str:
    """A valid date written ISO or day/month/year, as partners do."""
    return (f"case when u({i}, {salt}) < 0.3 then strftime({expr}, '%d/%m/%Y') "
            f"else strftime({expr}, '%Y-%m-%d') end")


def _events(con: duckdb.DuckDBPyConnection, n: int) -> None:
    types = ["carers_week", "carers_rights_day", "network_meeting", "strategic_group_meeting",
             "peer_support", "coproduction_session", "health_wellbeing_session",
             "information_session", "other"]
    con.execute(f"""
        create or replace temp table g as
        with b as ({_base(con, n)}),
        prev as (select *, lag(org) over (order by i) as prev_org from b)
        select i,
               case when k = 500 and prev_org is not null then 'EV' || (i - 1)
                    else 'EV' || i end as event_id,
               case when k = 400 then '01/12/2099' when k = 700 then '06/13/2024'
                    else {_fmt('day', 'i', 1)} end as event_date,
               case when k = 100 then 'barbecue' else pick(i, 2, {types}) end as event_type,
               case when k = 600 then null else 'Session ' || i end as title,
               case when k = 500 and prev_org is not null then prev_org else org end
                   as organiser,
               'Ward ' || (1 + floor(u(i, 3) * 21)::integer) as locality,
               pick(i, 4, ['Library', 'Community centre', 'Online', 'Cafe', 'Town hall'])
                   as meeting_place,
               case when u(i, 5) < 0.25 then 'yes' else 'no' end as coproduced,
               case when k = 200 then '-3' when k = 300 then '2500'
                    else (1 + floor(u(i, 6) * u(i, 6) * 60)::integer)::varchar end
                   as carers_attending,
               case when u(i, 7) < 0.5 then null
                    else floor(u(i, 8) * 6)::integer::varchar end as young_carers_attending,
               case when u(i, 9) < 0.4 then null
                    else floor(u(i, 10) * 8)::integer::varchar end as professionals_attending,
               case when u(i, 11) < 0.8 then null
                    else floor(u(i, 12) * 4)::integer::varchar end as carer_reps_attending,
               case when u(i, 13) < 0.6 then null
                    else floor(u(i, 14) * 20)::integer::varchar end as health_wellbeing_checks,
               case when k = 500 and prev_org is not null then prev_org else org end
                   as source_org,
               (k = 500 and prev_org is null) as unplanted
        from prev
    """)


def _assessments(con: duckdb.DuckDBPyConnection, n: int) -> None:
    outcomes = ["support_plan", "direct_payment", "information_advice", "no_eligible_needs",
                "declined", "pending"]
    con.execute(f"""
        create or replace temp table g as
        with b as ({_base(con, n)}),
        v as (
            select *, floor(u(i, 21) * 7)::integer as identified,
                   day + floor(u(i, 22) * 90)::integer as completed,
                   u(i, 23) < 0.8 as is_completed,
                   lag(org) over (order by i) as prev_org,
                   lag(day) over (order by i) as prev_day
            from b)
        select i,
               'C' || case when k = 400 and prev_org is not null then i - 1 else i end
                   as case_ref,
               case when k = 500 then '2024-02-30'
                    when k = 400 and prev_org is not null then strftime(prev_day, '%Y-%m-%d')
                    else {_fmt('day', 'i', 24)} end as request_date,
               case when k = 200 then strftime(day - 10, '%Y-%m-%d')
                    when is_completed then strftime(completed, '%Y-%m-%d') end
                   as completed_date,
               case when k = 100 then 'maybe' when not is_completed then 'pending'
                    else pick(i, 25, {outcomes[:-1]}) end as outcome,
               identified::varchar as needs_identified,
               case when k = 300 then (identified + 1)::varchar
                    else floor(u(i, 26) * (identified + 1))::integer::varchar end as needs_met,
               pick(i, 27, ['18-24', '25-49', '50-64', '65-74', '75+']) as carer_age_band,
               case when k = 400 and prev_org is not null then prev_org else org end
                   as source_org,
               (k = 400 and prev_org is null) as unplanted
        from v
    """)


def _young_carers(con: duckdb.DuckDBPyConnection, n: int) -> None:
    sources = ["school", "parent", "self", "health", "social_care", "voluntary_sector", "other"]
    con.execute(f"""
        create or replace temp table g as
        with b as ({_base(con, n)}),
        v as (
            select *, day + floor(u(i, 31) * 30)::integer as assessed,
                   day + 30 + floor(u(i, 32) * 30)::integer as started,
                   pick(i, 33, ['one_to_one', 'group', 'information_only']) as support,
                   lag(org) over (order by i) as prev_org,
                   lag(day) over (order by i) as prev_day
            from b),
        w as (
            select *, lag(support) over (order by i) as prev_support,
                   lag(started) over (order by i) as prev_started
            from v)
        select i,
               'Y' || case when k = 500 and prev_org is not null then i - 1 else i end
                   as case_ref,
               case when k = 500 and prev_org is not null then strftime(prev_day, '%Y-%m-%d')
                    else {_fmt('day', 'i', 34)} end as referral_date,
               case when k = 100 then 'teacher' else pick(i, 35, {sources}) end
                   as referral_source,
               case when k = 200 then strftime(day - 5, '%Y-%m-%d')
                    else strftime(assessed, '%Y-%m-%d') end as assessment_date,
               case when k = 500 and prev_org is not null then prev_support else support end
                   as support_type,
               case when k = 500 and prev_org is not null then strftime(prev_started, '%Y-%m-%d')
                    else strftime(started, '%Y-%m-%d') end as support_start,
               case when k = 300 then strftime(started - 7, '%Y-%m-%d')
                    when k = 500 or u(i, 36) < 0.4 then null
                    else strftime(started + floor(u(i, 37) * 200)::integer, '%Y-%m-%d') end
                   as support_end,
               case when k = 400 then '18-25' else pick(i, 38, ['5-10', '11-15', '16-17']) end
                   as age_band,
               case when k = 500 and prev_org is not null then prev_org else org end
                   as source_org,
               (k = 500 and prev_org is null) as unplanted
        from w
    """)


BUILDERS = {"events": _events, "carer_assessments": _assessments,
            "young_carers_support": _young_carers}


def generate(scale: int, seed: int, out: Path) -> dict:
    """Write the three returns and manifest.json under `out`; return the manifest."""
    landing = out / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("set preserve_insertion_order = true")
        _macros(con, seed)
        manifest: dict = {"scale": scale, "seed": seed, "period": PERIOD, "returns": {}}
        for kind, share in SHARES.items():
            n = max(scale // share, 1)
            BUILDERS[kind](con, n)
            planted = {}
            for offset, column, rule in PLANTED[kind]:
                count = con.execute(
                    f"select count(*) from g where i % {PERIOD} = {offset} and not unplanted"
                ).fetchall()[0][0]
                planted[f"{column}:{rule}"] = int(count)
            path = landing / f"{kind}.csv"
            con.execute(f"copy (select * exclude (i, unplanted) from g order by i) "
                        f"to '{path}' (header true)")
            manifest["returns"][kind] = {"file": path.name, "rows": n, "planted": planted,
                                         "planted_rows": sum(planted.values())}
            con.execute("drop table g")
    finally:
        con.close()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, required=True, help="event rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    manifest = generate(args.scale, args.seed, args.out)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
