with

source as (

    select * from {{ source('opapp', 'stock_levels') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as stock_level_id,
        cast(product_id as bigint) as product_id,
        cast(warehouse_id as bigint) as warehouse_id,

        -- numerics
        cast(quantity_on_hand as decimal(18, 3)) as quantity_on_hand,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
