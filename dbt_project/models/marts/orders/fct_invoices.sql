with

invoices as (

    select * from {{ ref('stg_opapp__invoices') }}
    -- an invoice dated after the as-of does not exist yet for the marts
    where issued_date <= cast({{ as_of_timestamp() }} as date)

),

matches as (

    select * from {{ ref('int_invoice_payments_joined_to_payments') }}
    -- a payment counts once it is matched by the as-of
    where matched_at <= {{ as_of_timestamp() }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

match_totals_per_invoice as (

    select
        invoice_id,
        count(*) as matched_payment_count,
        sum(matched_amount) as paid_amount,
        max(cast(paid_at as date)) as last_paid_date

    from matches
    group by 1

),

invoices_joined_to_payments as (

    select
        invoices.invoice_id,
        invoices.invoice_number,
        invoices.organization_id,
        invoices.fiscal_year,
        invoices.sequence_number,
        invoices.order_id,
        orders.order_number,
        invoices.partner_id,
        orders.partner_name,
        orders.business_region_id,
        orders.manager_id,
        invoices.invoice_kind,
        invoices.invoice_status = 'cancelled' as is_cancelled,
        invoices.issued_date,
        invoices.due_date,
        invoices.invoice_amount,
        invoices.vat_amount,
        case
            when invoices.invoice_status = 'cancelled' then 0
            else coalesce(match_totals_per_invoice.paid_amount, 0)
        end as paid_amount,
        coalesce(match_totals_per_invoice.matched_payment_count, 0) as matched_payment_count,
        match_totals_per_invoice.last_paid_date,
        cast({{ as_of_timestamp() }} as date) as as_of_date

    from invoices
    inner join orders
        on invoices.order_id = orders.order_id
    left join match_totals_per_invoice
        on invoices.invoice_id = match_totals_per_invoice.invoice_id

),

invoices_with_status as (

    select
        *,
        case
            when is_cancelled then 'cancelled'
            when paid_amount >= invoice_amount then 'paid'
            when paid_amount > 0 then 'partly_paid'
            else 'issued'
        end as invoice_status,
        case
            when is_cancelled then 0
            else greatest(invoice_amount - paid_amount, 0)
        end as outstanding_amount

    from invoices_joined_to_payments

),

invoices_aged as (

    select
        *,
        invoice_status = 'paid' as is_paid,
        outstanding_amount > 0 and due_date < as_of_date as is_overdue,
        case
            when invoice_status = 'paid'
                then {{ dbt.datediff('issued_date', 'last_paid_date', 'day') }}
        end as days_to_pay,
        case
            when outstanding_amount > 0
                then {{ dbt.datediff('issued_date', 'as_of_date', 'day') }}
        end as age_days,
        case
            when outstanding_amount > 0 and due_date < as_of_date
                then {{ dbt.datediff('due_date', 'as_of_date', 'day') }}
            else 0
        end as days_overdue

    from invoices_with_status

),

final as (

    select
        invoice_id,
        invoice_number,
        organization_id,
        fiscal_year,
        sequence_number,
        order_id,
        order_number,
        partner_id,
        partner_name,
        business_region_id,
        manager_id,
        invoice_kind,
        invoice_status,
        is_cancelled,
        is_paid,
        is_overdue,
        issued_date,
        cast({{ dbt.date_trunc('month', 'issued_date') }} as date) as issued_month,
        due_date,
        case when is_paid then last_paid_date end as paid_date,
        cast(invoice_amount as decimal(18, 2)) as invoice_amount,
        cast(vat_amount as decimal(18, 2)) as vat_amount,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        cast(outstanding_amount as decimal(18, 2)) as outstanding_amount,
        cast(
            case when is_overdue then outstanding_amount else 0 end as decimal(18, 2)
        ) as overdue_amount,
        cast(matched_payment_count as integer) as matched_payment_count,
        cast(days_to_pay as integer) as days_to_pay,
        cast(age_days as integer) as age_days,
        case
            when age_days is null then null
            when age_days <= 30 then '0-30'
            when age_days <= 60 then '31-60'
            when age_days <= 90 then '61-90'
            else '90+'
        end as age_bucket,
        cast(days_overdue as integer) as days_overdue,
        as_of_date

    from invoices_aged

)

select * from final
