-- young_carers_school_census: one row per academic year x area x school phase ('all' for the
-- publisher's all-phases total), all pupils: young carers identified (in total, by school, by
-- parent), the pupil total, the published percentage, EES symbols and the rows each figure
-- came from.
--
-- The young-carer count is the publisher's own total row where there is one; only where the
-- file has no total but has both "identified by school" and "identified by parent" is it
-- their sum (and `derivation` says so). The pupil total is the young-carer row's
-- `denominator`, else the all-pupils ("Total") row. Nothing is summed across areas.
with

totals as (
    select * exclude (phase),
           case when lower(phase) in ('total', 'all', 'all phases', 'all schools') then 'all'
                else phase end as phase,
           {'f': _source_file, 's': _source_sha256, 'r': _source_row} as ref
    from staging.dfe_young_carers
    where lower(characteristic) in ('total', 'all', 'all pupils')
),

by_area as (
    select
        period_id, academic_year_start, area_code, phase,
        any_value(area_name) as area_name, any_value(area_level) as area_level,
        any_value(region_code) as region_code, any_value(old_la_code) as old_la_code,
        any_value(number_of_pupils) filter (where young_carer_group = 'young_carer') as yc,
        any_value(number_of_pupils_symbol) filter (where young_carer_group = 'young_carer')
            as yc_symbol,
        any_value(denominator) filter (where young_carer_group = 'young_carer') as yc_den,
        any_value(percent_of_pupils) filter (where young_carer_group = 'young_carer') as yc_pct,
        any_value(number_of_pupils) filter (where young_carer_group = 'school') as school,
        any_value(number_of_pupils_symbol) filter (where young_carer_group = 'school')
            as school_symbol,
        any_value(number_of_pupils) filter (where young_carer_group = 'parent') as parent,
        any_value(number_of_pupils_symbol) filter (where young_carer_group = 'parent')
            as parent_symbol,
        any_value(denominator) filter (where young_carer_group in ('school', 'parent'))
            as sp_den,
        any_value(number_of_pupils) filter (where young_carer_group = 'all_pupils')
            as all_pupils,
        count(*) filter (where young_carer_group = 'young_carer') > 0 as has_total_row,
        count(*) filter (where young_carer_group = 'school') > 0 as has_school_row,
        count(*) filter (where young_carer_group = 'parent') > 0 as has_parent_row,
        string_agg(distinct source_publication, '; ') as source_publication,
        list(ref) filter (where young_carer_group in ('young_carer', 'school', 'parent',
                                                      'all_pupils')) as refs,
        list(ref) filter (where young_carer_group = 'school') as school_refs,
        list(ref) filter (where young_carer_group = 'parent') as parent_refs
    from totals
    group by period_id, academic_year_start, area_code, phase
)

select
    period_id, academic_year_start, area_code, phase, area_name, area_level, region_code,
    old_la_code,
    coalesce(yc, case when not has_total_row then school + parent end) as young_carers,
    case when yc is null and not has_total_row and school is not null and parent is not null
         then 'sum of the identified-by-school and identified-by-parent rows' end
        as derivation,
    -- A total that cannot be formed because a part is suppressed carries the part's symbol.
    case when yc is null
         then coalesce(yc_symbol, case when not has_total_row
                                       then coalesce(school_symbol, parent_symbol) end)
    end as young_carers_symbol,
    school as identified_by_school, school_symbol, has_school_row,
    parent as identified_by_parent, parent_symbol, has_parent_row,
    coalesce(yc_den, all_pupils, sp_den) as pupils,
    yc_pct as published_percent,
    source_publication,
    refs, school_refs, parent_refs
from by_area
order by academic_year_start, area_code, phase <> 'all', phase
