with

source as (

    select * from {{ source('opapp', 'departments') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as department_id,
        cast(parent_id as bigint) as parent_department_id,
        cast(head_user_id as bigint) as head_user_id,
        cast(business_region_id as bigint) as business_region_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as department_name,

        -- booleans
        cast(is_regional_office as boolean) as is_regional_office,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
