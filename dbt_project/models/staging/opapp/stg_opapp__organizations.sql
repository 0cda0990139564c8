with

source as (

    select * from {{ source('opapp', 'organizations') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as organization_id,

        -- strings
        cast(name as varchar) as organization_name,
        cast(inn as varchar) as inn,
        cast(kpp as varchar) as kpp,
        cast(fsrar_id as varchar) as fsrar_id,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
