with

source as (

    select * from {{ source('opapp', 'shipments') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as shipment_id,
        cast(customer_order_id as bigint) as order_id,
        cast(warehouse_id as bigint) as warehouse_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as shipment_number,

        -- numerics
        cast(amount as decimal(18, 2)) as amount,
        cast(cost_amount as decimal(18, 2)) as cost_amount,

        -- dates and timestamps
        cast(shipped_at as timestamp) as shipped_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
