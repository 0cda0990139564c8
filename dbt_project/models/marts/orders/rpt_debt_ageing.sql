with

schedule_items as (

    select * from {{ ref('int_payment_schedule_items_allocated_fifo') }}
    -- the overdue DEBT (fct_orders.overdue_amount), not every overdue scheduled payment
    where overdue_debt_amount > 0

),

orders as (

    select * from {{ ref('fct_orders') }}

),

overdue_items_bucketed as (

    select
        orders.partner_id,
        orders.partner_name,
        case
            when schedule_items.days_overdue <= 30 then '0-30'
            when schedule_items.days_overdue <= 60 then '31-60'
            when schedule_items.days_overdue <= 90 then '61-90'
            else '90+'
        end as ageing_bucket,
        schedule_items.order_id,
        schedule_items.overdue_debt_amount,
        schedule_items.days_overdue

    from schedule_items
    inner join orders
        on schedule_items.order_id = orders.order_id

),

overdue_per_partner_and_bucket as (

    select
        partner_id,
        partner_name,
        ageing_bucket,
        count(*) as overdue_items,
        count(distinct order_id) as overdue_orders,
        sum(overdue_debt_amount) as overdue_amount,
        max(days_overdue) as max_days_overdue

    from overdue_items_bucketed
    group by 1, 2, 3

),

final as (

    select
        {{ generate_surrogate_key(['partner_id', 'ageing_bucket']) }} as debt_ageing_id,
        partner_id,
        partner_name,
        ageing_bucket,
        case ageing_bucket
            when '0-30' then 1
            when '31-60' then 2
            when '61-90' then 3
            else 4
        end as bucket_order,
        cast(overdue_items as integer) as overdue_items,
        cast(overdue_orders as integer) as overdue_orders,
        cast(overdue_amount as decimal(18, 2)) as overdue_amount,
        cast(max_days_overdue as integer) as max_days_overdue,
        cast({{ as_of_timestamp() }} as date) as as_of_date

    from overdue_per_partner_and_bucket

)

select * from final
