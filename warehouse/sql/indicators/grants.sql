-- Grants (local returns): the small-grants programme and the 2020 COVID carers grant from
-- grant_awards, and outcomes from the monitoring returns (grant_outcomes) of awarded grants.
-- Programmes are told apart by name: small_grants_* and covid_carers_grant_*.
with

aw as (
    select *, 'FY' || financial_year as period_id,
           carers_ref(_source_file, _source_sha256, _source_row) as ref,
           case when programme like 'small_grants%' then 'small'
                when programme like 'covid_carers_grant%' then 'covid' end as scheme
    from staging.grant_awards
),

-- Outcomes are dated by the award's financial year, so a programme's results sit with it.
oc as (
    select o.*, a.period_id, a.scheme,
           carers_ref(o._source_file, o._source_sha256, o._source_row) as ref
    from staging.grant_outcomes as o
    join (select distinct on (grant_id) grant_id, period_id, scheme from aw
          where decision = 'awarded') as a using (grant_id)
),

wellbeing as (
    select period_id, scheme, ref, respondents, d.breakdown, d.improved
    from oc,
    lateral (select unnest(['physical', 'social', 'mental', 'emotional']) as breakdown,
                    unnest([improved_physical, improved_social, improved_mental,
                            improved_emotional]) as improved) as d
    where respondents > 0
),

measures as (
    select 'small_grants_applications' as indicator_id, period_id, 'all' as breakdown,
           count(*)::double as numerator, null::double as denominator, null::double as value,
           list(ref) as refs
    from aw where scheme = 'small' group by period_id
    union all
    select 'small_grants_applications', period_id, decision, count(*), null, null, list(ref)
    from aw where scheme = 'small' group by period_id, decision
    union all
    select 'small_grants_awards', period_id, 'all', count(*), null, null, list(ref)
    from aw where scheme = 'small' and decision = 'awarded' group by period_id
    union all
    select 'small_grants_organisations_funded', period_id, 'all',
           count(distinct applicant), null, null, list(ref)
    from aw where scheme = 'small' and decision = 'awarded'
         and applicant_type = 'organisation' group by period_id
    union all
    select 'small_grants_organisations_funded', period_id, coalesce(focus, 'not recorded'),
           count(distinct applicant), null, null, list(ref)
    from aw where scheme = 'small' and decision = 'awarded'
         and applicant_type = 'organisation' group by period_id, focus
    union all
    select 'small_grants_amount_requested_gbp', period_id, 'all', null, null,
           sum(amount_requested_gbp), list(ref)
    from aw where scheme = 'small' and amount_requested_gbp is not null group by period_id
    union all
    select 'small_grants_amount_awarded_gbp', period_id, 'all', null, null,
           sum(amount_awarded_gbp), list(ref)
    from aw where scheme = 'small' and decision = 'awarded' group by period_id
    union all
    select 'small_grants_beneficiaries', period_id, 'all', sum(beneficiaries), null, null,
           list(ref)
    from oc where scheme = 'small' group by period_id
    union all
    select 'covid_grant_applications', period_id, 'all', count(*), null, null, list(ref)
    from aw where scheme = 'covid' group by period_id
    union all
    -- No separate count of COVID awards: applications less awards would give away the
    -- suppressed count of ineligible applicants (4, published as [c]).
    select 'covid_grant_ineligible', period_id, 'all', count(*), null, null, list(ref)
    from aw where scheme = 'covid' and decision = 'ineligible' group by period_id
    union all
    select 'covid_grant_amount_awarded_gbp', period_id, 'all', null, null,
           sum(amount_awarded_gbp), list(ref)
    from aw where scheme = 'covid' and decision = 'awarded' group by period_id
    union all
    select 'covid_grant_requests_under_250_pct', period_id, 'all',
           count(*) filter (where amount_requested_gbp < 250), count(*), null, list(ref)
    from aw where scheme = 'covid' and amount_requested_gbp is not null group by period_id
    union all
    select 'grant_outcome_improved_wellbeing_pct', period_id, breakdown, sum(improved),
           sum(respondents), null, list(ref)
    from wellbeing where improved is not null group by period_id, breakdown
    union all
    select 'grant_case_studies', period_id, 'all', null, null, sum(case_studies), list(ref)
    from oc where case_studies is not null group by period_id
)

-- `refs` (one carers_ref number per staged row used) is regrouped into per-file sources by
-- warehouse/indicators.py, the same for every return-based indicator file.
select indicator_id, 'E08000018' as area_code, period_id, breakdown,
       numerator::double as numerator, denominator::double as denominator,
       value::double as value, refs
from measures
