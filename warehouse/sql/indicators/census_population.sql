-- Census 2021 usual residents (TS007), all ages and aged 5 and over, for every English
-- district, each region and England (regions and England summed from districts).
with

districts as (
    select
        'CD' || r.census_year as period_id,
        r.area_code,
        a.region_code,
        r.residents,
        r.residents - r.aged_0_4 as residents_5_plus,
        r._source_file as source_file,
        r._source_sha256 as source_sha256,
        [r._source_row] as source_rows
    from raw.census_ts007 as r
    inner join marts.dim_area as a on a.area_code = r.area_code and a.area_level = 'district'
),

summed as (
    select period_id, area_code, residents, residents_5_plus, source_file, source_sha256,
           source_rows
    from districts
    union all
    select period_id, region_code, sum(residents), sum(residents_5_plus),
           any_value(source_file), any_value(source_sha256), flatten(list(source_rows))
    from districts
    group by period_id, region_code
    union all
    select period_id, 'E92000001', sum(residents), sum(residents_5_plus),
           any_value(source_file), any_value(source_sha256), flatten(list(source_rows))
    from districts
    group by period_id
),

breakdowns as (
    select *, 'all' as breakdown, residents as persons from summed
    union all
    select *, 'aged_5_and_over' as breakdown, residents_5_plus as persons from summed
)

select
    'census_population' as indicator_id,
    area_code,
    period_id,
    breakdown,
    persons as numerator,
    null::bigint as denominator,
    persons::double as value,
    [{'file': source_file, 'sha256': source_sha256, 'rows': source_rows}] as sources
from breakdowns
