-- stg_oflog_asc: the Office for Local Government adult social care table, one row per
-- financial year x council x measure, with Oflog's median of all councils and the council's
-- distance from it in median absolute deviations. Blank values stay null (not published).
select
    'FY' || fy_start as period_id,
    fy_start,
    financial_year,
    area_code,
    area_name,
    region_name,
    council_type,
    code,
    measure,
    value,
    council_median,
    mads_from_median,
    _source_file,
    _source_sha256,
    _source_row
from raw.oflog_asc
order by code, fy_start, area_code
