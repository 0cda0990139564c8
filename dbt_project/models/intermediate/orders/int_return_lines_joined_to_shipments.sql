with

return_lines as (

    select * from {{ ref('stg_opapp__return_request_lines') }}

),

return_requests as (

    select * from {{ ref('stg_opapp__return_requests') }}

),

shipment_lines as (

    select * from {{ ref('stg_opapp__shipment_lines') }}

),

shipments as (

    select * from {{ ref('stg_opapp__shipments') }}

),

return_lines_joined as (

    select
        return_lines.return_line_id,
        return_lines.return_request_id,
        return_requests.return_number,
        return_lines.line_number,
        return_requests.partner_id,
        return_requests.order_id,
        shipment_lines.shipment_id,
        return_lines.shipment_line_id,
        return_lines.product_id,
        return_requests.return_reason_id,
        return_requests.source,
        return_requests.status,
        return_requests.status = 'received' as is_received,
        return_lines.quantity,
        return_lines.price,
        return_lines.amount,
        -- the goods come back at the cost they left with: the shipment's cost per ruble shipped
        -- (the product is widened first: two decimal(18, 2) overflow DuckDB's decimal(18, 4))
        case
            when shipments.amount > 0
                then
                    cast(return_lines.amount as decimal(38, 2))
                    * shipments.cost_amount / shipments.amount
            else 0
        end as cost_amount,
        return_requests.registered_at,
        return_requests.decided_at,
        return_requests.received_at,
        return_requests.first_response_at

    from return_lines
    inner join return_requests
        on return_lines.return_request_id = return_requests.return_request_id
    left join shipment_lines
        on return_lines.shipment_line_id = shipment_lines.shipment_line_id
    left join shipments
        on shipment_lines.shipment_id = shipments.shipment_id

),

final as (

    select
        return_line_id,
        return_request_id,
        return_number,
        line_number,
        partner_id,
        order_id,
        shipment_id,
        shipment_line_id,
        product_id,
        return_reason_id,
        source,
        status,
        is_received,
        quantity,
        price,
        amount,
        cast(cost_amount as decimal(18, 2)) as cost_amount,
        cast(case when is_received then quantity else 0 end as decimal(18, 3))
            as received_quantity,
        cast(case when is_received then amount else 0 end as decimal(18, 2)) as received_amount,
        cast(case when is_received then cost_amount else 0 end as decimal(18, 2))
            as received_cost_amount,
        registered_at,
        decided_at,
        -- only a received request has goods back; a stale received_at elsewhere is ignored
        case when is_received then received_at end as received_at,
        first_response_at

    from return_lines_joined

)

select * from final
