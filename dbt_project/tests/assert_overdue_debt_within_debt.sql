-- Overdue debt is part of the debt: 0 <= overdue_amount <= debt_amount per order, and so per
-- partner and in total; it is also part of the overdue scheduled payments it comes from.
-- Returns each grain (order, partner, total) where that breaks.
with

orders as (

    select * from {{ ref('fct_orders') }}

),

per_order as (

    select
        'order' as grain,
        cast(order_id as {{ varchar_type() }}) as grain_key,
        debt_amount,
        overdue_amount,
        overdue_payment_amount

    from orders

),

partner_totals as (

    select
        partner_id,
        sum(debt_amount) as debt_amount,
        sum(overdue_amount) as overdue_amount,
        sum(overdue_payment_amount) as overdue_payment_amount

    from orders
    group by 1

),

per_partner as (

    select
        'partner' as grain,
        cast(partner_id as {{ varchar_type() }}) as grain_key,
        debt_amount,
        overdue_amount,
        overdue_payment_amount

    from partner_totals

),

in_total as (

    select
        'total' as grain,
        'all' as grain_key,
        coalesce(sum(debt_amount), 0) as debt_amount,
        coalesce(sum(overdue_amount), 0) as overdue_amount,
        coalesce(sum(overdue_payment_amount), 0) as overdue_payment_amount

    from orders

),

every_grain as (

    select * from per_order
    union all
    select * from per_partner
    union all
    select * from in_total

)

select * from every_grain
where
    overdue_amount < 0
    or overdue_amount > debt_amount
    or overdue_amount > overdue_payment_amount
