with

source as (

    select * from {{ source('opapp', 'users') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as user_id,
        cast(department_id as bigint) as department_id,
        cast(supervisor_id as bigint) as supervisor_id,

        -- strings and categories
        cast(login as {{ varchar_type() }}) as login,
        cast(full_name as {{ varchar_type() }}) as full_name,
        cast(email as {{ varchar_type() }}) as email,
        cast(role as {{ varchar_type() }}) as role,

        -- booleans
        cast(is_active as boolean) as is_active,
        -- customers' contact persons signed in to the portal (issue 19), never staff
        coalesce(cast(role as {{ varchar_type() }}) = 'customer', false) as is_portal_user,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
