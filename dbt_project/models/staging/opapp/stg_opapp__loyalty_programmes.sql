with

source as (

    select * from {{ source('opapp', 'loyalty_programmes') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as loyalty_programme_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as programme_name,
        cast(kind as {{ varchar_type() }}) as programme_kind,

        -- numerics
        cast(discount_percent as decimal(5, 2)) as discount_percent,
        cast(accrual_percent as decimal(5, 2)) as accrual_percent,
        cast(max_redemption_percent as decimal(5, 2)) as max_redemption_percent,
        cast(point_value as decimal(10, 2)) as point_value,
        cast(points_validity_days as integer) as points_validity_days,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
