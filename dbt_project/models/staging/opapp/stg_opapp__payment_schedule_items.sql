with

source as (

    select * from {{ source('opapp', 'payment_schedule_items') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as payment_schedule_item_id,
        cast(customer_order_id as bigint) as order_id,

        -- strings and categories
        cast(kind as {{ varchar_type() }}) as payment_kind,

        -- numerics
        cast(amount as decimal(18, 2)) as scheduled_amount,

        -- dates and timestamps
        cast(due_date as date) as due_date,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
