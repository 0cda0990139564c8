-- Invoices reconcile with payments: per invoice the matched payments are its paid amount and
-- never more than it; per payment the matches never exceed the payment; per order the invoices
-- that are not cancelled never ask for more than the order. Returns what breaks.
with

invoices as (

    select * from {{ ref('fct_invoices') }}

),

matches as (

    select * from {{ ref('fct_invoice_payments') }}

),

payments as (

    select * from {{ ref('fct_payments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

matched_per_invoice as (

    select
        invoice_id,
        sum(matched_amount) as matched_amount

    from matches
    group by 1

),

matched_per_payment as (

    select
        payment_id,
        sum(matched_amount) as matched_amount

    from matches
    group by 1

),

invoiced_per_order as (

    select
        order_id,
        sum(invoice_amount) as invoiced_amount

    from invoices
    where not is_cancelled
    group by 1

),

invoice_breaks as (

    select
        'invoice' as grain,
        cast(invoices.invoice_id as {{ varchar_type() }}) as grain_key

    from invoices
    left join matched_per_invoice
        on invoices.invoice_id = matched_per_invoice.invoice_id
    where
        invoices.paid_amount <> coalesce(matched_per_invoice.matched_amount, 0)
        or invoices.paid_amount > invoices.invoice_amount
        or invoices.paid_amount + invoices.outstanding_amount
        <> case when invoices.is_cancelled then 0 else invoices.invoice_amount end

),

payment_breaks as (

    select
        'payment' as grain,
        cast(matched_per_payment.payment_id as {{ varchar_type() }}) as grain_key

    from matched_per_payment
    left join payments
        on matched_per_payment.payment_id = payments.payment_id
    where
        payments.payment_id is null
        or matched_per_payment.matched_amount > payments.paid_amount

),

order_breaks as (

    select
        'order' as grain,
        cast(invoiced_per_order.order_id as {{ varchar_type() }}) as grain_key

    from invoiced_per_order
    inner join orders
        on invoiced_per_order.order_id = orders.order_id
    where invoiced_per_order.invoiced_amount > orders.ordered_amount

),

every_break as (

    select * from invoice_breaks
    union all
    select * from payment_breaks
    union all
    select * from order_breaks

)

select * from every_break
