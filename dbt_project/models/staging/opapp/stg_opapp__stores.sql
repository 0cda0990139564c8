with

source as (

    select * from {{ source('opapp', 'stores') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as store_id,
        cast(organization_id as bigint) as organization_id,
        cast(warehouse_id as bigint) as warehouse_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as store_name,
        cast(address as {{ varchar_type() }}) as address,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
