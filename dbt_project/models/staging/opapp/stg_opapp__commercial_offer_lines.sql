with

source as (

    select * from {{ source('opapp', 'commercial_offer_lines') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as commercial_offer_line_id,
        cast(commercial_offer_id as bigint) as commercial_offer_id,
        cast(product_id as bigint) as product_id,

        -- numerics
        cast(line_number as integer) as line_number,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(price as decimal(18, 2)) as price,
        cast(discount_percent as decimal(5, 2)) as discount_percent,
        cast(price_adjustment as decimal(18, 2)) as price_adjustment,
        cast(amount as decimal(18, 2)) as amount,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
