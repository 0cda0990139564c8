with

source as (

    select * from {{ source('opapp', 'invoice_lines') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_line_id,
        cast(invoice_id as bigint) as invoice_id,
        cast(product_id as bigint) as product_id,

        -- strings and categories
        cast(description as {{ varchar_type() }}) as line_description,
        cast(unit as {{ varchar_type() }}) as unit,

        -- numerics
        cast(line_number as integer) as line_number,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(price as decimal(18, 2)) as price,
        cast(amount as decimal(18, 2)) as line_amount,
        cast(vat_rate as decimal(5, 2)) as vat_rate,
        cast(vat_amount as decimal(18, 2)) as vat_amount,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
