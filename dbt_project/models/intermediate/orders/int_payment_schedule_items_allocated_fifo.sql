{#
    Payments applied to an order's payment schedule first in, first out: the order's payments
    (by paid_at, then id) cover its schedule items in due order (due_date, then id). Only
    payments made up to as_of count. Over-payment beyond the schedule is ignored here.
#}
{%- set as_of_date = 'cast(' ~ as_of_timestamp() ~ ' as date)' -%}

with

schedule_items as (

    select * from {{ ref('stg_opapp__payment_schedule_items') }}

),

payments as (

    select * from {{ ref('stg_opapp__payments') }}
    where paid_at <= {{ as_of_timestamp() }}

),

schedule_items_with_running_totals as (

    select
        payment_schedule_item_id,
        order_id,
        due_date,
        payment_kind,
        scheduled_amount,
        sum(scheduled_amount) over (
            partition by order_id
            order by due_date, payment_schedule_item_id
            rows between unbounded preceding and current row
        ) as scheduled_through_item

    from schedule_items

),

payments_with_running_totals as (

    select
        order_id,
        paid_at,
        sum(amount) over (
            partition by order_id
            order by paid_at, payment_id
            rows between unbounded preceding and current row
        ) as paid_through_payment

    from payments

),

paid_per_order as (

    select
        order_id,
        sum(amount) as paid_amount

    from payments
    group by 1

),

-- the payment that brings the running total up to the item's running total settles the item
settling_payment_per_item as (

    select
        schedule_items_with_running_totals.payment_schedule_item_id,
        min(payments_with_running_totals.paid_at) as settled_at

    from schedule_items_with_running_totals
    inner join payments_with_running_totals
        on
            schedule_items_with_running_totals.order_id = payments_with_running_totals.order_id
            and schedule_items_with_running_totals.scheduled_through_item
            <= payments_with_running_totals.paid_through_payment
    group by 1

),

items_allocated as (

    select
        schedule_items_with_running_totals.payment_schedule_item_id,
        schedule_items_with_running_totals.order_id,
        schedule_items_with_running_totals.due_date,
        schedule_items_with_running_totals.payment_kind,
        schedule_items_with_running_totals.scheduled_amount,
        settling_payment_per_item.settled_at,
        -- paid towards this item = paid total minus what earlier items took, within [0, amount]
        case
            when
                coalesce(paid_per_order.paid_amount, 0)
                >= schedule_items_with_running_totals.scheduled_through_item
                then schedule_items_with_running_totals.scheduled_amount
            when
                coalesce(paid_per_order.paid_amount, 0)
                <= schedule_items_with_running_totals.scheduled_through_item
                - schedule_items_with_running_totals.scheduled_amount
                then 0
            else
                coalesce(paid_per_order.paid_amount, 0)
                - (
                    schedule_items_with_running_totals.scheduled_through_item
                    - schedule_items_with_running_totals.scheduled_amount
                )
        end as allocated_amount

    from schedule_items_with_running_totals
    left join paid_per_order
        on schedule_items_with_running_totals.order_id = paid_per_order.order_id
    left join settling_payment_per_item
        on
            schedule_items_with_running_totals.payment_schedule_item_id
            = settling_payment_per_item.payment_schedule_item_id

),

final as (

    select
        payment_schedule_item_id,
        order_id,
        due_date,
        payment_kind,
        scheduled_amount,
        allocated_amount,
        scheduled_amount - allocated_amount as outstanding_amount,
        settled_at,
        cast(settled_at as date) as settled_date,
        case
            when
                allocated_amount < scheduled_amount
                and due_date < cast({{ as_of_timestamp() }} as date)
                then {{ dbt.datediff('due_date', as_of_date, 'day') }}
            else 0
        end as days_overdue

    from items_allocated

)

select * from final
