-- Young carers: school-census identification (DfE, published figures per area; England and
-- regions are the publisher's totals, never sums of local authorities) and the young carers'
-- service return (distinct young carers, referrals, referral to assessment).
-- Each figure names the set of rows it is made from (`row_set`); `lineage` holds the sets, one
-- row per set and input row, and `carers_sources(lineage)` gives each set its sources (per-file
-- row ranges: see events.sql and warehouse/indicators.py).
with

census as (
    select *, concat_ws(' ', 'census', area_code, period_id, phase) as row_set
    from marts.young_carers_school_census where phase = 'all'
),

-- School phases (primary, secondary, special...) where the file has them: the rate by phase.
by_phase as (
    select *, concat_ws(' ', 'census', area_code, period_id, phase) as row_set
    from marts.young_carers_school_census where phase <> 'all'
),

-- The census rows behind each figure: the mart keeps them as lists ({f, s, r} each), a few
-- per area and year; one row per set and staged row here, as `carers_sources` takes them.
census_lineage as (
    select distinct row_set, ref.f as _source_file, ref.s as _source_sha256,
           ref.r as _source_row
    from (select row_set, unnest(refs) as ref from census
          union all select row_set, unnest(refs) from by_phase
          union all select row_set || ' school', unnest(school_refs) from census
          union all select row_set || ' parent', unnest(parent_refs) from census)
),

symbols (ees, gss) as (
    values ('c', '[c]'), ('x', '[x]'), ('z', '[z]'), ('u', '[u]'), ('low', '[x]')
),

-- Each strategy claim is noted on the value it claims to be and, where the figure is held
-- for another period, on that value too.
claim_notes as (
    select area_code, claimed_period_id as period_id, measure, claim_id,
           'Strategy check ("' || quote || '", ' || document || '): ' || measure_label || ' '
           || result || '. ' || explanation as note
    from marts.young_carers_reconciliation
    union all
    select area_code, held_equal_period_id, measure, claim_id,
           'Strategy check: "' || quote || '" (' || document || ') gives '
           || claimed_text || ' ' || measure_label || ' for ' || claimed_period_label
           || '; that is the figure for this period, not ' || claimed_period_label || '.'
    from marts.young_carers_reconciliation where held_equal_period_id is not null
),

notes as (
    select area_code, period_id,
           case when measure = 'young_carers' then 'young_carers_identified'
                else 'young_carers_identified_per_1000' end as indicator_id,
           string_agg(note, ' ' order by claim_id) as note
    from claim_notes
    group by all
),

school_census as (
    select 'young_carers_identified' as indicator_id, area_code, area_name, area_level,
           region_code, period_id, 'all' as breakdown, young_carers::double as numerator,
           null::double as denominator, null::double as value,
           (select gss from symbols where ees = young_carers_symbol) as symbol,
           concat_ws(' ', case when derivation is not null
                               then 'Young carers: ' || derivation || '.' end,
                     case when source_publication is not null
                          then 'Published in: ' || source_publication || '.' end) as note,
           row_set
    from census
    union all
    select 'young_carers_identified', area_code, area_name, area_level, region_code,
           period_id, 'identified_by_school', identified_by_school, null, null,
           (select gss from symbols where ees = school_symbol), null, row_set || ' school'
    from census where has_school_row
    union all
    select 'young_carers_identified', area_code, area_name, area_level, region_code,
           period_id, 'identified_by_parent', identified_by_parent, null, null,
           (select gss from symbols where ees = parent_symbol), null, row_set || ' parent'
    from census where has_parent_row
    union all
    -- The rate: from the count and pupil total where both are held (Wilson interval);
    -- else the publisher's percentage (x 10), with no interval; else not available.
    select 'young_carers_identified_per_1000', area_code, area_name, area_level, region_code,
           period_id, 'all', young_carers, pupils,
           case when pupils is null then published_percent * 10 end,
           (select gss from symbols where ees = young_carers_symbol),
           concat_ws(' ',
                     case when pupils is null and published_percent is not null
                          then 'Rate from the published percentage of pupils ('
                               || published_percent || '%, as rounded by the publisher); '
                               || 'the pupil total is not held, so no interval.' end,
                     case when pupils is null and published_percent is null
                          then 'The pupil total for this year is not held, so no rate.' end,
                     case when source_publication is not null
                          then 'Published in: ' || source_publication || '.' end),
           row_set
    from census
    union all
    select 'young_carers_identified_per_1000', area_code, area_name, area_level, region_code,
           period_id, 'phase: ' || phase, young_carers, pupils,
           case when pupils is null then published_percent * 10 end,
           (select gss from symbols where ees = young_carers_symbol), null, row_set
    from by_phase
),

school_census_noted as (
    select s.* exclude (note),
           nullif(concat_ws(' ', nullif(s.note, ''), n.note), '') as note,
           -- a rate from the publisher's percentage, rounded to 0.1%: known to within
           -- 0.05% either side, i.e. 0.5 per 1,000
           case when s.indicator_id = 'young_carers_identified_per_1000'
                     and s.denominator is null and s.value is not null
                then 0.5 end as value_half_step,
           false as is_sum_of_districts, true as comparable
    from school_census as s
    left join notes as n
        on n.indicator_id = s.indicator_id and n.area_code = s.area_code
       and n.period_id = s.period_id and s.breakdown = 'all'
),

-- The young carers' service return --------------------------------------------------------
ycs as (
    select *, year(referral_date) as year from staging.young_carers_support
),

as_of as (
    select max(greatest(referral_date, coalesce(assessment_date, referral_date),
                        coalesce(support_start, referral_date),
                        coalesce(support_end, referral_date))) as as_of
    from staging.young_carers_support
),

years as (
    select y as year, make_date(y, 1, 1) as year_start, make_date(y, 12, 31) as year_end,
           -- part year: the return's latest date is before December of that year
           (select as_of from as_of) < make_date(y, 12, 1) as partial
    from (select unnest(range(min(year(referral_date))::bigint,
                              (select year(as_of) from as_of)::bigint + 1)) as y
          from staging.young_carers_support)
),

partial_note as (
    select year, partial,
           case when partial then 'Part year: the return runs to '
                || strftime((select as_of from as_of), '%d %B %Y')
                || ', so not comparable with a full year.' end as note
    from years
),

-- Each referral once (a referral may have several support episodes). Materialized: the
-- figures and their lineage must see the same referral source for a referral.
referrals as materialized (
    select source_org, case_ref, referral_date, year(referral_date) as year,
           any_value(referral_source) as referral_source,
           min(assessment_date) as assessment_date
    from ycs group by source_org, case_ref, referral_date
),

-- The staged rows behind the service figures, one row per set and staged row (events.sql).
service_lineage as (
    -- episodes of one-to-one support running at any time in the year
    select 'one_to_one ' || y.year as row_set, e._source_file, e._source_sha256, e._source_row
    from years as y
    join ycs as e
      on e.support_type = 'one_to_one' and e.support_start <= y.year_end
     and coalesce(e.support_end, (select as_of from as_of)) >= y.year_start
    union all
    -- every episode of the referrals made in the year
    select 'referrals ' || year, _source_file, _source_sha256, _source_row
    from ycs
    union all
    select concat_ws(' ', 'referrals', e.year, r.referral_source), e._source_file,
           e._source_sha256, e._source_row
    from ycs as e
    join referrals as r using (source_org, case_ref, referral_date)
    union all
    select 'assessed referrals ' || e.year, e._source_file, e._source_sha256, e._source_row
    from ycs as e
    join referrals as r using (source_org, case_ref, referral_date)
    where r.assessment_date is not null
),

lineage as (
    select * from census_lineage
    union all
    select * from service_lineage
),

one_to_one as (
    -- Distinct young carers with a one-to-one episode running at any time in the year,
    -- counted from episodes (support_start to support_end, open episodes to the return's
    -- latest date), not by adding up months.
    select 'young_carers_one_to_one' as indicator_id, 'CY' || y.year as period_id,
           'all' as breakdown,
           count(distinct (e.source_org, e.case_ref))::double as numerator,
           null::double as denominator, null::double as value,
           'one_to_one ' || y.year as row_set
    from years as y
    left join ycs as e
      on e.support_type = 'one_to_one' and e.support_start <= y.year_end
     and coalesce(e.support_end, (select as_of from as_of)) >= y.year_start
    group by y.year
),

service as (
    select * from one_to_one
    union all
    select 'young_carers_referrals', 'CY' || year, 'all', count(*), null, null,
           'referrals ' || year
    from referrals group by year
    union all
    select 'young_carers_referrals', 'CY' || year, referral_source, count(*), null, null,
           concat_ws(' ', 'referrals', year, referral_source)
    from referrals group by year, referral_source
    union all
    select 'young_carers_referrals_from_schools_pct', 'CY' || year, 'all',
           count(*) filter (where referral_source = 'school'), count(*), null,
           'referrals ' || year
    from referrals group by year
    union all
    select 'young_carers_referral_to_assessment_days', 'CY' || year, 'all', null, count(*),
           quantile_cont(assessment_date - referral_date, 0.5), 'assessed referrals ' || year
    from referrals where assessment_date is not null group by year
),

service_rows as (
    select s.indicator_id, 'E08000018' as area_code, null as area_name, null as area_level,
           null as region_code, s.period_id, s.breakdown, s.numerator::double as numerator,
           s.denominator::double as denominator, s.value::double as value,
           null as symbol, s.row_set, p.note,
           false as is_sum_of_districts, not coalesce(p.partial, false) as comparable
    from service as s
    left join partial_note as p on 'CY' || p.year = s.period_id
),

figures as (
    select * from school_census_noted
    union all by name
    select * from service_rows
)

-- Each figure's `sources` from its set of rows (carers_sources, warehouse/indicators.py).
select f.indicator_id, f.area_code, f.area_name, f.area_level, f.region_code, f.period_id,
       f.breakdown, f.numerator, f.denominator, f.value, f.symbol, f.note,
       coalesce(s.sources, []) as sources, f.is_sum_of_districts, f.comparable,
       f.value_half_step
from figures as f
left join carers_sources(lineage) as s on s.row_set is not distinct from f.row_set
