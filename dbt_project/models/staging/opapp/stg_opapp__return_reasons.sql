with

source as (

    select * from {{ source('opapp', 'return_reasons') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as return_reason_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as return_reason_name,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
