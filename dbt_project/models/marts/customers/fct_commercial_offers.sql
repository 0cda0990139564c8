{#
    One row per commercial offer with its outcome: accepted, turned into an order (a live,
    not cancelled customer order referencing it), lost (rejected or expired) and why.
#}
with

offers as (

    select * from {{ ref('stg_opapp__commercial_offers') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where
        commercial_offer_id is not null
        and not is_cancelled

),

deals as (

    select * from {{ ref('fct_deals') }}

),

managers as (

    select * from {{ ref('dim_managers') }}

),

orders_per_offer as (

    select
        commercial_offer_id,
        count(*) as order_count,
        min(ordered_at) as first_ordered_at,
        sum(ordered_amount) as ordered_amount

    from orders
    group by 1

),

offers_joined_to_orders_and_deals as (

    select
        offers.commercial_offer_id,
        offers.commercial_offer_number,
        offers.partner_id,
        offers.manager_id,
        managers.manager_name,
        offers.deal_id,
        deals.deal_kind_id,
        deals.deal_kind_name,
        offers.status,
        -- a draft has no offered_at: it counts from its creation
        coalesce(offers.offered_at, offers.created_at) as offered_at,
        offers.valid_until,
        offers.decided_at,
        offers.offer_amount,
        coalesce(orders_per_offer.order_count, 0) as order_count,
        orders_per_offer.first_ordered_at,
        orders_per_offer.ordered_amount,
        case when deals.is_lost then deals.loss_reason_name end as deal_loss_reason_name

    from offers
    left join orders_per_offer
        on offers.commercial_offer_id = orders_per_offer.commercial_offer_id
    left join deals
        on offers.deal_id = deals.deal_id
    left join managers
        on offers.manager_id = managers.manager_id

),

final as (

    select
        commercial_offer_id,
        commercial_offer_number,
        partner_id,
        manager_id,
        manager_name,
        deal_id,
        deal_kind_id,
        deal_kind_name,
        status,
        offered_at,
        cast(offered_at as date) as offered_date,
        cast({{ dbt.date_trunc('month', 'offered_at') }} as date) as offered_month,
        valid_until,
        decided_at,
        cast(offer_amount as decimal(18, 2)) as offer_amount,
        status <> 'draft' as is_sent,
        status = 'accepted' as is_accepted,
        order_count > 0 as is_converted,
        status in ('rejected', 'expired') as is_lost,
        case
            when status in ('rejected', 'expired')
                then coalesce(deal_loss_reason_name, status)
        end as lost_reason,
        cast(order_count as integer) as order_count,
        first_ordered_at,
        cast(ordered_amount as decimal(18, 2)) as ordered_amount,
        case
            when first_ordered_at is not null
                then {{ days_between('offered_at', 'first_ordered_at') }}
        end as days_to_order

    from offers_joined_to_orders_and_deals

)

select * from final
