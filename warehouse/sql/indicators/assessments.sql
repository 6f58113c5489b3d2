-- Carers' assessments (adult social care return): requests and completions per financial
-- year, waiting time from request to completion, outcomes, and needs met at review.
--
-- Waiting time, for assessments requested in the year, measured at the period end (31 March,
-- or the latest date in the return if the year is not over): completed by then -> completed
-- date less request date; not completed by then -> period end less request date (still
-- waiting, counted with the time waited so far, so the figures are not flattered by leaving
-- the longest waits out).
with

ca as (
    select *, 'FY' || financial_year as period_id,
           carers_ref(_source_file, _source_sha256, _source_row) as ref
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

measures as (
    select 'carer_assessments_requested' as indicator_id, period_id, 'all' as breakdown,
           count(*)::double as numerator, null::double as denominator, null::double as value,
           list(ref) as refs
    from ca group by period_id
    union all
    -- Completed in the year, whenever requested.
    select 'carer_assessments_completed', 'FY' || case when month(completed_date) >= 4
               then year(completed_date) else year(completed_date) - 1 end,
           'all', count(*), null, null, list(ref)
    from ca where completed_date is not null group by 2
    union all
    select 'carer_assessments_waiting_at_period_end', period_id, 'all',
           count(*) filter (where still_waiting), null, null, list(ref)
    from waits group by period_id
    union all
    select 'carer_assessment_wait_days_median', period_id, 'all', null, count(*),
           quantile_cont(wait_days, 0.5), list(ref)
    from waits group by period_id
    union all
    select 'carer_assessment_wait_days_p90', period_id, 'all', null, count(*),
           quantile_cont(wait_days, 0.9), list(ref)
    from waits group by period_id
    union all
    select 'carer_assessment_outcomes', period_id, outcome, count(*), null, null, list(ref)
    from ca group by period_id, outcome
    union all
    select 'carer_needs_met_at_review_pct', period_id, 'all', sum(needs_met),
           sum(needs_identified), null, list(ref)
    from ca where needs_identified > 0 and needs_met is not null group by period_id
)

-- `refs` (one {f, s, r} per staged row used) is regrouped into per-file sources by
-- warehouse/indicators.py, the same for every return-based indicator file.
select indicator_id, 'E08000018' as area_code, period_id, breakdown,
       numerator::double as numerator, denominator::double as denominator,
       value::double as value, refs
from measures
