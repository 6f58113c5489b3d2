-- Where carers live: % of residents aged 5+ providing unpaid care (and 50+ hours a week) in
-- each of Rotherham's LSOAs, with Wilson intervals (computed by warehouse/indicators.py from
-- numerator and denominator) and, in the note, whether the LSOA's interval lies above or
-- below the Rotherham average (the district's own TS039 figure) and its rank (1 = most carers
-- per head). The Rotherham district row is included as the comparator.
with

lsoa as (
    select 'lsoa_unpaid_care_pct' as indicator_id, lsoa_code, lsoa_name,
           carers as num, residents_5_plus as den, _source_file, _source_sha256, _source_row
    from marts.census_lsoa_unpaid_care
    union all
    select 'lsoa_unpaid_care_50h_pct', lsoa_code, lsoa_name, carers_50_plus,
           residents_5_plus, _source_file, _source_sha256, _source_row
    from marts.census_lsoa_unpaid_care
),

district as (
    select 'lsoa_unpaid_care_pct' as indicator_id, total - no_care as num, total as den,
           _source_file, _source_sha256, _source_row
    from raw.census_ts039 where area_code = 'E08000018'
    union all
    select 'lsoa_unpaid_care_50h_pct', hours_50_plus, total, _source_file, _source_sha256,
           _source_row
    from raw.census_ts039 where area_code = 'E08000018'
),

-- Wilson 95% interval, z = 1.959964 (the same method as warehouse/stats.py).
wilson as (
    select l.*, d.num / d.den as district_p,
           l.num / l.den as p,
           (l.num / l.den + 1.959964^2 / (2 * l.den)
            - 1.959964 * sqrt(l.num / l.den * (1 - l.num / l.den) / l.den
                              + 1.959964^2 / (4 * l.den^2)))
               / (1 + 1.959964^2 / l.den) as lo,
           (l.num / l.den + 1.959964^2 / (2 * l.den)
            + 1.959964 * sqrt(l.num / l.den * (1 - l.num / l.den) / l.den
                              + 1.959964^2 / (4 * l.den^2)))
               / (1 + 1.959964^2 / l.den) as hi,
           rank() over (partition by l.indicator_id order by l.num / l.den desc) as lsoa_rank,
           count(*) over (partition by l.indicator_id) as lsoas
    from lsoa as l join district as d using (indicator_id)
)

select
    indicator_id, lsoa_code as area_code, lsoa_name as area_name, 'lsoa' as area_level,
    false as is_sum_of_districts, 'CD2021' as period_id, 'all' as breakdown,
    num::double as numerator, den::double as denominator, null::double as value,
    null::varchar as symbol,
    'Rank ' || lsoa_rank || ' of ' || lsoas || ' Rotherham LSOAs (1 = highest); '
        || case when lo > district_p then 'significantly higher than'
                when hi < district_p then 'significantly lower than'
                else 'not significantly different from' end
        || ' the Rotherham average (' || printf('%.1f', 100 * district_p) || '%).' as note,
    [carers_ref(_source_file, _source_sha256, _source_row)] as refs
from wilson
union all
select indicator_id, 'E08000018', 'Rotherham', 'district', false, 'CD2021', 'all',
       num::double, den::double, null::double, null::varchar,
       'Rotherham average (district total, the comparator for its LSOAs).',
       [carers_ref(_source_file, _source_sha256, _source_row)]
from district
order by indicator_id, area_code
