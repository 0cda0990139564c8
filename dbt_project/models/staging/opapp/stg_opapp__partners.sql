with

source as (

    select * from {{ source('opapp', 'partners') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as partner_id,
        cast(business_region_id as bigint) as business_region_id,
        cast(manager_id as bigint) as manager_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as partner_name,
        cast(kind as {{ varchar_type() }}) as partner_kind,
        cast(comment as {{ varchar_type() }}) as partner_comment,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
