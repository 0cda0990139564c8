with

shipments as (

    select * from {{ ref('stg_opapp__shipments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

shipments_joined_to_orders as (

    select
        shipments.shipment_id,
        shipments.shipment_number,
        shipments.order_id,
        orders.order_number,
        orders.partner_id,
        orders.business_region_id,
        orders.manager_id,
        shipments.warehouse_id,
        shipments.shipped_at,
        cast(shipments.shipped_at as date) as shipped_date,
        cast({{ dbt.date_trunc('month', 'shipments.shipped_at') }} as date) as shipped_month,
        orders.planned_shipment_date,
        shipments.amount,
        shipments.cost_amount

    from shipments
    inner join orders
        on shipments.order_id = orders.order_id

),

final as (

    select
        shipment_id,
        shipment_number,
        order_id,
        order_number,
        partner_id,
        business_region_id,
        manager_id,
        warehouse_id,
        shipped_at,
        shipped_date,
        shipped_month,
        planned_shipment_date,
        case
            when planned_shipment_date is not null
                then shipped_date <= planned_shipment_date
        end as is_on_time,
        cast(amount as decimal(18, 2)) as shipped_amount,
        cast(cost_amount as decimal(18, 2)) as cost_amount,
        cast(amount - cost_amount as decimal(18, 2)) as margin_amount

    from shipments_joined_to_orders

)

select * from final
