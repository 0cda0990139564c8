{#
    Marked goods sold and returned by receipt against the ГИС МТ documents moving their codes
    out of circulation (LK_RECEIPT, «вывод из оборота») and back in (LP_RETURN, «возврат в
    оборот», after a customer return), one row per identification code (КИ) seen on either side.
    - receipt side: the code's last receipt decides: a sale (operationType 1) leaves it sold,
      a sale return (operationType 2) leaves it returned by the customer;
    - ГИС МТ side: only accepted documents (status group accepted) move a code; the last
      accepted one decides: a withdrawal leaves it out of circulation (is_withdrawn), a return
      to circulation puts it back (is_returned_to_circulation). On one date a return counts
      after a withdrawal (it can only follow one).
    reconciliation_status, in this order:
    matched (sold, out of circulation), sold_not_withdrawn (sold, in circulation: the sale was
    not reported, the report was refused, or a return to circulation came without a return
    receipt), returned_matched (returned by receipt and returned to circulation: consistent),
    returned_not_reintroduced (returned by receipt, still out of circulation: the shop holds a
    code it cannot sell again), withdrawn_not_sold (out of circulation without a receipt of
    ours), not_sold_not_withdrawn (the rest: sold and returned with neither side reported, only
    refused documents, a return to circulation without receipts).
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

    select
        *,
        case
            when document_type in ('LK_RECEIPT', 'LK_RECEIPT_XML', 'LK_RECEIPT_CSV')
                then 'withdrawal'
            else 'return_to_circulation'
        end as movement

    from {{ ref('stg_gis__marking_codes') }}
    where document_type in (
        'LK_RECEIPT', 'LK_RECEIPT_XML', 'LK_RECEIPT_CSV',
        'LP_RETURN', 'LP_RETURN_XML', 'LP_RETURN_CSV'
    )

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
        operation = 'sale' as is_sold,
        operation = 'sale_return' as is_returned_by_customer

    from lines_ranked
    where recency_rank = 1

),

gis_ranked as (

    select
        marking_code,
        movement,
        gis_document_id,
        action_date,
        primary_document_number,
        row_number() over (
            partition by marking_code, movement
            order by action_date desc, gis_document_id desc
        ) as movement_rank,
        row_number() over (
            partition by marking_code
            order by
                action_date desc,
                case when movement = 'return_to_circulation' then 1 else 0 end desc,
                gis_document_id desc
        ) as recency_rank

    from gis_codes
    where status_group = 'accepted'

),

gis_side as (

    select
        gis_codes.marking_code,
        max(gis_codes.gtin) as gtin,
        max(
            case
                when
                    gis_codes.movement = 'withdrawal'
                    and gis_codes.status_group in ('rejected', 'error')
                    then 1
                else 0
            end
        ) = 1 as has_refused_withdrawal

    from gis_codes
    group by 1

),

gis_state as (

    select
        gis_side.marking_code,
        gis_side.gtin,
        gis_side.has_refused_withdrawal,
        coalesce(latest.movement = 'withdrawal', false) as is_withdrawn,
        coalesce(latest.movement = 'return_to_circulation', false)
            as is_returned_to_circulation,
        last_withdrawal.gis_document_id as withdrawal_document_id,
        last_withdrawal.action_date as withdrawn_date,
        last_withdrawal.primary_document_number as withdrawal_receipt_number,
        last_return.gis_document_id as return_document_id,
        last_return.action_date as returned_to_circulation_date

    from gis_side
    left join gis_ranked as latest
        on
            gis_side.marking_code = latest.marking_code
            and latest.recency_rank = 1
    left join gis_ranked as last_withdrawal
        on
            gis_side.marking_code = last_withdrawal.marking_code
            and last_withdrawal.movement = 'withdrawal'
            and last_withdrawal.movement_rank = 1
    left join gis_ranked as last_return
        on
            gis_side.marking_code = last_return.marking_code
            and last_return.movement = 'return_to_circulation'
            and last_return.movement_rank = 1

),

joined as (

    select
        coalesce(receipt_side.marking_code, gis_state.marking_code) as marking_code,
        coalesce(gis_state.gtin, substring(receipt_side.marking_code, 3, 14)) as gtin,
        receipt_side.product_id,
        receipt_side.store_id,
        receipt_side.last_receipt_key,
        receipt_side.last_operation,
        receipt_side.last_receipt_date,
        coalesce(receipt_side.is_sold, false) as is_sold,
        coalesce(receipt_side.is_returned_by_customer, false) as is_returned_by_customer,
        coalesce(gis_state.is_withdrawn, false) as is_withdrawn,
        coalesce(gis_state.is_returned_to_circulation, false) as is_returned_to_circulation,
        coalesce(gis_state.has_refused_withdrawal, false) as has_refused_withdrawal,
        gis_state.withdrawal_document_id,
        gis_state.withdrawn_date,
        gis_state.withdrawal_receipt_number,
        gis_state.return_document_id,
        gis_state.returned_to_circulation_date

    from receipt_side
    full outer join gis_state
        on receipt_side.marking_code = gis_state.marking_code

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
        return_document_id,
        returned_to_circulation_date,
        is_sold,
        is_returned_by_customer,
        is_withdrawn,
        is_returned_to_circulation,
        has_refused_withdrawal,
        case
            when is_sold and is_withdrawn then 'matched'
            when is_sold then 'sold_not_withdrawn'
            when is_returned_by_customer and is_returned_to_circulation then 'returned_matched'
            when is_returned_by_customer and is_withdrawn then 'returned_not_reintroduced'
            when is_withdrawn then 'withdrawn_not_sold'
            else 'not_sold_not_withdrawn'
        end as reconciliation_status,
        coalesce(last_receipt_date, returned_to_circulation_date, withdrawn_date) as event_date

    from joined

)

select * from final
