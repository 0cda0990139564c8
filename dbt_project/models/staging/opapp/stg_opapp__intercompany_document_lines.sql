with

source as (

    select * from {{ source('opapp', 'intercompany_document_lines') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as intercompany_document_line_id,
        cast(intercompany_document_id as bigint) as intercompany_document_id,
        cast(product_id as bigint) as product_id,

        -- numerics
        cast(line_number as integer) as line_number,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(price as decimal(18, 2)) as price,
        cast(amount as decimal(18, 2)) as amount,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
