with

source as (

    select * from {{ source('opapp', 'deal_kinds') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as deal_kind_id,

        -- strings
        cast(name as {{ varchar_type() }}) as deal_kind_name,

        -- booleans
        cast(has_stages as boolean) as has_stages,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
