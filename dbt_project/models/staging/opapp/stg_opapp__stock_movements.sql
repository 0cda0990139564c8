with

source as (

    select * from {{ source('opapp', 'stock_movements') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as stock_movement_id,
        cast(organization_id as bigint) as organization_id,
        cast(committent_id as bigint) as committent_id,
        cast(warehouse_id as bigint) as warehouse_id,
        cast(commissioner_id as bigint) as commissioner_id,
        cast(product_id as bigint) as product_id,
        cast(document_id as bigint) as document_id,

        -- strings and categories
        cast(holder_kind as {{ varchar_type() }}) as holder_kind,
        cast(document_type as {{ varchar_type() }}) as document_type,

        -- numerics
        cast(quantity as decimal(18, 3)) as quantity,

        -- dates and timestamps
        cast(moved_at as timestamp) as moved_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
