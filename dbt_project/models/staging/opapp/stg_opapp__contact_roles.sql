with

source as (

    select * from {{ source('opapp', 'contact_roles') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as contact_role_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as contact_role_name,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
