with

source as (

    select * from {{ source('opapp', 'claim_reasons') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as claim_reason_id,
        cast(parent_id as bigint) as parent_claim_reason_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as claim_reason_name,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
