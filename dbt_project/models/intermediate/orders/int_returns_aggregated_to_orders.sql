with

received_lines as (

    select * from {{ ref('int_return_lines_joined_to_shipments') }}
    where is_received

),

received_returns_per_order as (

    select
        order_id,
        count(distinct return_request_id) as received_return_count,
        sum(received_quantity) as returned_quantity,
        sum(received_amount) as returned_amount,
        sum(received_cost_amount) as returned_cost_amount,
        max(received_at) as last_received_at

    from received_lines
    group by 1

)

select * from received_returns_per_order
