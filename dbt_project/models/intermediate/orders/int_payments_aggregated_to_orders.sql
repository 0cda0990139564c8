with

payments as (

    select * from {{ ref('stg_opapp__payments') }}

),

payment_totals_per_order as (

    select
        order_id,
        count(*) as payment_count,
        sum(amount) as paid_amount,
        min(paid_at) as first_paid_at,
        max(paid_at) as last_paid_at

    from payments
    group by 1

)

select * from payment_totals_per_order
