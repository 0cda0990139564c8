with

source as (

    select * from {{ source('ofd', 'receipt_lines') }}

),

renamed as (

    select
        -- ids
        cast(receipt_key as {{ varchar_type() }}) as receipt_key,
        cast(line_number as integer) as line_number,
        cast(file_sha256 as {{ varchar_type() }}) as file_sha256,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as item_name,
        cast(barcode as {{ varchar_type() }}) as barcode,
        cast(product_code as {{ varchar_type() }}) as product_code,
        cast(article as {{ varchar_type() }}) as article,
        cast(marking_code as {{ varchar_type() }}) as marking_code,
        cast(gift_certificate_number as {{ varchar_type() }}) as gift_certificate_number,
        cast(vat_code as integer) as vat_code,
        cast(payment_type as integer) as payment_type,
        cast(product_type as integer) as product_type,

        -- numerics (kopecks to rubles)
        cast(price as decimal(18, 2)) / 100 as price,
        cast(quantity as {{ double_type() }}) as quantity,
        cast(line_sum as decimal(18, 2)) / 100 as line_amount,
        cast(vat_sum as decimal(18, 2)) / 100 as vat_amount

    from source

)

select * from renamed
