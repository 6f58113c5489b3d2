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

-- Spreadsheet rows as ranges ('2-40, 42-90') per district and year, computed here so no row
-- list reaches Python: consecutive rows share (row - rank), the gaps-and-islands method.
islands as (
    select 'events' as src, area_code, fy, _source_row,
           _source_row - row_number() over (partition by area_code, fy order by _source_row)
               as island
    from events
    union all
    select 'assessments', area_code, fy, _source_row,
           _source_row - row_number() over (partition by area_code, fy order by _source_row)
    from assessments
    union all
    select 'young', area_code, fy, _source_row,
           _source_row - row_number() over (partition by area_code, fy order by _source_row)
    from young
),

row_ranges as (
    select src, area_code, fy,
           string_agg(case when lo = hi then lo::varchar else lo || '-' || hi end, ', '
                      order by lo) as rows
    from (select src, area_code, fy, island, min(_source_row) as lo, max(_source_row) as hi
          from islands group by all)
    group by all
),

aggregated as (
    select 'bench_events' as indicator_id, 'events' as src, area_code, fy,
           count(*) as numerator, null::double as denominator,
           any_value(_source_file) as source_file, any_value(_source_sha256) as source_sha256
    from events group by all
    union all
    select 'bench_carers_attending', 'events', area_code, fy, sum(carers_attending), null,
           any_value(_source_file), any_value(_source_sha256)
    from events group by all
    union all
    select 'bench_assessments_completed_pct', 'assessments', area_code, fy, sum(completed),
           count(*), any_value(_source_file), any_value(_source_sha256)
    from assessments group by all
    union all
    select 'bench_young_carers_supported', 'young', area_code, fy,
           count(distinct case_ref) filter (where support_type in ('one_to_one', 'group')),
           null, any_value(_source_file), any_value(_source_sha256)
    from young group by all
),

ranged as (
    select a.* exclude (src), r.rows
    from aggregated as a
    join row_ranges as r
      on r.src = a.src and r.area_code = a.area_code and r.fy is not distinct from a.fy
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
