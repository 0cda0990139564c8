with

source as (

    select * from {{ source('opapp', 'commission_document_lines') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as commission_document_line_id,
        cast(commission_document_id as bigint) as commission_document_id,
        cast(product_id as bigint) as product_id,
        cast(buyer_partner_id as bigint) as buyer_partner_id,

        -- strings and categories
        cast(buyer_name as {{ varchar_type() }}) as buyer_name,

        -- numerics
        cast(line_number as integer) as line_number,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(price as decimal(18, 2)) as price,
        cast(amount as decimal(18, 2)) as amount,
        cast(fee_amount as decimal(18, 2)) as fee_amount,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
