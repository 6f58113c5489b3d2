-- The plain-DuckDB baseline: one script that reads the generated returns, applies the row
-- rules of RETURNS.md (sources/returns/contract.py) written out by hand, quarantines bad rows,
-- stages the good ones and computes the benchmark's indicator tables. No Dagster, no Python
-- between statements. bench/run.py fills {landing}, {lookup} and {today}, then appends
-- bench/sql/indicators.sql (the indicator definitions both sides share) and the value step.
--
-- Not reproduced here, because the generated data cannot exercise them: blank and total rows
-- (none are generated), title rows above the header, and resubmissions superseding earlier
-- files (each return is one file).

create schema if not exists staging;
create schema if not exists marts;
create schema if not exists bench;

create or replace macro nr(x) as
    case when lower(trim(x)) in ('n/a', 'na', 'not recorded', 'not known', 'unknown', '-', '--',
                                 '?') then null
         else nullif(trim(x), '') end;
create or replace macro as_date(x) as
    coalesce(try_strptime(x, '%Y-%m-%d'), try_strptime(x, '%d/%m/%Y'),
             try_strptime(x, '%Y-%m-%d %H:%M:%S'))::date;
create or replace macro num(x) as try_cast(regexp_replace(x, '[,\s]', '', 'g') as double);
create or replace macro as_count(x) as
    case when num(x) = floor(num(x)) and num(x) >= 0 then num(x)::bigint end;
create or replace macro norm_enum(x) as regexp_replace(lower(x), '\s+', '_', 'g');
create or replace macro as_enum(x, allowed) as
    case when list_contains(allowed, norm_enum(x)) then norm_enum(x)
         when list_contains(allowed, replace(norm_enum(x), '-', '_'))
         then replace(norm_enum(x), '-', '_') end;
create or replace macro bad(x, typed) as (x is not null and typed is null);
create or replace macro fy(d) as case when month(d) >= 4 then year(d) else year(d) - 1 end;

create or replace table marts.dim_area as
select LAD22CD as area_code, 'district' as area_level, RGN22CD as region_code
from read_csv('{lookup}', header = true, all_varchar = true);

-- events ------------------------------------------------------------------------------------
create or replace temp table ev as
with r as (
    select *, (row_number() over () + 1)::integer as _source_row
    from read_csv('{landing}/events.csv', header = true, all_varchar = true,
                  parallel = false)
),
n as (
    select _source_row, nr(source_org) as source_org, nr(event_id) as event_id,
           nr(event_date) as t_date, nr(event_type) as t_type, nr(title) as title,
           nr(organiser) as organiser, nr(locality) as locality,
           nr(meeting_place) as meeting_place, nr(coproduced) as t_copro,
           nr(carers_attending) as t_c, nr(young_carers_attending) as t_y,
           nr(professionals_attending) as t_p, nr(carer_reps_attending) as t_r,
           nr(health_wellbeing_checks) as t_h
    from r
),
t as (
    select *, as_date(t_date) as event_date,
           as_enum(t_type, ['carers_week', 'carers_rights_day', 'network_meeting',
                            'strategic_group_meeting', 'peer_support', 'coproduction_session',
                            'health_wellbeing_session', 'information_session', 'other'])
               as event_type,
           case when lower(t_copro) in ('yes', 'y', 'true', '1') then true
                when lower(t_copro) in ('no', 'n', 'false', '0') then false end as coproduced,
           as_count(t_c) as carers_attending, as_count(t_y) as young_carers_attending,
           as_count(t_p) as professionals_attending, as_count(t_r) as carer_reps_attending,
           as_count(t_h) as health_wellbeing_checks
    from n
)
select *, list_filter([
        case when event_id is null then 'event_id' end,
        case when t_date is null or bad(t_date, event_date) then 'event_date' end,
        case when t_type is null or bad(t_type, event_type) then 'event_type' end,
        case when title is null then 'title' end,
        case when organiser is null then 'organiser' end,
        case when locality is null then 'locality' end,
        case when meeting_place is null then 'meeting_place' end,
        case when t_copro is null or bad(t_copro, coproduced) then 'coproduced' end,
        case when t_c is null or bad(t_c, carers_attending) then 'carers_attending' end,
        case when carers_attending > 2000 then 'carers_attending' end,
        case when bad(t_y, young_carers_attending) or young_carers_attending > 2000
             then 'young_carers_attending' end,
        case when bad(t_p, professionals_attending) or professionals_attending > 2000
             then 'professionals_attending' end,
        case when bad(t_r, carer_reps_attending) or carer_reps_attending > 2000
             then 'carer_reps_attending' end,
        case when bad(t_h, health_wellbeing_checks) or health_wellbeing_checks > 2000
             then 'health_wellbeing_checks' end,
        case when event_date > date '{today}' then 'event_date' end
    ], lambda x: x is not null) as problems
from t;

create or replace temp table ev_keyed as
select *, case when len(problems) = 0 and row_number() over (
              partition by source_org, organiser, event_id, len(problems) = 0
              order by _source_row) > 1 then ['event_id'] else problems end as all_problems
from ev;

create or replace table staging.events as
select source_org, event_id, event_date, event_type, title, organiser, locality,
       meeting_place, coproduced, carers_attending, young_carers_attending,
       professionals_attending, carer_reps_attending, health_wellbeing_checks,
       fy(event_date) as financial_year, 'events.csv' as _source_file,
       null::varchar as _source_sha256, _source_row
from ev_keyed where len(all_problems) = 0;

-- carers' assessments -----------------------------------------------------------------------
create or replace temp table ca as
with r as (
    select *, (row_number() over () + 1)::integer as _source_row
    from read_csv('{landing}/carer_assessments.csv', header = true, all_varchar = true,
                  parallel = false)
),
n as (
    select _source_row, nr(source_org) as source_org, nr(case_ref) as case_ref,
           nr(request_date) as t_req, nr(completed_date) as t_comp, nr(outcome) as t_out,
           nr(needs_identified) as t_ni, nr(needs_met) as t_nm,
           nr(carer_age_band) as t_age
    from r
),
t as (
    select *, as_date(t_req) as request_date, as_date(t_comp) as completed_date,
           as_enum(t_out, ['support_plan', 'direct_payment', 'information_advice',
                           'no_eligible_needs', 'declined', 'pending']) as outcome,
           as_count(t_ni) as needs_identified, as_count(t_nm) as needs_met,
           as_enum(t_age, ['18-24', '25-49', '50-64', '65-74', '75+']) as carer_age_band
    from n
)
select *, list_filter([
        case when case_ref is null then 'case_ref' end,
        case when t_req is null or bad(t_req, request_date) then 'request_date' end,
        case when bad(t_comp, completed_date) then 'completed_date' end,
        case when t_out is null or bad(t_out, outcome) then 'outcome' end,
        case when bad(t_ni, needs_identified) then 'needs_identified' end,
        case when bad(t_nm, needs_met) then 'needs_met' end,
        case when bad(t_age, carer_age_band) then 'carer_age_band' end,
        case when request_date > date '{today}' then 'request_date' end,
        case when completed_date < request_date then 'completed_date' end,
        case when needs_met > needs_identified then 'needs_met' end
    ], lambda x: x is not null) as problems
from t;

create or replace temp table ca_keyed as
select *, case when len(problems) = 0 and row_number() over (
              partition by source_org, case_ref, request_date, len(problems) = 0
              order by _source_row) > 1 then ['request_date'] else problems end as all_problems
from ca;

create or replace table staging.carer_assessments as
select source_org, case_ref, request_date, completed_date, outcome, needs_identified,
       needs_met, carer_age_band, fy(request_date) as financial_year,
       'carer_assessments.csv' as _source_file, null::varchar as _source_sha256, _source_row
from ca_keyed where len(all_problems) = 0;

-- young carers' support ---------------------------------------------------------------------
create or replace temp table yc as
with r as (
    select *, (row_number() over () + 1)::integer as _source_row
    from read_csv('{landing}/young_carers_support.csv', header = true, all_varchar = true,
                  parallel = false)
),
n as (
    select _source_row, nr(source_org) as source_org, nr(case_ref) as case_ref,
           nr(referral_date) as t_ref, nr(referral_source) as t_src,
           nr(assessment_date) as t_ass, nr(support_type) as t_sup,
           nr(support_start) as t_start, nr(support_end) as t_end, nr(age_band) as t_age
    from r
),
t as (
    select *, as_date(t_ref) as referral_date,
           as_enum(t_src, ['school', 'parent', 'self', 'health', 'social_care',
                           'voluntary_sector', 'other']) as referral_source,
           as_date(t_ass) as assessment_date,
           as_enum(t_sup, ['one_to_one', 'group', 'information_only', 'none']) as support_type,
           as_date(t_start) as support_start, as_date(t_end) as support_end,
           as_enum(t_age, ['5-10', '11-15', '16-17']) as age_band
    from n
)
select *, list_filter([
        case when case_ref is null then 'case_ref' end,
        case when t_ref is null or bad(t_ref, referral_date) then 'referral_date' end,
        case when t_src is null or bad(t_src, referral_source) then 'referral_source' end,
        case when bad(t_ass, assessment_date) then 'assessment_date' end,
        case when t_sup is null or bad(t_sup, support_type) then 'support_type' end,
        case when bad(t_start, support_start) then 'support_start' end,
        case when bad(t_end, support_end) then 'support_end' end,
        case when bad(t_age, age_band) then 'age_band' end,
        case when referral_date > date '{today}' then 'referral_date' end,
        case when assessment_date < referral_date then 'assessment_date' end,
        case when support_end < support_start then 'support_end' end
    ], lambda x: x is not null) as problems
from t;

create or replace temp table yc_keyed as
select *, case when len(problems) = 0 and row_number() over (
              partition by source_org, case_ref, referral_date, support_type, support_start,
                           len(problems) = 0
              order by _source_row) > 1 then ['support_start'] else problems end
              as all_problems
from yc;

create or replace table staging.young_carers_support as
select source_org, case_ref, referral_date, referral_source, assessment_date, support_type,
       support_start, support_end, age_band, fy(referral_date) as financial_year,
       'young_carers_support.csv' as _source_file, null::varchar as _source_sha256,
       _source_row
from yc_keyed where len(all_problems) = 0;

-- quarantine and counts ---------------------------------------------------------------------
create or replace table bench.quarantine as
select kind as return_kind, p as column_name, count(*) as problems
from (select 'events' as kind, unnest(all_problems) as p from ev_keyed
      union all select 'carer_assessments', unnest(all_problems) from ca_keyed
      union all select 'young_carers_support', unnest(all_problems) from yc_keyed)
group by all;

create or replace table bench.counts as
select kind as return_kind, count(*) as rows_in,
       count(*) filter (where len(all_problems) = 0) as rows_loaded,
       count(*) filter (where len(all_problems) > 0) as rows_quarantined
from (select 'events' as kind, all_problems from ev_keyed
      union all select 'carer_assessments', all_problems from ca_keyed
      union all select 'young_carers_support', all_problems from yc_keyed)
group by all;
