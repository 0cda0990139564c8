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
        cast(name as {{ varchar_type() }}) as organization_name,
        cast(inn as {{ varchar_type() }}) as inn,
        cast(kpp as {{ varchar_type() }}) as kpp,
        cast(fsrar_id as {{ varchar_type() }}) as fsrar_id,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
