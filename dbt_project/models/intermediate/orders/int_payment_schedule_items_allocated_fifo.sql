{#
    Payments applied to an order's payment schedule first in, first out: the order's payments
    (by paid_at, then id) cover its schedule items in due order (due_date, then id). Only
    payments made up to as_of count. Over-payment beyond the schedule is ignored here.

    Overdue payment = an item's uncovered part once past due. Overdue debt = the part of the
    order's debt (shipped - received returns - paid, when positive) that is overdue: the order's overdue payments,
    oldest first, up to its debt (shipped goods take the schedule's earliest items). Both are 0
    for orders outside debt_order_statuses().
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

orders as (

    select * from {{ ref('stg_opapp__customer_orders') }}

),

shipment_totals as (

    select * from {{ ref('int_shipments_aggregated_to_orders') }}

),

payment_totals as (

    select * from {{ ref('int_payments_aggregated_to_orders') }}

),

received_returns as (

    select * from {{ ref('int_returns_aggregated_to_orders') }}

),

-- the same debt as fct_orders.debt_amount: every recorded shipment and payment
debt_per_order as (

    select
        orders.order_id,
        orders.status in {{ debt_order_statuses() }} as is_debt_counted,
        case
            when orders.status in {{ debt_order_statuses() }}
                then
                    greatest(
                        coalesce(shipment_totals.shipped_amount, 0)
                        - coalesce(received_returns.returned_amount, 0)
                        - coalesce(payment_totals.paid_amount, 0),
                        0
                    )
            else 0
        end as debt_amount

    from orders
    left join shipment_totals
        on orders.order_id = shipment_totals.order_id
    left join payment_totals
        on orders.order_id = payment_totals.order_id
    left join received_returns
        on orders.order_id = received_returns.order_id

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

items_aged as (

    select
        items_allocated.payment_schedule_item_id,
        items_allocated.order_id,
        items_allocated.due_date,
        items_allocated.payment_kind,
        items_allocated.scheduled_amount,
        items_allocated.allocated_amount,
        items_allocated.scheduled_amount - items_allocated.allocated_amount
            as outstanding_amount,
        items_allocated.settled_at,
        cast(items_allocated.settled_at as date) as settled_date,
        case
            when
                items_allocated.allocated_amount < items_allocated.scheduled_amount
                and items_allocated.due_date < cast({{ as_of_timestamp() }} as date)
                then {{ dbt.datediff('items_allocated.due_date', as_of_date, 'day') }}
            else 0
        end as days_overdue,
        coalesce(debt_per_order.is_debt_counted, false) as is_debt_counted,
        coalesce(debt_per_order.debt_amount, 0) as order_debt_amount

    from items_allocated
    left join debt_per_order
        on items_allocated.order_id = debt_per_order.order_id

),

items_with_overdue_payments as (

    select
        *,
        case
            when is_debt_counted and days_overdue > 0 then outstanding_amount
            else 0
        end as overdue_payment_amount

    from items_aged

),

-- the order's overdue payments on earlier items (due order): they take its debt first
items_with_earlier_overdue as (

    select
        *,
        coalesce(
            sum(overdue_payment_amount) over (
                partition by order_id
                order by due_date, payment_schedule_item_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as earlier_overdue_payment_amount

    from items_with_overdue_payments

),

final as (

    select
        payment_schedule_item_id,
        order_id,
        due_date,
        payment_kind,
        scheduled_amount,
        allocated_amount,
        outstanding_amount,
        settled_at,
        settled_date,
        days_overdue,
        is_debt_counted,
        -- one type on every adapter (a case with a bare 0 is unscaled numeric on PostgreSQL)
        cast(overdue_payment_amount as decimal(18, 2)) as overdue_payment_amount,
        cast(
            greatest(
                least(
                    overdue_payment_amount,
                    order_debt_amount - earlier_overdue_payment_amount
                ),
                0
            ) as decimal(18, 2)
        ) as overdue_debt_amount

    from items_with_earlier_overdue

)

select * from final
