-- Live matches of live payments to invoices, with the payment's own date: what an invoice's
-- paid amount and days to pay are made of. A match of a soft-deleted payment no longer counts.
with

invoice_payments as (

    select * from {{ ref('stg_opapp__invoice_payments') }}

),

payments as (

    select * from {{ ref('stg_opapp__payments') }}

),

invoice_payments_joined_to_payments as (

    select
        invoice_payments.invoice_payment_id,
        invoice_payments.invoice_id,
        invoice_payments.payment_id,
        payments.payment_number,
        payments.order_id as payment_order_id,
        payments.paid_at,
        invoice_payments.matched_at,
        invoice_payments.matched_amount

    from invoice_payments
    inner join payments
        on invoice_payments.payment_id = payments.payment_id

)

select * from invoice_payments_joined_to_payments
