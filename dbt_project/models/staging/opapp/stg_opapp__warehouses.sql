with

source as (

    select * from {{ source('opapp', 'warehouses') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as warehouse_id,
        cast(business_region_id as bigint) as business_region_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as warehouse_name,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
