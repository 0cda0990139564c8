with

source as (

    select * from {{ source('opapp', 'products') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as product_id,

        -- strings and categories
        cast(sku as {{ varchar_type() }}) as sku,
        cast(name as {{ varchar_type() }}) as product_name,
        cast(unit as {{ varchar_type() }}) as unit,
        cast(gis_system as {{ varchar_type() }}) as gis_system,
        cast(barcode as {{ varchar_type() }}) as barcode,

        -- numerics
        cast(base_price as decimal(18, 2)) as base_price,
        cast(cost_price as decimal(18, 2)) as cost_price,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
