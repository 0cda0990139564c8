with

matches as (

    select * from {{ ref('int_invoice_payments_joined_to_payments') }}
    where matched_at <= {{ as_of_timestamp() }}

),

invoices as (

    select * from {{ ref('fct_invoices') }}
    -- a cancelled invoice has nothing paid on it
    where not is_cancelled

),

matches_joined_to_invoices as (

    select
        matches.invoice_payment_id,
        matches.invoice_id,
        invoices.invoice_number,
        matches.payment_id,
        matches.payment_number,
        invoices.order_id,
        invoices.partner_id,
        invoices.issued_date,
        matches.paid_at,
        cast(matches.paid_at as date) as paid_date,
        matches.matched_at,
        cast(matches.matched_amount as decimal(18, 2)) as matched_amount

    from matches
    inner join invoices
        on matches.invoice_id = invoices.invoice_id

),

final as (

    select
        invoice_payment_id,
        invoice_id,
        invoice_number,
        payment_id,
        payment_number,
        order_id,
        partner_id,
        paid_at,
        paid_date,
        matched_at,
        cast({{ dbt.datediff('issued_date', 'paid_date', 'day') }} as integer)
            as days_from_issue,
        matched_amount

    from matches_joined_to_invoices

)

select * from final
