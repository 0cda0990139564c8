with

source as (

    select * from {{ source('opapp', 'reserve_adjustments') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as reserve_adjustment_id,
        cast(product_id as bigint) as product_id,
        cast(warehouse_id as bigint) as warehouse_id,
        cast(from_order_line_id as bigint) as from_order_line_id,
        cast(to_order_line_id as bigint) as to_order_line_id,
        cast(user_id as bigint) as user_id,

        -- numerics
        cast(quantity as decimal(18, 3)) as adjusted_quantity,

        -- dates and timestamps
        cast(adjusted_at as timestamp) as adjusted_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
