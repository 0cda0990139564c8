{#
    One row per item of a cash receipt (the copy int_receipts_deduplicated kept), linked to
    the product by barcode, else by article (tag 1191 = sku). VAT stays as the receipt states
    it; the rate a code means is resolved from the receipt's date: the general rate (codes 1
    and 3) is 20% until 2025 and 22% from 2026.
    line_kind: goods (payment method 4-6: the goods change hands), advance (1-3: money taken
    before, a gift certificate sold is an advance, paymentType 3), credit_payment (7).
#}
with

receipts as (

    select * from {{ ref('int_receipts_deduplicated') }}

),

lines as (

    select * from {{ ref('stg_ofd__receipt_lines') }}

),

products as (

    select * from {{ ref('stg_opapp__products') }}

),

lines_of_kept_copies as (

    select
        lines.*,
        receipts.receipt_at,
        receipts.operation

    from lines
    inner join receipts
        on
            lines.receipt_key = receipts.receipt_key
            and lines.file_sha256 = receipts.file_sha256

),

lines_joined_to_products as (

    select
        lines_of_kept_copies.*,
        coalesce(by_barcode.product_id, by_article.product_id) as product_id,
        case
            when by_barcode.product_id is not null then 'barcode'
            when by_article.product_id is not null then 'article'
        end as product_match,
        case
            when cast(lines_of_kept_copies.receipt_at as date) < date '2026-01-01' then 20
            else 22
        end as general_vat_rate

    from lines_of_kept_copies
    left join products as by_barcode
        on lines_of_kept_copies.barcode = by_barcode.barcode
    left join products as by_article
        on lines_of_kept_copies.article = by_article.sku

),

final as (

    select
        receipt_key,
        line_number,
        product_id,
        product_match,
        item_name,
        barcode,
        product_code,
        marking_code,
        gift_certificate_number,
        operation,
        cast(receipt_at as date) as receipt_date,
        payment_type,
        product_type,
        case
            when payment_type in (1, 2, 3) then 'advance'
            when payment_type = 7 then 'credit_payment'
            else 'goods'
        end as line_kind,
        coalesce(payment_type = 3, false) as is_gift_certificate_sale,
        vat_code,
        case
            when vat_code in (1, 3) then general_vat_rate
            when vat_code in (2, 4) then 10
            when vat_code = 5 then 0
            when vat_code in (7, 9) then 5
            when vat_code in (8, 10) then 7
        end as vat_rate_percent,
        coalesce(vat_code in (3, 4, 9, 10), false) as is_calculated_vat_rate,
        cast(price as decimal(18, 2)) as price,
        cast(quantity as {{ double_type() }}) as quantity,
        cast(line_amount as decimal(18, 2)) as line_amount,
        cast(vat_amount as decimal(18, 2)) as vat_amount

    from lines_joined_to_products

)

select * from final
