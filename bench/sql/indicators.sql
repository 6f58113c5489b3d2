-- The benchmark's four indicators, per district, region and England and financial year, from
-- the staged (validated) returns. Run by the pipeline through the catalogue (bench/run.py
-- points CARERS_CATALOGUE_EXTRA at a catalogue naming this file) and by bench/baseline.sql.
with

events as (
    select source_org as area_code, financial_year as fy, _source_file, _source_sha256,
           _source_row, 1 as events, carers_attending
    from staging.events
),

assessments as (
    select source_org as area_code, financial_year as fy, _source_file, _source_sha256,
           _source_row, (completed_date is not null)::integer as completed
    from staging.carer_assessments
),

young as (
    select source_org as area_code, financial_year as fy, _source_file, _source_sha256,
           _source_row, case_ref, support_type
    from staging.young_carers_support
),

district as (
    select 'bench_events' as indicator_id, area_code, fy, count(*) as numerator,
           null::double as denominator, any_value(_source_file) as source_file,
           any_value(_source_sha256) as source_sha256, list(_source_row) as r
    from events group by all
    union all
    select 'bench_carers_attending', area_code, fy, sum(carers_attending), null,
           any_value(_source_file), any_value(_source_sha256), list(_source_row)
    from events group by all
    union all
    select 'bench_assessments_completed_pct', area_code, fy, sum(completed), count(*),
           any_value(_source_file), any_value(_source_sha256), list(_source_row)
    from assessments group by all
    union all
    select 'bench_young_carers_supported', area_code, fy,
           count(distinct case_ref) filter (where support_type in ('one_to_one', 'group')),
           null, any_value(_source_file), any_value(_source_sha256), list(_source_row)
    from young group by all
),

-- Spreadsheet rows as ranges ('2-40, 42-90'), computed here so no row list reaches Python.
ranged as (
    select d.* exclude (r),
           (select string_agg(case when lo = hi then lo::varchar else lo || '-' || hi end,
                              ', ' order by lo)
            from (select min(x) as lo, max(x) as hi
                  from (select x, x - row_number() over (order by x) as island
                        from (select unnest(list_sort(d.r)) as x))
                  group by island)) as rows
    from district as d
),

with_region as (
    select r.*, a.region_code from ranged as r
    join marts.dim_area as a on a.area_code = r.area_code and a.area_level = 'district'
),

summed as (
    select indicator_id, area_code, fy, numerator, denominator, source_file, source_sha256,
           rows
    from with_region
    union all
    select indicator_id, region_code, fy, sum(numerator), sum(denominator),
           any_value(source_file), any_value(source_sha256),
           string_agg(rows, ', ' order by area_code)
    from with_region
    where indicator_id <> 'bench_young_carers_supported'  -- distinct people: not additive
    group by indicator_id, region_code, fy
    union all
    select indicator_id, 'E92000001', fy, sum(numerator), sum(denominator),
           any_value(source_file), any_value(source_sha256),
           string_agg(rows, ', ' order by area_code)
    from with_region
    where indicator_id <> 'bench_young_carers_supported'
    group by indicator_id, fy
)

select indicator_id, area_code, 'FY' || fy as period_id, 'all' as breakdown,
       numerator::double as numerator, denominator::double as denominator,
       null::double as value,
       [{'file': source_file, 'sha256': source_sha256, 'rows': rows}] as sources
from summed
where fy is not null
