with

source as (

    select * from {{ source('opapp', 'customer_order_lines') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as order_line_id,
        cast(customer_order_id as bigint) as order_id,
        cast(product_id as bigint) as product_id,
        cast(warehouse_id as bigint) as warehouse_id,

        -- numerics
        cast(line_number as integer) as line_number,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(price as decimal(18, 2)) as price,
        cast(discount_percent as decimal(5, 2)) as discount_percent,
        cast(amount as decimal(18, 2)) as amount,
        cast(reserved_quantity as decimal(18, 3)) as reserved_quantity,
        cast(shipped_quantity as decimal(18, 3)) as shipped_quantity,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
