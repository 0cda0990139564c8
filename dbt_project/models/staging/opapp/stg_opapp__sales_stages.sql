with

source as (

    select * from {{ source('opapp', 'sales_stages') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as stage_id,
        cast(deal_kind_id as bigint) as deal_kind_id,

        -- strings
        cast(name as {{ varchar_type() }}) as stage_name,

        -- numerics
        cast(sequence as integer) as stage_sequence,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
