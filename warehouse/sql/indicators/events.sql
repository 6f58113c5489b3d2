-- Events, sessions and meetings, and group membership (local returns `events`, `membership`).
-- One row per indicator, financial year and breakdown, with its `sources`: the staged rows it
-- is made from as per-file row ranges. `lineage` names each set of rows a figure is made
-- from (one row per set and staged row, never a list of rows: at 10m event rows those lists
-- exhausted DuckDB's memory); `carers_sources(lineage)` (warehouse/indicators.py) turns each
-- set into its sources, and every figure names its set in `row_set`.
with

ev as (
    select *, 'FY' || financial_year as period_id,
           carers_attending + coalesce(professionals_attending, 0) as attendance
    from staging.events
),

-- Membership at the latest count taken in each financial year.
members as (
    select "group", 'FY' || financial_year as period_id, members, financial_year,
           _source_file, _source_sha256, _source_row
    from (select *, row_number() over (partition by "group", financial_year
                                       order by as_at desc, _source_row desc) as rn
          from staging.membership)
    where rn = 1
),

years as (select distinct financial_year, period_id from ev),

-- The sets of staged rows behind the figures (a row is in every set its figures count it in).
lineage as (
    -- all events of a year
    select 'year ' || period_id as row_set, _source_file, _source_sha256, _source_row
    from ev
    union all
    -- events of one type in a year
    select 'type ' || period_id || ' ' || event_type, _source_file, _source_sha256, _source_row
    from ev
    union all
    select 'coproduced ' || period_id, _source_file, _source_sha256, _source_row
    from ev where coproduced
    union all
    select 'coproduced ' || period_id || ' ' || event_type, _source_file, _source_sha256,
           _source_row
    from ev where coproduced and event_type in ('carers_week', 'carers_rights_day')
    union all
    -- co-produced since April 2022, up to each year's end
    select 'coproduced since 2022-23 ' || y.period_id || ' ' || e.event_type, e._source_file,
           e._source_sha256, e._source_row
    from years as y
    join ev as e on e.financial_year between 2022 and y.financial_year
    where y.financial_year >= 2022 and e.coproduced
      and e.event_type in ('carers_week', 'carers_rights_day')
    union all
    -- network meetings and the network's membership count at the year's end
    select 'attendance rate ' || period_id, _source_file, _source_sha256, _source_row
    from ev where event_type = 'network_meeting'
      and period_id in (select period_id from members where "group" = 'network')
    union all
    select 'attendance rate ' || period_id, _source_file, _source_sha256, _source_row
    from members where "group" = 'network'
      and period_id in (select period_id from ev where event_type = 'network_meeting')
    union all
    select 'places ' || period_id, _source_file, _source_sha256, _source_row
    from ev where lower(meeting_place) not in ('online', 'virtual', 'phone', 'telephone')
    union all
    select 'members ' || "group" || ' ' || period_id, _source_file, _source_sha256, _source_row
    from members
    union all
    select 'carer reps ' || period_id, _source_file, _source_sha256, _source_row
    from ev where event_type = 'strategic_group_meeting' and carer_reps_attending is not null
    union all
    select 'coproduction ' || period_id, _source_file, _source_sha256, _source_row
    from ev where coproduced or event_type = 'coproduction_session'
    union all
    select 'checks ' || period_id, _source_file, _source_sha256, _source_row
    from ev where health_wellbeing_checks is not null
),

-- Events of one type: all, co-produced, and co-produced since April 2022 (cumulative).
named as (
    select event_type, financial_year, period_id, count(*) as held,
           count(*) filter (where coproduced) as coproduced
    from ev where event_type in ('carers_week', 'carers_rights_day')
    group by all
),

network as (
    select period_id, count(*) as meetings, sum(attendance) as attendance
    from ev where event_type = 'network_meeting' group by period_id
),

measures as (
    select 'events_held' as indicator_id, period_id, 'all' as breakdown,
           count(*) as numerator, null as denominator, count(*) as value,
           'year ' || period_id as row_set
    from ev group by period_id
    union all
    select 'events_held', period_id, event_type, count(*), null, count(*),
           'type ' || period_id || ' ' || event_type
    from ev group by period_id, event_type
    union all
    select 'events_held', period_id, 'coproduced', count(*), null, count(*),
           'coproduced ' || period_id
    from ev where coproduced group by period_id
    union all
    select case event_type when 'carers_week' then 'carers_week_events'
                else 'carers_rights_day_events' end,
           period_id, 'all', held, null, held, 'type ' || period_id || ' ' || event_type
    from named
    union all
    select case event_type when 'carers_week' then 'carers_week_events'
                else 'carers_rights_day_events' end,
           period_id, 'coproduced', coproduced, null, coproduced,
           'coproduced ' || period_id || ' ' || event_type
    from named
    union all
    -- Co-produced since the 2022-25 framework began (April 2022), up to each year's end.
    select case n.event_type when 'carers_week' then 'carers_week_events'
                else 'carers_rights_day_events' end,
           y.period_id, 'coproduced_since_2022-23', sum(n.coproduced), null, sum(n.coproduced),
           'coproduced since 2022-23 ' || y.period_id || ' ' || n.event_type
    from years as y
    join named as n on n.financial_year between 2022 and y.financial_year
    where y.financial_year >= 2022
    group by n.event_type, y.period_id
    union all
    select 'event_attendance_total', period_id, 'all', sum(carers_attending), null,
           sum(carers_attending), 'year ' || period_id
    from ev group by period_id
    union all
    select 'event_attendance_total', period_id, event_type, sum(carers_attending), null,
           sum(carers_attending), 'type ' || period_id || ' ' || event_type
    from ev group by period_id, event_type
    union all
    select 'network_meetings_held', period_id, 'all', meetings, 12, meetings,
           'type ' || period_id || ' network_meeting'
    from network
    union all
    select 'network_meeting_attendance_mean', period_id, 'all', attendance, meetings,
           round(attendance / meetings, 1), 'type ' || period_id || ' network_meeting'
    from network
    union all
    -- Attendance rate: attendances over member-meetings (meetings x members at year end).
    select 'network_meeting_attendance_rate', n.period_id, 'all', n.attendance,
           n.meetings * m.members, null, 'attendance rate ' || n.period_id
    from network as n join members as m on m.period_id = n.period_id and m."group" = 'network'
    union all
    select 'meeting_places', period_id, 'all', count(distinct meeting_place), null,
           count(distinct meeting_place), 'places ' || period_id
    from ev where lower(meeting_place) not in ('online', 'virtual', 'phone', 'telephone')
    group by period_id
    union all
    select 'strategic_group_members', period_id, 'all', members, null, members,
           'members strategic_group ' || period_id
    from members where "group" = 'strategic_group'
    union all
    select 'network_members', period_id, 'all', members, null, members,
           'members network ' || period_id
    from members where "group" = 'network'
    union all
    select 'carer_reps_at_strategic_meetings', period_id, 'all', sum(carer_reps_attending),
           null, sum(carer_reps_attending), 'carer reps ' || period_id
    from ev where event_type = 'strategic_group_meeting' and carer_reps_attending is not null
    group by period_id
    union all
    select 'coproduction_events', period_id, 'all', count(*), null, count(*),
           'coproduction ' || period_id
    from ev where coproduced or event_type = 'coproduction_session' group by period_id
    union all
    select 'coproduction_events', period_id, 'coproduction_session', count(*), null, count(*),
           'type ' || period_id || ' coproduction_session'
    from ev where event_type = 'coproduction_session' group by period_id
    union all
    select 'coproduction_attendance', period_id, 'all', sum(carers_attending), null,
           sum(carers_attending), 'type ' || period_id || ' coproduction_session'
    from ev where event_type = 'coproduction_session' group by period_id
    union all
    select 'health_wellbeing_checks', period_id, 'all', sum(health_wellbeing_checks), null,
           sum(health_wellbeing_checks), 'checks ' || period_id
    from ev where health_wellbeing_checks is not null group by period_id
)

select m.indicator_id, 'E08000018' as area_code, m.period_id, m.breakdown,
       m.numerator::double as numerator, m.denominator::double as denominator,
       m.value::double as value, coalesce(s.sources, []) as sources
from measures as m
left join carers_sources(lineage) as s on s.row_set is not distinct from m.row_set
