with

shipments as (

    select * from {{ ref('stg_opapp__shipments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

received_return_lines as (

    select * from {{ ref('int_return_lines_joined_to_shipments') }}
    where is_received

),

received_returns_per_shipment as (

    select
        shipment_id,
        sum(received_amount) as returned_amount,
        sum(received_cost_amount) as returned_cost_amount

    from received_return_lines
    group by 1

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
        shipments.cost_amount,
        coalesce(received_returns_per_shipment.returned_amount, 0) as returned_amount,
        coalesce(received_returns_per_shipment.returned_cost_amount, 0) as returned_cost_amount

    from shipments
    inner join orders
        on shipments.order_id = orders.order_id
    left join received_returns_per_shipment
        on shipments.shipment_id = received_returns_per_shipment.shipment_id

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
        cast(amount - cost_amount as decimal(18, 2)) as margin_amount,
        cast(returned_amount as decimal(18, 2)) as returned_amount,
        cast(amount - returned_amount as decimal(18, 2)) as net_shipped_amount

    from shipments_joined_to_orders

)

select * from final
