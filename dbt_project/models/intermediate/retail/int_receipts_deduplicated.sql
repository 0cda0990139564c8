{#
    One row per receipt (receipt_key): the same receipt can reach the inbox in two exports,
    and the first copy loaded (by file, then position) stands for it.
#}
with

receipts as (

    select * from {{ ref('stg_ofd__receipts') }}

),

copies_ranked as (

    select
        receipts.receipt_key,
        receipts.fiscal_drive_number,
        receipts.fiscal_document_number,
        receipts.fiscal_sign,
        receipts.kkt_reg_id,
        receipts.file_sha256,
        receipts.seller_inn,
        receipts.seller_name,
        receipts.operation_type,
        receipts.operation,
        receipts.cashier,
        receipts.loyalty_card,
        receipts.gift_certificate_number,
        receipts.retail_place,
        receipts.retail_place_address,
        receipts.source_file,
        receipts.source_position,
        receipts.shift_number,
        receipts.request_number,
        receipts.total_amount,
        receipts.cash_amount,
        receipts.ecash_amount,
        receipts.prepaid_amount,
        receipts.credit_amount,
        receipts.provision_amount,
        receipts.vat_general_amount,
        receipts.vat_reduced_amount,
        receipts.vat_general_calculated_amount,
        receipts.vat_reduced_calculated_amount,
        receipts.ffd_version,
        receipts.item_count,
        receipts.receipt_at,
        row_number() over (
            partition by receipts.receipt_key
            order by receipts.source_file, receipts.source_position
        ) as copy_number

    from receipts

),

first_copies as (

    select * from copies_ranked
    where copy_number = 1

)

select * from first_copies
