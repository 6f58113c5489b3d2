-- Census unpaid care: residents providing any unpaid care, and 50+ hours a week, for every
-- English district, each region and England (regions and England summed from districts).
with

district_bands as (
    select
        s.period_id,
        s.area_code,
        a.region_code,
        sum(s.persons) filter (where s.band in ('hours_1_19', 'hours_20_49', 'hours_50_plus'))
            as carers,
        sum(s.persons) filter (where s.band = 'hours_50_plus') as carers_50h,
        sum(s.persons) filter (where s.band = 'total') as residents,
        any_value(s._source_file) as source_file,
        any_value(s._source_sha256) as source_sha256,
        list_distinct(flatten(list(s._source_rows))) as source_rows
    from staging.census_unpaid_care as s
    inner join marts.dim_area as a on a.area_code = s.area_code and a.area_level = 'district'
    group by s.period_id, s.area_code, a.region_code
),

summed as (
    select period_id, area_code, carers, carers_50h, residents,
           source_file, source_sha256, source_rows
    from district_bands
    union all
    select period_id, region_code, sum(carers), sum(carers_50h), sum(residents),
           any_value(source_file), any_value(source_sha256), flatten(list(source_rows))
    from district_bands
    group by period_id, region_code
    union all
    select period_id, 'E92000001', sum(carers), sum(carers_50h), sum(residents),
           any_value(source_file), any_value(source_sha256), flatten(list(source_rows))
    from district_bands
    group by period_id
),

measures as (
    select 'census_unpaid_care_pct' as indicator_id, *, carers as numerator from summed
    union all
    select 'census_unpaid_care_50h_pct' as indicator_id, *, carers_50h as numerator from summed
)

select
    indicator_id,
    area_code,
    period_id,
    'all' as breakdown,
    numerator,
    residents as denominator,
    null::double as value,
    [{'file': source_file, 'sha256': source_sha256, 'rows': source_rows}] as sources
from measures
