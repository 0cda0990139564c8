with

orders as (

    select * from {{ ref('stg_opapp__customer_orders') }}

),

partners as (

    select * from {{ ref('dim_partners') }}

),

order_lines as (

    select * from {{ ref('int_order_lines_aggregated_to_orders') }}

),

shipments as (

    select * from {{ ref('int_shipments_aggregated_to_orders') }}

),

payments as (

    select * from {{ ref('int_payments_aggregated_to_orders') }}

),

received_returns as (

    select * from {{ ref('int_returns_aggregated_to_orders') }}

),

schedule_items as (

    select * from {{ ref('int_payment_schedule_items_allocated_fifo') }}

),

schedule_totals_per_order as (

    select
        order_id,
        count(*) as schedule_item_count,
        sum(scheduled_amount) as scheduled_amount,
        max(due_date) as planned_payment_date,
        -- every item settled: the date the last one was settled
        case
            when count(settled_at) = count(*) then max(settled_date)
        end as actual_payment_date,
        count(case when settled_date > due_date then 1 end) as items_settled_late,
        count(case when settled_at is null and days_overdue > 0 then 1 end)
            as items_overdue_unsettled,
        count(case when settled_at is null then 1 end) as items_unsettled,
        sum(overdue_debt_amount) as overdue_amount,
        sum(overdue_payment_amount) as overdue_payment_amount

    from schedule_items
    group by 1

),

orders_joined as (

    select
        orders.order_id,
        orders.order_number,
        orders.partner_id,
        partners.partner_name,
        partners.business_region_id,
        partners.business_region_name,
        coalesce(orders.manager_id, partners.manager_id) as manager_id,
        orders.organization_id,
        orders.agreement_id,
        -- as the order records it, also when the deal was deleted since (as 1C keeps a link
        -- to an object marked for deletion): reading the deals here would make every order
        -- mart downstream of every deal change
        orders.deal_id,
        orders.commercial_offer_id,
        orders.status,
        orders.ordered_at,
        orders.planned_shipment_date,
        coalesce(order_lines.lines_amount, orders.order_amount, 0) as ordered_amount,
        coalesce(order_lines.ordered_quantity, 0) as ordered_quantity,
        coalesce(order_lines.reserved_quantity, 0) as reserved_quantity,
        coalesce(order_lines.shipped_quantity, 0) as shipped_quantity,
        coalesce(order_lines.all_lines_shipped, 0) = 1 as is_fully_shipped,
        coalesce(shipments.shipment_count, 0) as shipment_count,
        coalesce(shipments.shipped_amount, 0) as shipped_amount,
        coalesce(shipments.cost_amount, 0) as cost_amount,
        cast(shipments.last_shipped_at as date) as actual_shipment_date,
        coalesce(payments.paid_amount, 0) as paid_amount,
        coalesce(received_returns.returned_amount, 0) as returned_amount,
        coalesce(received_returns.returned_cost_amount, 0) as returned_cost_amount,
        schedule_totals_per_order.planned_payment_date,
        schedule_totals_per_order.actual_payment_date,
        schedule_totals_per_order.schedule_item_count,
        schedule_totals_per_order.items_settled_late,
        schedule_totals_per_order.items_overdue_unsettled,
        schedule_totals_per_order.items_unsettled,
        orders.status in {{ debt_order_statuses() }} as is_debt_counted,
        coalesce(schedule_totals_per_order.overdue_amount, 0) as overdue_amount,
        coalesce(schedule_totals_per_order.overdue_payment_amount, 0)
            as overdue_payment_amount

    from orders
    left join partners
        on orders.partner_id = partners.partner_id
    left join order_lines
        on orders.order_id = order_lines.order_id
    left join shipments
        on orders.order_id = shipments.order_id
    left join payments
        on orders.order_id = payments.order_id
    left join received_returns
        on orders.order_id = received_returns.order_id
    left join schedule_totals_per_order
        on orders.order_id = schedule_totals_per_order.order_id

),

final as (

    select
        order_id,
        order_number,
        partner_id,
        partner_name,
        business_region_id,
        business_region_name,
        manager_id,
        organization_id,
        agreement_id,
        deal_id,
        commercial_offer_id,
        status,
        status = 'cancelled' as is_cancelled,
        ordered_at,
        cast(ordered_at as date) as ordered_date,
        cast({{ dbt.date_trunc('month', 'ordered_at') }} as date) as ordered_month,
        cast(ordered_amount as decimal(18, 2)) as ordered_amount,
        cast(shipped_amount as decimal(18, 2)) as shipped_amount,
        cast(cost_amount as decimal(18, 2)) as cost_amount,
        cast(shipped_amount - cost_amount as decimal(18, 2)) as margin_amount,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        -- debt and prepayment per order, never netted across orders (1C settles by order);
        -- goods received back (a received return) are no longer owed for
        cast(
            case
                when is_debt_counted
                    then greatest(shipped_amount - returned_amount - paid_amount, 0)
                else 0
            end as decimal(18, 2)
        ) as debt_amount,
        cast(
            case
                when is_debt_counted
                    then greatest(paid_amount - (shipped_amount - returned_amount), 0)
                else 0
            end as decimal(18, 2)
        ) as prepayment_amount,
        cast(overdue_amount as decimal(18, 2)) as overdue_amount,
        cast(overdue_payment_amount as decimal(18, 2)) as overdue_payment_amount,
        cast(ordered_quantity as decimal(18, 3)) as ordered_quantity,
        cast(reserved_quantity as decimal(18, 3)) as reserved_quantity,
        cast(shipped_quantity as decimal(18, 3)) as shipped_quantity,
        is_fully_shipped,
        cast(shipment_count as integer) as shipment_count,
        planned_shipment_date,
        actual_shipment_date,
        -- on time: the last shipment so far is on or before the planned date
        case
            when planned_shipment_date is not null and actual_shipment_date is not null
                then actual_shipment_date <= planned_shipment_date
        end as is_shipped_on_time,
        planned_payment_date,
        actual_payment_date,
        -- false once any schedule item was settled late or is overdue and unsettled;
        -- true when every item was settled by its due date; else (still open) null
        case
            when schedule_item_count is null then cast(null as boolean)
            when items_settled_late > 0 or items_overdue_unsettled > 0 then false
            when items_unsettled = 0 then true
        end as is_paid_on_time,
        cast(returned_amount as decimal(18, 2)) as returned_amount,
        cast(shipped_amount - returned_amount as decimal(18, 2)) as net_shipped_amount,
        cast(
            shipped_amount - returned_amount - (cost_amount - returned_cost_amount)
            as decimal(18, 2)
        ) as net_margin_amount

    from orders_joined

)

select * from final
