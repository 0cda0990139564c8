with

shipments as (

    select * from {{ ref('fct_shipments') }}

),

regions as (

    select * from {{ ref('dim_business_regions') }}

),

revenue_per_region_and_month as (

    select
        business_region_id,
        shipped_month,
        count(*) as shipment_count,
        count(distinct order_id) as order_count,
        sum(shipped_amount) as revenue_amount,
        sum(cost_amount) as cost_amount

    from shipments
    group by 1, 2

),

final as (

    select
        {{ generate_surrogate_key(['revenue_per_region_and_month.business_region_id',
            'revenue_per_region_and_month.shipped_month']) }} as region_revenue_id,
        revenue_per_region_and_month.business_region_id,
        regions.business_region_name,
        revenue_per_region_and_month.shipped_month as revenue_month,
        cast(revenue_per_region_and_month.shipment_count as integer) as shipment_count,
        cast(revenue_per_region_and_month.order_count as integer) as order_count,
        cast(revenue_per_region_and_month.revenue_amount as decimal(18, 2)) as revenue_amount,
        cast(revenue_per_region_and_month.cost_amount as decimal(18, 2)) as cost_amount,
        cast(
            revenue_per_region_and_month.revenue_amount
            - revenue_per_region_and_month.cost_amount as decimal(18, 2)
        ) as margin_amount,
        case
            when revenue_per_region_and_month.revenue_amount > 0
                then
                    cast(
                        revenue_per_region_and_month.revenue_amount
                        - revenue_per_region_and_month.cost_amount as double precision
                    )
                    / cast(revenue_per_region_and_month.revenue_amount as double precision)
        end as margin_share

    from revenue_per_region_and_month
    left join regions
        on revenue_per_region_and_month.business_region_id = regions.business_region_id

)

select * from final
