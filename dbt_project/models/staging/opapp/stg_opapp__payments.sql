with

source as (

    select * from {{ source('opapp', 'payments') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as payment_id,
        cast(customer_order_id as bigint) as order_id,
        cast(partner_id as bigint) as partner_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as payment_number,

        -- numerics
        cast(amount as decimal(18, 2)) as amount,

        -- dates and timestamps
        cast(paid_at as timestamp) as paid_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
