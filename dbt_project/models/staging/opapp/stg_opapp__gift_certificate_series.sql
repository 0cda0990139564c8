with

source as (

    select * from {{ source('opapp', 'gift_certificate_series') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as gift_certificate_series_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as series_name,
        cast(kind as {{ varchar_type() }}) as series_kind,

        -- numerics
        cast(nominal as decimal(14, 2)) as series_nominal,
        cast(validity_days as integer) as validity_days,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
