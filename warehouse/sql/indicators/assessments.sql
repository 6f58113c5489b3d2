-- Carers' assessments (adult social care return): requests and completions per financial
-- year, waiting time from request to completion, outcomes, and needs met at review.
--
-- Waiting time, for assessments requested in the year, measured at the period end (31 March,
-- or the latest date in the return if the year is not over): completed by then -> completed
-- date less request date; not completed by then -> period end less request date (still
-- waiting, counted with the time waited so far, so the figures are not flattered by leaving
-- the longest waits out).
--
-- Each figure names the set of staged rows it is made from (`row_set`); `lineage` holds the
-- sets, one row per set and staged row, and `carers_sources(lineage)` gives each set its
-- sources (per-file row ranges: see events.sql and warehouse/indicators.py).
with

ca as (
    select *, 'FY' || financial_year as period_id,
           'FY' || case when month(completed_date) >= 4 then year(completed_date)
                        else year(completed_date) - 1 end as completed_period_id
    from staging.carer_assessments
),

as_of as (
    select max(greatest(request_date, coalesce(completed_date, request_date))) as as_of
    from staging.carer_assessments
),

waits as (
    select ca.*, p.period_end,
           case when completed_date is not null and completed_date <= p.period_end
                then completed_date - request_date
                else p.period_end - request_date end as wait_days,
           completed_date is null or completed_date > p.period_end as still_waiting
    from ca,
    lateral (select least(make_date(financial_year + 1, 3, 31), (select as_of from as_of))
                        as period_end) as p
),

-- The sets of staged rows behind the figures (one row per set and staged row; see events.sql).
lineage as (
    select 'requested ' || period_id as row_set, _source_file, _source_sha256, _source_row
    from ca
    union all
    select 'completed ' || completed_period_id, _source_file, _source_sha256, _source_row
    from ca where completed_date is not null
    union all
    select 'outcome ' || period_id || ' ' || outcome, _source_file, _source_sha256, _source_row
    from ca
    union all
    select 'needs ' || period_id, _source_file, _source_sha256, _source_row
    from ca where needs_identified > 0 and needs_met is not null
),

measures as (
    select 'carer_assessments_requested' as indicator_id, period_id, 'all' as breakdown,
           count(*)::double as numerator, null::double as denominator, null::double as value,
           'requested ' || period_id as row_set
    from ca group by period_id
    union all
    -- Completed in the year, whenever requested.
    select 'carer_assessments_completed', completed_period_id, 'all', count(*), null, null,
           'completed ' || completed_period_id
    from ca where completed_date is not null group by completed_period_id
    union all
    select 'carer_assessments_waiting_at_period_end', period_id, 'all',
           count(*) filter (where still_waiting), null, null, 'requested ' || period_id
    from waits group by period_id
    union all
    select 'carer_assessment_wait_days_median', period_id, 'all', null, count(*),
           quantile_cont(wait_days, 0.5), 'requested ' || period_id
    from waits group by period_id
    union all
    select 'carer_assessment_wait_days_p90', period_id, 'all', null, count(*),
           quantile_cont(wait_days, 0.9), 'requested ' || period_id
    from waits group by period_id
    union all
    select 'carer_assessment_outcomes', period_id, outcome, count(*), null, null,
           'outcome ' || period_id || ' ' || outcome
    from ca group by period_id, outcome
    union all
    select 'carer_needs_met_at_review_pct', period_id, 'all', sum(needs_met),
           sum(needs_identified), null, 'needs ' || period_id
    from ca where needs_identified > 0 and needs_met is not null group by period_id
)

-- Each figure's `sources` from its set of rows (carers_sources, warehouse/indicators.py).
select m.indicator_id, 'E08000018' as area_code, m.period_id, m.breakdown,
       m.numerator::double as numerator, m.denominator::double as denominator,
       m.value::double as value, coalesce(s.sources, []) as sources
from measures as m
left join carers_sources(lineage) as s on s.row_set is not distinct from m.row_set
