with

source as (

    select * from {{ source('opapp', 'cash_registers') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as cash_register_id,
        cast(store_id as bigint) as store_id,

        -- strings and categories
        cast(registration_number as {{ varchar_type() }}) as registration_number,
        cast(fiscal_drive_number as {{ varchar_type() }}) as fiscal_drive_number,
        cast(ofd_name as {{ varchar_type() }}) as ofd_name,
        cast(ofd_inn as {{ varchar_type() }}) as ofd_inn,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
