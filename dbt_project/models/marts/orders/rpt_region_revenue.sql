with

shipments as (

    select * from {{ ref('fct_shipments') }}

),

received_returns as (

    -- goods back only: an approved return not yet received changes no revenue
    select * from {{ ref('fct_returns') }}
    where is_received

),

regions as (

    select * from {{ ref('dim_business_regions') }}

),

revenue_per_region_and_month as (

    select
        business_region_id,
        shipped_month as revenue_month,
        count(*) as shipment_count,
        count(distinct order_id) as order_count,
        sum(shipped_amount) as revenue_amount,
        sum(cost_amount) as cost_amount

    from shipments
    group by 1, 2

),

returns_per_region_and_month as (

    select
        business_region_id,
        received_month as revenue_month,
        count(distinct return_request_id) as return_count,
        sum(received_amount) as returns_amount,
        sum(received_cost_amount) as returns_cost_amount

    from received_returns
    group by 1, 2

),

region_months as (

    select
        business_region_id,
        revenue_month
    from revenue_per_region_and_month
    union
    select
        business_region_id,
        revenue_month
    from returns_per_region_and_month

),

region_months_joined as (

    select
        region_months.business_region_id,
        region_months.revenue_month,
        coalesce(revenue_per_region_and_month.shipment_count, 0) as shipment_count,
        coalesce(revenue_per_region_and_month.order_count, 0) as order_count,
        coalesce(revenue_per_region_and_month.revenue_amount, 0) as revenue_amount,
        coalesce(revenue_per_region_and_month.cost_amount, 0) as cost_amount,
        coalesce(returns_per_region_and_month.return_count, 0) as return_count,
        coalesce(returns_per_region_and_month.returns_amount, 0) as returns_amount,
        coalesce(returns_per_region_and_month.returns_cost_amount, 0) as returns_cost_amount

    from region_months
    left join revenue_per_region_and_month
        on
            region_months.revenue_month = revenue_per_region_and_month.revenue_month
            and (
                region_months.business_region_id = revenue_per_region_and_month.business_region_id
                or (
                    region_months.business_region_id is null
                    and revenue_per_region_and_month.business_region_id is null
                )
            )
    left join returns_per_region_and_month
        on
            region_months.revenue_month = returns_per_region_and_month.revenue_month
            and (
                region_months.business_region_id = returns_per_region_and_month.business_region_id
                or (
                    region_months.business_region_id is null
                    and returns_per_region_and_month.business_region_id is null
                )
            )

),

final as (

    select
        {{ generate_surrogate_key(['region_months_joined.business_region_id',
            'region_months_joined.revenue_month']) }} as region_revenue_id,
        region_months_joined.business_region_id,
        regions.business_region_name,
        region_months_joined.revenue_month,
        cast(region_months_joined.shipment_count as integer) as shipment_count,
        cast(region_months_joined.order_count as integer) as order_count,
        cast(region_months_joined.revenue_amount as decimal(18, 2)) as revenue_amount,
        cast(region_months_joined.cost_amount as decimal(18, 2)) as cost_amount,
        cast(
            region_months_joined.revenue_amount
            - region_months_joined.cost_amount as decimal(18, 2)
        ) as margin_amount,
        case
            when region_months_joined.revenue_amount > 0
                then
                    cast(
                        region_months_joined.revenue_amount
                        - region_months_joined.cost_amount as {{ double_type() }}
                    )
                    / cast(region_months_joined.revenue_amount as {{ double_type() }})
        end as margin_share,
        cast(region_months_joined.return_count as integer) as return_count,
        cast(region_months_joined.returns_amount as decimal(18, 2)) as returns_amount,
        cast(region_months_joined.returns_cost_amount as decimal(18, 2)) as returns_cost_amount,
        cast(
            region_months_joined.revenue_amount
            - region_months_joined.returns_amount as decimal(18, 2)
        ) as net_revenue_amount,
        cast(
            region_months_joined.revenue_amount
            - region_months_joined.returns_amount
            - (region_months_joined.cost_amount - region_months_joined.returns_cost_amount)
            as decimal(18, 2)
        ) as net_margin_amount

    from region_months_joined
    left join regions
        on region_months_joined.business_region_id = regions.business_region_id

)

select * from final
