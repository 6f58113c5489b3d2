-- stg_census_unpaid_care: one row per census x area (2021 district codes) x band of weekly
-- hours of unpaid care. 2011 districts are mapped to their 2021 district through the ONS
-- lookup; where districts merged (Dorset, Buckinghamshire, ...) their counts are summed.
with

ts039 as (
    select
        census_year,
        area_code,
        area_name,
        'usual residents aged 5 and over' as population_base,
        total, no_care, hours_1_19, hours_20_49, hours_50_plus,
        _source_file,
        _source_sha256,
        [_source_row] as _source_rows
    from raw.census_ts039
),

qs301_mapped as (
    select
        q.census_year,
        coalesce(l.lad21_code, q.area_code) as area_code,
        coalesce(l.lad21_name, q.area_name) as area_name,
        'all usual residents' as population_base,
        q.total, q.no_care, q.hours_1_19, q.hours_20_49, q.hours_50_plus,
        q._source_file,
        q._source_sha256,
        q._source_row
    from raw.census_qs301 as q
    left join raw.lookup_lad11_lad21 as l on l.lad11_code = q.area_code
),

qs301 as (
    select
        census_year,
        area_code,
        any_value(area_name) as area_name,
        any_value(population_base) as population_base,
        sum(total) as total,
        sum(no_care) as no_care,
        sum(hours_1_19) as hours_1_19,
        sum(hours_20_49) as hours_20_49,
        sum(hours_50_plus) as hours_50_plus,
        any_value(_source_file) as _source_file,
        any_value(_source_sha256) as _source_sha256,
        list_sort(list(_source_row)) as _source_rows
    from qs301_mapped
    group by census_year, area_code
),

both_censuses as (
    select * from ts039
    union all by name
    select * from qs301
),

unpivoted as (
    unpivot both_censuses
    on total, no_care, hours_1_19, hours_20_49, hours_50_plus
    into name band value persons
)

select
    census_year::integer as census_year,
    'CD' || census_year as period_id,
    area_code,
    area_name,
    population_base,
    band,
    persons::bigint as persons,
    _source_file,
    _source_sha256,
    _source_rows
from unpivoted
order by census_year, area_code, band
