with

shipments as (

    select * from {{ ref('stg_opapp__shipments') }}

),

shipment_totals_per_order as (

    select
        order_id,
        count(*) as shipment_count,
        sum(amount) as shipped_amount,
        sum(cost_amount) as cost_amount,
        min(shipped_at) as first_shipped_at,
        max(shipped_at) as last_shipped_at

    from shipments
    group by 1

)

select * from shipment_totals_per_order
