with

source as (

    select * from {{ source('opapp', 'invoices') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_id,
        cast(organization_id as bigint) as organization_id,
        cast(customer_order_id as bigint) as order_id,
        cast(payment_schedule_item_id as bigint) as payment_schedule_item_id,
        cast(partner_id as bigint) as partner_id,
        cast(counterparty_id as bigint) as counterparty_id,
        cast(agreement_id as bigint) as agreement_id,
        cast(issued_by_id as bigint) as issued_by_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as invoice_number,
        cast(kind as {{ varchar_type() }}) as invoice_kind,
        cast(status as {{ varchar_type() }}) as invoice_status,
        cast(purpose as {{ varchar_type() }}) as payment_purpose,

        -- numerics
        cast(fiscal_year as integer) as fiscal_year,
        cast(sequence_number as integer) as sequence_number,
        cast(amount as decimal(18, 2)) as invoice_amount,
        cast(vat_amount as decimal(18, 2)) as vat_amount,

        -- dates and timestamps
        cast(issued_on as date) as issued_date,
        cast(due_date as date) as due_date,
        cast(cancelled_at as timestamp) as cancelled_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
