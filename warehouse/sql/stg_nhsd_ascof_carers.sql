-- stg_nhsd_ascof_carers: NHS Digital's ASCOF carer measures 1C1B (self-directed support) and
-- 1C2B (direct payments), all ages, one row per financial year x area (council, region,
-- England: the publisher's own figures, never sums here) with numerator, denominator and the
-- published outcome (%). Council-type rows are left in raw.
select
    'FY' || fy_start as period_id,
    measure_group,
    area_code,
    any_value(area_name) as area_name,
    any_value(area_level) as area_level,
    max(value) filter (where measure_type = 'Numerator') as numerator,
    max(value) filter (where measure_type = 'Denominator') as denominator,
    max(value) filter (where measure_type = 'Outcome') as outcome,
    max(value_symbol) filter (where measure_type = 'Outcome') as outcome_symbol,
    count(*) as source_rows,
    list({'f': _source_file, 's': _source_sha256, 'r': _source_row}) as refs
from raw.nhsd_ascof
where measure_group in ('1C1B', '1C2B') and measure_code = measure_group
  and area_level in ('local_authority', 'region', 'country')
group by all
order by measure_group, period_id, area_code
