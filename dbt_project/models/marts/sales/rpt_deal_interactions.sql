with

deals as (

    select * from {{ ref('fct_deals') }}

),

interactions as (

    select * from {{ ref('stg_opapp__interactions') }}
    where deal_id is not null

),

orders as (

    select * from {{ ref('fct_orders') }}
    where deal_id is not null and not is_cancelled

),

interactions_per_deal as (

    select
        deal_id,
        count(*) as interactions_total,
        count(case when status = 'done' then 1 end) as interactions_done

    from interactions
    group by 1

),

orders_per_deal as (

    select
        deal_id,
        count(*) as order_count,
        sum(ordered_amount) as ordered_amount,
        sum(shipped_amount) as shipped_amount

    from orders
    group by 1

),

deals_joined as (

    select
        deals.deal_id,
        deals.deal_number,
        deals.partner_id,
        deals.manager_id,
        deals.deal_kind_id,
        deals.business_region_id,
        deals.created_month,
        deals.status,
        deals.potential_amount,
        coalesce(interactions_per_deal.interactions_total, 0) as interactions_total,
        coalesce(interactions_per_deal.interactions_done, 0) as interactions_done,
        coalesce(orders_per_deal.order_count, 0) as order_count,
        coalesce(orders_per_deal.ordered_amount, 0) as ordered_amount,
        coalesce(orders_per_deal.shipped_amount, 0) as shipped_amount

    from deals
    left join interactions_per_deal
        on deals.deal_id = interactions_per_deal.deal_id
    left join orders_per_deal
        on deals.deal_id = orders_per_deal.deal_id

),

final as (

    select
        deal_id,
        deal_number,
        partner_id,
        manager_id,
        deal_kind_id,
        business_region_id,
        created_month,
        status,
        cast(interactions_total as integer) as interactions_total,
        cast(interactions_done as integer) as interactions_done,
        cast(order_count as integer) as order_count,
        cast(potential_amount as decimal(18, 2)) as potential_amount,
        cast(ordered_amount as decimal(18, 2)) as ordered_amount,
        -- actual = shipped amount of the deal's non-cancelled orders
        cast(shipped_amount as decimal(18, 2)) as actual_amount,
        case
            when potential_amount > 0
                then
                    cast(shipped_amount as {{ double_type() }})
                    / cast(potential_amount as {{ double_type() }})
        end as actual_to_potential_share

    from deals_joined

)

select * from final
