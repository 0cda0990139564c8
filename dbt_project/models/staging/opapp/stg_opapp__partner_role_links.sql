with

source as (

    select * from {{ source('opapp', 'partner_role_links') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as partner_role_link_id,
        cast(partner_id as bigint) as partner_id,
        cast(partner_role_id as bigint) as partner_role_id,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
