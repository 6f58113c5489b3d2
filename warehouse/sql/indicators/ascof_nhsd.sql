-- ASCOF 1C1B (carers receiving self-directed support) and 1C2B (carers receiving direct
-- payments) from NHS Digital's open data: councils, regions and England as published (region
-- and England rows are the publisher's totals, is_sum_of_districts = false). Values come from
-- numerator / denominator (Wilson intervals); a denominator under 30 carers is flagged [u]
-- (low reliability). The note gives the median of all councils (computed here) and the
-- council's rank (1 = highest).
with

base as (
    select case measure_group when '1C1B' then 'ascof_1c1b_carers_self_directed_support'
                else 'ascof_1c2b_carers_direct_payments' end as indicator_id, *
    from staging.nhsd_ascof_carers
),

councils as (
    select indicator_id, period_id,
           median(numerator / nullif(denominator, 0)) as council_median,
           count(denominator) filter (where denominator > 0) as councils
    from base where area_level = 'local_authority'
    group by all
),

ranked as (
    select b.*, c.council_median, c.councils,
           case when b.area_level = 'local_authority' and b.denominator > 0 then
               rank() over (partition by b.indicator_id, b.period_id, b.area_level
                            order by b.numerator / nullif(b.denominator, 0) desc nulls last)
           end as council_rank
    from base as b join councils as c using (indicator_id, period_id)
)

select
    indicator_id, area_code, area_name, area_level, false as is_sum_of_districts, period_id,
    'all' as breakdown, numerator, denominator, null::double as value,
    case when denominator = 0 or denominator is null then '[x]'
         when denominator < 30 then '[u]' end as symbol,
    concat_ws(' ',
        case when denominator > 0 and denominator < 30 then
            'Low reliability: the denominator is only ' || denominator::integer || ' carers.'
        end,
        'Median of all councils ' || printf('%.1f%%', 100 * council_median)
        || case when council_rank is not null then
               '; rank ' || council_rank || ' of ' || councils || ' councils (1 = highest)'
           else '' end || '.') as note,
    council_median * 100 as council_median,
    council_rank,
    case when council_rank is not null then councils end as council_rank_of,
    refs
from ranked
order by indicator_id, period_id, area_code
