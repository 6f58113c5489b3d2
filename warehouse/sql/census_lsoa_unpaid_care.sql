-- census_lsoa_unpaid_care: Census 2021 TS039 for Rotherham's small areas (LSOA 2021), one row
-- per LSOA: usual residents aged 5+, those providing any unpaid care and 50+ hours a week.
-- LSOAs are found by the district name that begins every LSOA name ("Rotherham 001A").
select
    2021 as census_year,
    area_code as lsoa_code,
    area_name as lsoa_name,
    'E08000018' as district_code,
    total as residents_5_plus,
    total - no_care as carers,
    hours_50_plus as carers_50_plus,
    _source_file,
    _source_sha256,
    _source_row
from raw.census_ts039_lsoa
where area_name like 'Rotherham %' and area_code like 'E01%'
order by lsoa_code
