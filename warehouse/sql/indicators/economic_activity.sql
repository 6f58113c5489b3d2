-- Census 2021 economic inactivity (TS066) of usual residents aged 16 and over, for every
-- English district, each region and England (regions and England summed from districts).
with

districts as (
    select
        'CD' || r.census_year as period_id,
        r.area_code,
        a.region_code,
        r.residents_16_plus,
        r.inactive,
        r.looking_after_home,
        r.long_term_sick,
        r._source_file as source_file,
        r._source_sha256 as source_sha256,
        [r._source_row] as source_rows
    from raw.census_ts066 as r
    inner join marts.dim_area as a on a.area_code = r.area_code and a.area_level = 'district'
),

summed as (
    select period_id, area_code, residents_16_plus, inactive, looking_after_home,
           long_term_sick, source_file, source_sha256, source_rows
    from districts
    union all
    select period_id, region_code, sum(residents_16_plus), sum(inactive),
           sum(looking_after_home), sum(long_term_sick), any_value(source_file),
           any_value(source_sha256), flatten(list(source_rows))
    from districts
    group by period_id, region_code
    union all
    select period_id, 'E92000001', sum(residents_16_plus), sum(inactive),
           sum(looking_after_home), sum(long_term_sick), any_value(source_file),
           any_value(source_sha256), flatten(list(source_rows))
    from districts
    group by period_id
),

breakdowns as (
    select *, 'all' as breakdown, inactive as numerator from summed
    union all
    select *, 'looking_after_home_or_family' as breakdown, looking_after_home from summed
    union all
    select *, 'long_term_sick_or_disabled' as breakdown, long_term_sick from summed
)

select
    'census_economically_inactive_pct' as indicator_id,
    area_code,
    period_id,
    breakdown,
    numerator,
    residents_16_plus as denominator,
    null::double as value,
    [{'file': source_file, 'sha256': source_sha256, 'rows': source_rows}] as sources
from breakdowns
