with

payments as (

    select * from {{ ref('stg_opapp__payments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

payments_joined_to_orders as (

    select
        payments.payment_id,
        payments.payment_number,
        payments.order_id,
        orders.order_number,
        payments.partner_id,
        orders.business_region_id,
        orders.manager_id,
        payments.paid_at,
        cast(payments.paid_at as date) as paid_date,
        cast({{ dbt.date_trunc('month', 'payments.paid_at') }} as date) as paid_month,
        cast(payments.amount as decimal(18, 2)) as paid_amount

    from payments
    inner join orders
        on payments.order_id = orders.order_id

)

select * from payments_joined_to_orders
