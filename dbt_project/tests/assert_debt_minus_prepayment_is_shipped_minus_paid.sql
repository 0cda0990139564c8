-- Debt is settled by order: for an order in a debt status (approved, to_ship, shipped,
-- closed) debt_amount - prepayment_amount = shipped_amount - returned_amount - paid_amount
-- (returned_amount: received returns only), with at most one of
-- the two above 0; any other order (draft, on_approval, cancelled) has 0 in every debt column.
-- Returns the orders where that breaks.
select
    order_id,
    status,
    shipped_amount,
    returned_amount,
    paid_amount,
    debt_amount,
    prepayment_amount,
    overdue_amount,
    overdue_payment_amount

from {{ ref('fct_orders') }}
where
    case
        when status in {{ debt_order_statuses() }}
            then
                debt_amount - prepayment_amount
                <> shipped_amount - returned_amount - paid_amount
                or debt_amount < 0
                or prepayment_amount < 0
                or (debt_amount > 0 and prepayment_amount > 0)
        else
            debt_amount <> 0
            or prepayment_amount <> 0
            or overdue_amount <> 0
            or overdue_payment_amount <> 0
    end
