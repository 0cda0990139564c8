{#
    Marked goods sold by receipt against the ГИС МТ withdrawal documents (LK_RECEIPT, «вывод
    из оборота»), one row per identification code (КИ) seen on either side.
    - sold: the code's last receipt is a sale (a return after it puts it back: not sold);
    - withdrawn: an accepted withdrawal document (status group accepted) lists the code; a
      rejected or pending one does not withdraw it.
    reconciliation_status: matched, sold_not_withdrawn (the sale was not reported or the
    report was refused), withdrawn_not_sold (withdrawn without a sale receipt of ours), or
    not_sold_not_withdrawn (sold and returned, or only refused withdrawals).
#}
with

lines as (

    select * from {{ ref('fct_retail_receipt_lines') }}
    where marking_code is not null and operation in ('sale', 'sale_return')

),

receipts as (

    select * from {{ ref('fct_retail_receipts') }}

),

gis_codes as (

    select * from {{ ref('stg_gis__marking_codes') }}
    where document_type in ('LK_RECEIPT', 'LK_RECEIPT_XML', 'LK_RECEIPT_CSV')

),

lines_ranked as (

    select
        lines.marking_code,
        lines.receipt_key,
        lines.operation,
        lines.product_id,
        receipts.store_id,
        receipts.receipt_date,
        row_number() over (
            partition by lines.marking_code
            order by receipts.receipt_at desc, lines.receipt_key desc
        ) as recency_rank

    from lines
    inner join receipts
        on lines.receipt_key = receipts.receipt_key

),

receipt_side as (

    select
        marking_code,
        receipt_key as last_receipt_key,
        operation as last_operation,
        product_id,
        store_id,
        receipt_date as last_receipt_date,
        operation = 'sale' as is_sold

    from lines_ranked
    where recency_rank = 1

),

gis_side as (

    select
        marking_code,
        max(gtin) as gtin,
        max(case when status_group = 'accepted' then 1 else 0 end) = 1 as is_withdrawn,
        max(case when status_group in ('rejected', 'error') then 1 else 0 end) = 1
            as has_refused_withdrawal,
        min(case when status_group = 'accepted' then gis_document_id end)
            as withdrawal_document_id,
        min(case when status_group = 'accepted' then action_date end) as withdrawn_date,
        min(case when status_group = 'accepted' then primary_document_number end)
            as withdrawal_receipt_number

    from gis_codes
    group by 1

),

joined as (

    select
        coalesce(receipt_side.marking_code, gis_side.marking_code) as marking_code,
        coalesce(gis_side.gtin, substring(receipt_side.marking_code, 3, 14)) as gtin,
        receipt_side.product_id,
        receipt_side.store_id,
        receipt_side.last_receipt_key,
        receipt_side.last_operation,
        receipt_side.last_receipt_date,
        coalesce(receipt_side.is_sold, false) as is_sold,
        coalesce(gis_side.is_withdrawn, false) as is_withdrawn,
        coalesce(gis_side.has_refused_withdrawal, false) as has_refused_withdrawal,
        gis_side.withdrawal_document_id,
        gis_side.withdrawn_date,
        gis_side.withdrawal_receipt_number

    from receipt_side
    full outer join gis_side
        on receipt_side.marking_code = gis_side.marking_code

),

final as (

    select
        marking_code,
        gtin,
        product_id,
        store_id,
        last_receipt_key,
        last_operation,
        last_receipt_date,
        withdrawal_document_id,
        withdrawn_date,
        withdrawal_receipt_number,
        is_sold,
        is_withdrawn,
        has_refused_withdrawal,
        case
            when is_sold and is_withdrawn then 'matched'
            when is_sold then 'sold_not_withdrawn'
            when is_withdrawn then 'withdrawn_not_sold'
            else 'not_sold_not_withdrawn'
        end as reconciliation_status,
        coalesce(last_receipt_date, withdrawn_date) as event_date

    from joined

)

select * from final
