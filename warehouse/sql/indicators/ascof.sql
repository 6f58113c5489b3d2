-- ASCOF carer measures from the Office for Local Government adult social care file:
-- 1D carer-reported quality of life (ASC1, score out of 12) and 3D2 carers who find it easy
-- to find information (ASC4, %). Every council's published value, with Oflog's median of all
-- councils, the council's distance from it in median absolute deviations (as Oflog presents
-- it) and its rank among councils with a value (1 = highest), in the note and in columns.
with

measures (code, indicator_id, fmt) as (
    values ('ASC1', 'ascof_1d_carer_quality_of_life', '%.1f'),
           ('ASC4', 'ascof_3d2_carers_easy_to_find_information', '%.1f%%')
),

rows as (
    select m.indicator_id, m.fmt, s.*,
           case when s.value is not null then
               rank() over (partition by s.code, s.period_id order by s.value desc nulls last)
           end as council_rank,
           count(s.value) over (partition by s.code, s.period_id) as councils
    from staging.oflog_asc as s
    join measures as m using (code)
)

select
    indicator_id,
    area_code,
    area_name,
    'local_authority' as area_level,
    false as is_sum_of_districts,
    period_id,
    'all' as breakdown,
    null::double as numerator,
    null::double as denominator,
    value,
    council_median,
    mads_from_median,
    council_rank,
    councils as council_rank_of,
    case when value is null then '[x]' end as symbol,
    'Median of all councils ' || printf(fmt, council_median)
        || case when value is not null then
               '; ' || printf('%.2f', mads_from_median)
               || ' median absolute deviations from the median; rank ' || council_rank
               || ' of ' || councils || ' councils (1 = highest)' else '' end
        || ' (Office for Local Government).' as note,
    [carers_ref(_source_file, _source_sha256, _source_row)] as refs
from rows
order by indicator_id, period_id, area_code
