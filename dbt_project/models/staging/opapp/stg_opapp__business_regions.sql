with

source as (

    select * from {{ source('opapp', 'business_regions') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as business_region_id,

        -- strings
        cast(name as {{ varchar_type() }}) as business_region_name,
        cast(code as {{ varchar_type() }}) as business_region_code,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
