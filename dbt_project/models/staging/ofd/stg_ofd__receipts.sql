with

source as (

    select * from {{ source('ofd', 'receipts') }}

),

renamed as (

    select
        -- ids
        cast(receipt_key as {{ varchar_type() }}) as receipt_key,
        cast(fiscal_drive_number as {{ varchar_type() }}) as fiscal_drive_number,
        cast(fiscal_document_number as bigint) as fiscal_document_number,
        cast(fiscal_sign as {{ varchar_type() }}) as fiscal_sign,
        cast(kkt_reg_id as {{ varchar_type() }}) as kkt_reg_id,
        cast(file_sha256 as {{ varchar_type() }}) as file_sha256,

        -- strings and categories
        cast(user_inn as {{ varchar_type() }}) as seller_inn,
        cast(seller_name as {{ varchar_type() }}) as seller_name,
        cast(operation_type as integer) as operation_type,
        cast(operation as {{ varchar_type() }}) as operation,
        cast(cashier as {{ varchar_type() }}) as cashier,
        cast(loyalty_card as {{ varchar_type() }}) as loyalty_card,
        cast(gift_certificate_number as {{ varchar_type() }}) as gift_certificate_number,
        cast(retail_place as {{ varchar_type() }}) as retail_place,
        cast(retail_place_address as {{ varchar_type() }}) as retail_place_address,
        cast(source_file as {{ varchar_type() }}) as source_file,
        cast(source_position as integer) as source_position,

        -- numerics (kopecks to rubles)
        cast(shift_number as integer) as shift_number,
        cast(request_number as integer) as request_number,
        cast(total_sum as decimal(18, 2)) / 100 as total_amount,
        cast(cash_total_sum as decimal(18, 2)) / 100 as cash_amount,
        cast(ecash_total_sum as decimal(18, 2)) / 100 as ecash_amount,
        cast(prepaid_sum as decimal(18, 2)) / 100 as prepaid_amount,
        cast(credit_sum as decimal(18, 2)) / 100 as credit_amount,
        cast(provision_sum as decimal(18, 2)) / 100 as provision_amount,
        cast(vat_general_sum as decimal(18, 2)) / 100 as vat_general_amount,
        cast(vat_reduced_sum as decimal(18, 2)) / 100 as vat_reduced_amount,
        cast(vat_general_calc_sum as decimal(18, 2)) / 100 as vat_general_calculated_amount,
        cast(vat_reduced_calc_sum as decimal(18, 2)) / 100 as vat_reduced_calculated_amount,
        cast(ffd_version as integer) as ffd_version,
        cast(item_count as integer) as item_count,

        -- timestamps
        cast(receipt_at as timestamp) as receipt_at

    from source

)

select * from renamed
