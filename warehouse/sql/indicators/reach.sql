-- Reach (local returns): newsletter editions, subscribers and engagement, carers web pages,
-- information pack requests. One row per indicator, financial year and breakdown; each row's
-- `refs` lists the staged rows it is made from.
with

nl as (
    select *, 'FY' || financial_year as period_id,
           carers_ref(_source_file, _source_sha256, _source_row) as ref
    from staging.newsletter
),

latest as (
    select * from (
        select *, row_number() over (partition by financial_year
                                     order by issue_date desc, edition desc) as rn
        from nl) where rn = 1
),

web as (
    select *, 'FY' || financial_year as period_id,
           carers_ref(_source_file, _source_sha256, _source_row) as ref
    from staging.web
),

info as (
    select *, 'FY' || financial_year as period_id,
           carers_ref(_source_file, _source_sha256, _source_row) as ref
    from staging.information_requests
),

measures as (
    -- Editions in the year against the bi-monthly timetable of six.
    select 'newsletter_editions' as indicator_id, period_id, 'all' as breakdown,
           count(distinct edition)::double as numerator, 6::double as denominator,
           count(distinct edition)::double as value, list(ref) as refs
    from nl group by period_id
    union all
    select 'newsletter_subscribers', period_id, 'all', subscribers, null, subscribers, [ref]
    from latest
    union all
    -- Growth over the year: subscribers at the latest edition less at the first edition.
    select 'newsletter_subscriber_growth', period_id, 'all', null, null,
           (arg_max(subscribers, issue_date) - arg_min(subscribers, issue_date))::double,
           list(ref)
    from nl group by period_id having count(*) >= 2
    union all
    select 'newsletter_open_rate', period_id, 'all', sum(unique_opens), sum(delivered), null,
           list(ref)
    from nl where unique_opens is not null and delivered > 0 group by period_id
    union all
    select 'newsletter_click_rate', period_id, 'all', sum(unique_clicks), sum(delivered), null,
           list(ref)
    from nl where unique_clicks is not null and delivered > 0 group by period_id
    union all
    select 'web_page_views_monthly_mean', period_id, 'all', sum(page_views), count(*),
           round(avg(page_views), 1), list(ref)
    from web group by period_id
    union all
    select 'web_users_monthly_mean', period_id, 'all', sum(users), count(*),
           round(avg(users), 1), list(ref)
    from web group by period_id
    union all
    select 'web_months_reported', period_id, 'all', count(*), 12, count(*), list(ref)
    from web group by period_id
    union all
    select 'information_pack_requests', period_id, 'all', sum(pack_requests), null,
           sum(pack_requests), list(ref)
    from info group by period_id
    union all
    select 'information_pack_requests', period_id, channel, sum(pack_requests), null,
           sum(pack_requests), list(ref)
    from info group by period_id, channel
)

-- `refs` (one carers_ref number per staged row used) is regrouped into per-file sources by
-- warehouse/indicators.py, the same for every return-based indicator file.
select indicator_id, 'E08000018' as area_code, period_id, breakdown,
       numerator::double as numerator, denominator::double as denominator,
       value::double as value, refs
from measures
