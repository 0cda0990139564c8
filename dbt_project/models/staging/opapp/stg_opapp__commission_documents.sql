with

source as (

    select * from {{ source('opapp', 'commission_documents') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as commission_document_id,
        cast(organization_id as bigint) as organization_id,
        cast(partner_id as bigint) as partner_id,
        cast(warehouse_id as bigint) as warehouse_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as commission_document_number,
        cast(kind as {{ varchar_type() }}) as commission_kind,

        -- numerics
        cast(total_amount as decimal(18, 2)) as total_amount,
        cast(fee_amount as decimal(18, 2)) as fee_amount,

        -- dates and timestamps
        cast(documented_at as timestamp) as documented_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
