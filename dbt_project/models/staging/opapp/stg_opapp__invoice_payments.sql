with

source as (

    select * from {{ source('opapp', 'invoice_payments') }}
    -- soft-deleted rows (unmatched payments) never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_payment_id,
        cast(invoice_id as bigint) as invoice_id,
        cast(payment_id as bigint) as payment_id,

        -- numerics
        cast(amount as decimal(18, 2)) as matched_amount,

        -- dates and timestamps
        cast(matched_at as timestamp) as matched_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
