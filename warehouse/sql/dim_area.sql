-- dim_area: English districts, regions and England. Region and England figures in this
-- warehouse are sums of districts, and say so.
with

districts as (
    select
        lad_code as area_code,
        lad_name as area_name,
        'district' as area_level,
        region_code as parent_code,
        region_code,
        false as is_sum_of_districts
    from raw.lookup_lad_region
),

regions as (
    select distinct
        region_code as area_code,
        region_name as area_name,
        'region' as area_level,
        'E92000001' as parent_code,
        region_code,
        true as is_sum_of_districts
    from raw.lookup_lad_region
),

england as (
    select
        'E92000001' as area_code,
        'England' as area_name,
        'country' as area_level,
        null as parent_code,
        null as region_code,
        true as is_sum_of_districts
)

select
    *,
    case when is_sum_of_districts
        then 'Sum of its districts in the source table; may differ slightly from the '
             || 'publisher''s own figure for this area'
    end as derivation
from (
    select * from districts
    union all select * from regions
    union all select * from england
)
order by case area_level when 'country' then 0 when 'region' then 1 else 2 end, area_code
