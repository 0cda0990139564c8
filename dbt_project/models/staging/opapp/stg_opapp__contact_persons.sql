with

source as (

    select * from {{ source('opapp', 'contact_persons') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as contact_person_id,
        cast(partner_id as bigint) as partner_id,
        cast(contact_role_id as bigint) as contact_role_id,

        -- strings
        cast(full_name as {{ varchar_type() }}) as contact_person_name,
        cast(role as {{ varchar_type() }}) as contact_role,
        cast(phone as {{ varchar_type() }}) as phone,
        cast(email as {{ varchar_type() }}) as email,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
