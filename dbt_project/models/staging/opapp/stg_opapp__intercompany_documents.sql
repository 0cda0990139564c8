with

source as (

    select * from {{ source('opapp', 'intercompany_documents') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as intercompany_document_id,
        cast(sender_organization_id as bigint) as sender_organization_id,
        cast(receiver_organization_id as bigint) as receiver_organization_id,
        cast(warehouse_id as bigint) as warehouse_id,
        cast(shipment_id as bigint) as shipment_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as intercompany_document_number,
        cast(kind as {{ varchar_type() }}) as intercompany_kind,

        -- booleans
        cast(is_automatic as boolean) as is_automatic,

        -- numerics
        cast(total_amount as decimal(18, 2)) as total_amount,

        -- dates and timestamps
        cast(documented_at as timestamp) as documented_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
