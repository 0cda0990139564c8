with

source as (

    select * from {{ source('ofd', 'receipt_certificate_redemptions') }}

),

renamed as (

    select
        -- ids
        cast(receipt_key as {{ varchar_type() }}) as receipt_key,
        cast(redemption_number as integer) as redemption_number,
        cast(file_sha256 as {{ varchar_type() }}) as file_sha256,

        -- strings and categories
        cast(certificate_number as {{ varchar_type() }}) as certificate_number,
        cast(source_file as {{ varchar_type() }}) as source_file,
        cast(source_position as integer) as source_position,

        -- numerics (kopecks to rubles)
        cast(amount as decimal(18, 2)) / 100 as redeemed_amount

    from source

)

select * from renamed
