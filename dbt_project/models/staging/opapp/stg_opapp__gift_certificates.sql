with

source as (

    select * from {{ source('opapp', 'gift_certificates') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as gift_certificate_id,
        cast(series_id as bigint) as gift_certificate_series_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as certificate_number,

        -- numerics
        cast(nominal as decimal(14, 2)) as nominal,

        -- dates
        cast(issued_on as date) as issued_on,
        cast(cancelled_on as date) as cancelled_on,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
