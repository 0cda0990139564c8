{#
    Customer lifecycle events per partner and month: new, active, returned (a purchase made
    after being lost) and lost (var('customer_lost_after_days') days without a purchase).
#}
{%- set lost_after_days = var('customer_lost_after_days') -%}
with

shipments as (

    select * from {{ ref('fct_shipments') }}
    where
        partner_id is not null
        and shipped_date <= cast({{ as_of_timestamp() }} as date)

),

partners as (

    select * from {{ ref('dim_partners') }}

),

purchase_days as (

    select distinct
        partner_id,
        shipped_date as purchase_date

    from shipments

),

purchase_days_with_neighbours as (

    select
        partner_id,
        purchase_date,
        lag(purchase_date) over (
            partition by partner_id order by purchase_date
        ) as previous_purchase_date,
        lead(purchase_date) over (
            partition by partner_id order by purchase_date
        ) as next_purchase_date,
        cast(
            {{ dbt.dateadd('day', lost_after_days, 'purchase_date') }} as date
        ) as lost_date

    from purchase_days

),

purchase_events as (

    select
        partner_id,
        purchase_date as event_date,
        case when previous_purchase_date is null then 1 else 0 end as is_new,
        1 as is_active,
        case
            when
                {{ dbt.datediff('previous_purchase_date', 'purchase_date', 'day') }}
                > {{ lost_after_days }}
                then 1
            else 0
        end as is_returned,
        0 as is_lost

    from purchase_days_with_neighbours

),

lost_events as (

    -- lost on the day the N days without a purchase complete, if no purchase came by then
    select
        partner_id,
        lost_date as event_date,
        0 as is_new,
        0 as is_active,
        0 as is_returned,
        1 as is_lost

    from purchase_days_with_neighbours
    where
        (next_purchase_date is null and lost_date <= cast({{ as_of_timestamp() }} as date))
        or next_purchase_date > lost_date

),

events as (

    select * from purchase_events
    union all
    select * from lost_events

),

events_per_partner_and_month as (

    select
        partner_id,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as lifecycle_month,
        max(is_new) as is_new,
        max(is_active) as is_active,
        max(is_returned) as is_returned,
        max(is_lost) as is_lost

    from events
    group by 1, 2

),

final as (

    select
        {{ generate_surrogate_key(['events_per_partner_and_month.partner_id',
            'events_per_partner_and_month.lifecycle_month']) }} as customer_lifecycle_id,
        events_per_partner_and_month.partner_id,
        partners.partner_name,
        partners.business_region_id,
        partners.manager_id,
        events_per_partner_and_month.lifecycle_month,
        events_per_partner_and_month.is_new = 1 as is_new,
        events_per_partner_and_month.is_active = 1 as is_active,
        events_per_partner_and_month.is_returned = 1 as is_returned,
        events_per_partner_and_month.is_lost = 1 as is_lost

    from events_per_partner_and_month
    left join partners
        on events_per_partner_and_month.partner_id = partners.partner_id

)

select * from final
