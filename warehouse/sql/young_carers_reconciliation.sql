-- young_carers_reconciliation: the strategy's published young-carer figures checked against
-- the school-census data held. The claims are quotations (document, words, figures); the
-- results are computed from marts.young_carers_school_census, never adjusted to agree.
with

claims (claim_id, document, quote, area_code, measure, claimed_period_id, claimed_value) as (
    values
    ('strategy_2026_31_p6_young_carers',
     'Rotherham all-age carers strategy 2026-31, page 6',
     '45,627 school pupils in Rotherham borough, 82 of these were identified as young carers '
     || 'in the 2025 school census',
     'E08000018', 'young_carers', 'AY2024', 82.0),
    ('strategy_2026_31_p6_pupils',
     'Rotherham all-age carers strategy 2026-31, page 6',
     '45,627 school pupils in Rotherham borough, 82 of these were identified as young carers '
     || 'in the 2025 school census',
     'E08000018', 'pupils', 'AY2024', 45627.0),
    ('strategy_2026_31_p6_rate_implied',
     'Rotherham all-age carers strategy 2026-31, page 6 (rate implied by the quote)',
     '82 of these [45,627 pupils]',
     'E08000018', 'young_carers_per_1000', 'AY2024', round(82 / 45627 * 1000, 2))
),

census as (
    select * from marts.young_carers_school_census where phase = 'all'
),

held as (
    select period_id, area_code, 'young_carers' as measure, young_carers::double as value
    from census
    union all
    select period_id, area_code, 'pupils', pupils::double from census
    union all
    select period_id, area_code, 'young_carers_per_1000', round(young_carers / pupils * 1000, 2)
    from census
),

labelled as (
    select h.*, p.label, p.start_date from held as h
    join marts.dim_period as p using (period_id)
    where h.value is not null
),

checked as (
    select c.*, cp.label as claimed_period_label,
        (select value from labelled as l
         where l.area_code = c.area_code and l.measure = c.measure
           and l.period_id = c.claimed_period_id) as held_value,
        -- circular: the only row held for the claimed period was itself taken from the
        -- document the claim is in (its source publication cites the 2026-31 strategy)
        coalesce((select bool_or(lower(s.source_publication) like '%carers strategy 2026-31%')
                  from census as s
                  where s.area_code = c.area_code and s.period_id = c.claimed_period_id),
                 false) as circular,
        (select string_agg(l.label, ', ' order by l.start_date) from labelled as l
         where l.area_code = c.area_code and l.measure = c.measure
           and l.value = c.claimed_value) as held_equal_in,
        (select min(l.period_id) from labelled as l
         where l.area_code = c.area_code and l.measure = c.measure
           and l.value = c.claimed_value and l.period_id <> c.claimed_period_id)
            as held_equal_period_id,
        case c.measure when 'young_carers' then 'young carers'
                       when 'pupils' then 'pupils'
                       else 'young carers per 1,000 pupils' end as measure_label,
        case when c.measure = 'young_carers_per_1000' then format('{:,.2f}', c.claimed_value)
             else format('{:,}', c.claimed_value::bigint) end as claimed_text
    from claims as c
    join marts.dim_period as cp on cp.period_id = c.claimed_period_id
)

select
    claim_id, document, quote, area_code, measure, measure_label, claimed_period_id,
    claimed_period_label, claimed_value, claimed_text,
    -- This table is published as it is: a held count of 1-4 young carers is shown as [c].
    case when small then null else held_value end as held_value,
    held_equal_in, held_equal_period_id,
    case
        when held_value = claimed_value and circular then 'circular'
        when held_value = claimed_value then 'matches an independent source'
        when held_value is not null then 'differs'
        when held_equal_in is not null then 'held for another period'
        else 'no source held'
    end as result,
    case
        when held_value = claimed_value and circular then
            'The data held for ' || claimed_period_label || ' gives the same figure ('
            || claimed_text || ' ' || measure_label || '), but our only source for it quotes '
            || 'this document, so the agreement checks nothing.'
        when held_value = claimed_value then
            'The data held for ' || claimed_period_label || ' gives the same figure ('
            || claimed_text || ' ' || measure_label || ').'
        when held_value is not null then
            'The data held for ' || claimed_period_label || ' gives '
            || case when small then '[c]'
                    when measure = 'young_carers_per_1000' then format('{:,.2f}', held_value)
                    else format('{:,}', held_value::bigint) end
            || ' ' || measure_label || ', not ' || claimed_text
            || '; the published table shows the data held.'
        when held_equal_in is not null then
            claimed_text || ' ' || measure_label || ' is not held for '
            || claimed_period_label || '; it is the ' || held_equal_in
            || ' figure, so the quote pairs figures from different years.'
        when measure = 'young_carers_per_1000' then
            'No rate is held for ' || claimed_period_label || ' (no pupil total for that '
            || 'year), so the published rate is [x]; ' || claimed_text
            || ' per 1,000 would divide a ' || claimed_period_label
            || ' count by another year''s pupils.'
        else 'No figure for ' || claimed_period_label || ' is held.'
    end as explanation
from (select *, measure = 'young_carers' and held_value between 1 and 4 as small
      from checked)
order by claim_id
