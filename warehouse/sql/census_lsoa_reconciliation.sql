-- census_lsoa_reconciliation: Rotherham's 170 LSOAs summed against the district's own TS039
-- total. ONS perturbs every small-area count (cell key perturbation), so the sums differ a
-- little from the district figures; the difference is shown, never adjusted away. Tolerance:
-- 0.5% of the district figure (a blocking check fails beyond it: wrong areas, not noise).
with

lsoa as (
    select count(*) as lsoas, sum(residents_5_plus) as residents, sum(carers) as carers,
           sum(carers_50_plus) as carers_50_plus
    from marts.census_lsoa_unpaid_care
),

district as (
    select total as residents, total - no_care as carers, hours_50_plus as carers_50_plus,
           _source_file, _source_sha256, _source_row
    from raw.census_ts039 where area_code = 'E08000018'
),

measures as (
    select 'residents aged 5 and over' as measure, l.residents as lsoa_sum,
           d.residents as district_total, l.lsoas, d._source_file, d._source_row
    from lsoa as l, district as d
    union all
    select 'providing unpaid care', l.carers, d.carers, l.lsoas, d._source_file, d._source_row
    from lsoa as l, district as d
    union all
    select 'providing 50 or more hours a week', l.carers_50_plus, d.carers_50_plus, l.lsoas,
           d._source_file, d._source_row
    from lsoa as l, district as d
)

select
    'E08000018' as area_code,
    'Rotherham' as area_name,
    2021 as census_year,
    measure,
    lsoas,
    lsoa_sum,
    district_total,
    lsoa_sum - district_total as difference,
    round(100.0 * (lsoa_sum - district_total) / district_total, 3) as difference_pct,
    0.5 as tolerance_pct,
    abs(lsoa_sum - district_total) <= 0.005 * district_total as within_tolerance,
    'Small-area counts are perturbed by ONS (cell key perturbation), so their sum need not '
        || 'equal the district total; '
        || case when lsoa_sum = district_total then 'here it happens to match exactly.'
                else 'the difference is shown as published, not adjusted.' end
        as explanation,
    _source_file as district_source_file,
    _source_row as district_source_row
from measures
order by measure
