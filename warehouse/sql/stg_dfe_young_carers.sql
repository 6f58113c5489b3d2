-- stg_dfe_young_carers: the DfE "Schools, pupils and their characteristics" young-carers
-- table, one row per academic year x area x phase x characteristic x young-carer status.
-- National, regional and local-authority rows are the publisher's own figures (an England or
-- region row is never a sum of local authorities here). Other geographic levels are left in
-- raw and not staged. EES symbols (c, x, z, low, u) stay beside the numbers.
select
    academic_year_start,
    'AY' || academic_year_start as period_id,
    time_period,
    area_code,
    area_name,
    area_level,
    nullif(old_la_code, '') as old_la_code,
    case when area_level = 'local_authority' then nullif(region_code, '') end as region_code,
    phase_type_grouping as phase,
    characteristic,
    young_carer,
    young_carer_group,
    number_of_pupils,
    number_of_pupils_symbol,
    denominator,
    denominator_symbol,
    percent_of_pupils,
    percent_of_pupils_symbol,
    nullif(source_publication, '') as source_publication,
    _source_file,
    _source_sha256,
    _source_row
from raw.dfe_young_carers
where area_level is not null
order by academic_year_start, area_level, area_code, phase, characteristic, young_carer_group
