-- Events, sessions and meetings, and group membership (local returns `events`, `membership`).
-- One row per indicator, financial year and breakdown; each row's `refs` lists the staged rows
-- it is made from (warehouse/indicators.py regroups them into per-file sources).
with

ev as (
    select *, 'FY' || financial_year as period_id,
           carers_attending + coalesce(professionals_attending, 0) as attendance,
           carers_ref(_source_file, _source_sha256, _source_row) as ref
    from staging.events
),

-- Membership at the latest count taken in each financial year.
members as (
    select "group", 'FY' || financial_year as period_id, members, financial_year,
           carers_ref(_source_file, _source_sha256, _source_row) as ref
    from (select *, row_number() over (partition by "group", financial_year
                                       order by as_at desc, _source_row desc) as rn
          from staging.membership)
    where rn = 1
),

years as (select distinct financial_year, period_id from ev),

-- Events of one type: all, co-produced, and co-produced since April 2022 (cumulative).
named as (
    select event_type, financial_year, period_id, count(*) as held,
           count(*) filter (where coproduced) as coproduced, list(ref) as refs,
           list(ref) filter (where coproduced) as coproduced_refs
    from ev where event_type in ('carers_week', 'carers_rights_day')
    group by all
),

network as (
    select period_id, count(*) as meetings, sum(attendance) as attendance, list(ref) as refs
    from ev where event_type = 'network_meeting' group by period_id
),

measures as (
    select 'events_held' as indicator_id, period_id, 'all' as breakdown,
           count(*) as numerator, null as denominator, count(*) as value, list(ref) as refs
    from ev group by period_id
    union all
    select 'events_held', period_id, event_type, count(*), null, count(*), list(ref)
    from ev group by period_id, event_type
    union all
    select 'events_held', period_id, 'coproduced', count(*), null, count(*), list(ref)
    from ev where coproduced group by period_id
    union all
    select case event_type when 'carers_week' then 'carers_week_events'
                else 'carers_rights_day_events' end,
           period_id, 'all', held, null, held, refs
    from named
    union all
    select case event_type when 'carers_week' then 'carers_week_events'
                else 'carers_rights_day_events' end,
           period_id, 'coproduced', coproduced, null, coproduced, coalesce(coproduced_refs, [])
    from named
    union all
    -- Co-produced since the 2022-25 framework began (April 2022), up to each year's end.
    select case n.event_type when 'carers_week' then 'carers_week_events'
                else 'carers_rights_day_events' end,
           y.period_id, 'coproduced_since_2022-23', sum(n.coproduced), null, sum(n.coproduced),
           flatten(list(coalesce(n.coproduced_refs, [])))
    from years as y
    join named as n on n.financial_year between 2022 and y.financial_year
    where y.financial_year >= 2022
    group by n.event_type, y.period_id
    union all
    select 'event_attendance_total', period_id, 'all', sum(carers_attending), null,
           sum(carers_attending), list(ref)
    from ev group by period_id
    union all
    select 'event_attendance_total', period_id, event_type, sum(carers_attending), null,
           sum(carers_attending), list(ref)
    from ev group by period_id, event_type
    union all
    select 'network_meetings_held', period_id, 'all', meetings, 12, meetings, refs
    from network
    union all
    select 'network_meeting_attendance_mean', period_id, 'all', attendance, meetings,
           round(attendance / meetings, 1), refs
    from network
    union all
    -- Attendance rate: attendances over member-meetings (meetings x members at year end).
    select 'network_meeting_attendance_rate', n.period_id, 'all', n.attendance,
           n.meetings * m.members, null, list_concat(n.refs, [m.ref])
    from network as n join members as m on m.period_id = n.period_id and m."group" = 'network'
    union all
    select 'meeting_places', period_id, 'all', count(distinct meeting_place), null,
           count(distinct meeting_place), list(ref)
    from ev where lower(meeting_place) not in ('online', 'virtual', 'phone', 'telephone')
    group by period_id
    union all
    select 'strategic_group_members', period_id, 'all', members, null, members, [ref]
    from members where "group" = 'strategic_group'
    union all
    select 'network_members', period_id, 'all', members, null, members, [ref]
    from members where "group" = 'network'
    union all
    select 'carer_reps_at_strategic_meetings', period_id, 'all', sum(carer_reps_attending),
           null, sum(carer_reps_attending), list(ref)
    from ev where event_type = 'strategic_group_meeting' and carer_reps_attending is not null
    group by period_id
    union all
    select 'coproduction_events', period_id, 'all', count(*), null, count(*), list(ref)
    from ev where coproduced or event_type = 'coproduction_session' group by period_id
    union all
    select 'coproduction_events', period_id, 'coproduction_session', count(*), null, count(*),
           list(ref)
    from ev where event_type = 'coproduction_session' group by period_id
    union all
    select 'coproduction_attendance', period_id, 'all', sum(carers_attending), null,
           sum(carers_attending), list(ref)
    from ev where event_type = 'coproduction_session' group by period_id
    union all
    select 'health_wellbeing_checks', period_id, 'all', sum(health_wellbeing_checks), null,
           sum(health_wellbeing_checks), list(ref)
    from ev where health_wellbeing_checks is not null group by period_id
)

select indicator_id, 'E08000018' as area_code, period_id, breakdown,
       numerator::double as numerator, denominator::double as denominator,
       value::double as value, refs
from measures
