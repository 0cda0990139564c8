with

return_lines as (

    select * from {{ ref('int_return_lines_joined_to_shipments') }}

),

return_reasons as (

    select * from {{ ref('stg_opapp__return_reasons') }}

),

partners as (

    select * from {{ ref('dim_partners') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

orders as (

    select * from {{ ref('stg_opapp__customer_orders') }}

),

shipments as (

    select * from {{ ref('stg_opapp__shipments') }}

),

return_lines_joined as (

    select
        return_lines.*,
        return_reasons.return_reason_name,
        partners.partner_name,
        partners.business_region_id,
        partners.manager_id,
        orders.order_number,
        shipments.shipment_number,
        products.product_name

    from return_lines
    left join return_reasons
        on return_lines.return_reason_id = return_reasons.return_reason_id
    left join partners
        on return_lines.partner_id = partners.partner_id
    left join orders
        on return_lines.order_id = orders.order_id
    left join shipments
        on return_lines.shipment_id = shipments.shipment_id
    left join products
        on return_lines.product_id = products.product_id

),

final as (

    select
        return_line_id,
        return_request_id,
        return_number,
        line_number,
        partner_id,
        partner_name,
        business_region_id,
        manager_id,
        order_id,
        order_number,
        shipment_id,
        shipment_number,
        shipment_line_id,
        product_id,
        product_name,
        return_reason_id,
        return_reason_name,
        status,
        source,
        source = 'portal' as is_via_portal,
        is_received,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(price as decimal(18, 2)) as price,
        cast(amount as decimal(18, 2)) as amount,
        cast(cost_amount as decimal(18, 2)) as cost_amount,
        cast(received_quantity as decimal(18, 3)) as received_quantity,
        cast(received_amount as decimal(18, 2)) as received_amount,
        cast(received_cost_amount as decimal(18, 2)) as received_cost_amount,
        registered_at,
        cast(registered_at as date) as registered_date,
        cast({{ dbt.date_trunc('month', 'registered_at') }} as date) as registered_month,
        decided_at,
        cast(decided_at as date) as decided_date,
        received_at,
        cast(received_at as date) as received_date,
        cast({{ dbt.date_trunc('month', 'received_at') }} as date) as received_month,
        {{ days_between('registered_at', 'decided_at') }} * 24 as hours_to_decision

    from return_lines_joined

)

select * from final
