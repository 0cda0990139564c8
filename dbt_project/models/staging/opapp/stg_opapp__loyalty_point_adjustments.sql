with

source as (

    select * from {{ source('opapp', 'loyalty_point_adjustments') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as loyalty_point_adjustment_id,
        cast(card_id as bigint) as discount_card_id,

        -- strings and categories
        cast(reason as {{ varchar_type() }}) as reason,

        -- numerics
        cast(points as decimal(14, 2)) as points,

        -- dates
        cast(adjusted_on as date) as adjusted_on,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
