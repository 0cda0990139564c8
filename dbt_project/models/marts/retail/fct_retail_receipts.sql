{#
    One row per cash receipt with its store (by the cash register's ФНС registration number),
    local date, hour and weekday, and its amounts split by what the lines are:
    goods_amount (lines that transfer goods: the retail revenue of a sale, or the amount
    refunded by a return) and gift_certificate_sold_amount (advances: a certificate sold is
    not revenue until redeemed). A receipt paid by a certificate states it as prepaid_amount
    (tag 1215, зачет аванса).
#}
with

receipts as (

    select * from {{ ref('int_receipts_deduplicated') }}

),

lines as (

    select * from {{ ref('fct_retail_receipt_lines') }}

),

cash_registers as (

    select * from {{ ref('stg_opapp__cash_registers') }}

),

stores as (

    select * from {{ ref('stg_opapp__stores') }}

),

line_totals_per_receipt as (

    select
        receipt_key,
        sum(case when line_kind = 'goods' then line_amount else 0 end) as goods_amount,
        sum(case when is_gift_certificate_sale then line_amount else 0 end)
            as gift_certificate_sold_amount,
        count(case when line_kind = 'goods' then 1 end) as goods_lines,
        sum(case when line_kind = 'goods' then quantity else 0 end) as goods_quantity

    from lines
    group by 1

),

receipts_joined_to_stores as (

    select
        receipts.receipt_key,
        stores.store_id,
        coalesce(stores.store_name, 'ККТ ' || receipts.kkt_reg_id) as store_name,
        cash_registers.cash_register_id,
        receipts.kkt_reg_id,
        receipts.seller_inn,
        receipts.fiscal_document_number,
        receipts.shift_number,
        receipts.operation,
        receipts.operation = 'sale_return' as is_return,
        receipts.loyalty_card,
        receipts.loyalty_card is not null as has_loyalty_card,
        receipts.gift_certificate_number,
        receipts.receipt_at,
        cast(receipts.receipt_at as date) as receipt_date,
        cast(extract(hour from receipts.receipt_at) as integer) as receipt_hour,
        cast({{ iso_day_of_week("receipts.receipt_at") }} as integer) as receipt_weekday,
        cast(receipts.total_amount as decimal(18, 2)) as total_amount,
        cast(coalesce(line_totals_per_receipt.goods_amount, 0) as decimal(18, 2))
            as goods_amount,
        cast(coalesce(line_totals_per_receipt.gift_certificate_sold_amount, 0) as decimal(18, 2))
            as gift_certificate_sold_amount,
        cast(receipts.cash_amount as decimal(18, 2)) as cash_amount,
        cast(receipts.ecash_amount as decimal(18, 2)) as ecash_amount,
        cast(receipts.prepaid_amount as decimal(18, 2)) as prepaid_amount,
        cast(receipts.provision_amount as decimal(18, 2)) as provision_amount,
        cast(coalesce(line_totals_per_receipt.goods_lines, 0) as integer) as goods_lines,
        cast(coalesce(line_totals_per_receipt.goods_quantity, 0) as {{ double_type() }})
            as goods_quantity,
        cast(
            receipts.vat_general_amount
            + receipts.vat_reduced_amount
            + receipts.vat_general_calculated_amount
            + receipts.vat_reduced_calculated_amount
            as decimal(18, 2)
        ) as vat_amount

    from receipts
    left join line_totals_per_receipt
        on receipts.receipt_key = line_totals_per_receipt.receipt_key
    left join cash_registers
        on receipts.kkt_reg_id = cash_registers.registration_number
    left join stores
        on cash_registers.store_id = stores.store_id

)

select * from receipts_joined_to_stores
