{#
    The gift certificates ledger: one row per movement of a certificate's balance, up to the
    as-of (var('as_of'), default the build time).
    - sale: a sale receipt's advance line (ФФД tag 1214 = 3 «АВАНС») naming the certificate
      adds its amount; sale_return: a return of that line takes it back.
    - redemption: a sale receipt that names the certificate (tag 1084 property) and is paid by
      an advance (prepaidSum, tag 1215, «предоплата (зачет аванса)») takes the certificate's
      share of it off (stg_ofd__receipt_certificate_redemptions: a receipt may name several,
      each with its share; the copy of the receipt loaded first stands, as in
      int_receipts_deduplicated); redemption_return: a return receipt naming it puts the
      amount back on. A receipt loaded before that table existed names one certificate
      (gift_certificate_number), which paid the whole prepaid_amount.
    - expiry: the day after valid_until (sale date + the series' validity_days) the balance
      left then expires (breakage), once that day is on or before the as-of. Certificates
      not in the register have no validity and never expire.
#}
{%- set as_of_date = 'cast(' ~ as_of_timestamp() ~ ' as date)' -%}

with

lines as (

    select * from {{ ref('fct_retail_receipt_lines') }}
    where is_gift_certificate_sale and gift_certificate_number is not null

),

receipts as (

    select * from {{ ref('fct_retail_receipts') }}
    where operation in ('sale', 'sale_return')

),

redemption_rows as (

    select * from {{ ref('stg_ofd__receipt_certificate_redemptions') }}

),

certificates as (

    select * from {{ ref('stg_opapp__gift_certificates') }}

),

series as (

    select * from {{ ref('stg_opapp__gift_certificate_series') }}

),

sales as (

    select
        lines.gift_certificate_number as certificate_number,
        receipts.receipt_key,
        receipts.store_id,
        receipts.receipt_date as movement_date,
        case when receipts.is_return then 'sale_return' else 'sale' end as movement_kind,
        case
            when receipts.is_return then -lines.line_amount else lines.line_amount
        end as amount

    from lines
    inner join receipts
        on lines.receipt_key = receipts.receipt_key
    where receipts.receipt_date <= {{ as_of_date }}

),

redemption_copies_ranked as (

    select
        redemption_rows.receipt_key,
        redemption_rows.certificate_number,
        redemption_rows.redeemed_amount,
        dense_rank() over (
            partition by redemption_rows.receipt_key
            order by redemption_rows.source_file, redemption_rows.source_position
        ) as copy_number

    from redemption_rows

),

receipt_redemptions as (

    select
        receipt_key,
        certificate_number,
        redeemed_amount

    from redemption_copies_ranked
    where copy_number = 1

),

receipts_without_redemption_rows as (

    select
        receipts.receipt_key,
        receipts.gift_certificate_number as certificate_number,
        receipts.prepaid_amount as redeemed_amount

    from receipts
    left join receipt_redemptions
        on receipts.receipt_key = receipt_redemptions.receipt_key
    where
        receipts.gift_certificate_number is not null
        and receipt_redemptions.receipt_key is null

),

redeemed as (

    select * from receipt_redemptions
    union all
    select * from receipts_without_redemption_rows

),

redemptions as (

    select
        redeemed.certificate_number,
        receipts.receipt_key,
        receipts.store_id,
        receipts.receipt_date as movement_date,
        case
            when receipts.is_return then 'redemption_return' else 'redemption'
        end as movement_kind,
        case
            when receipts.is_return then redeemed.redeemed_amount
            else -redeemed.redeemed_amount
        end as amount

    from redeemed
    inner join receipts
        on redeemed.receipt_key = receipts.receipt_key
    where
        redeemed.redeemed_amount > 0
        and receipts.receipt_date <= {{ as_of_date }}

),

first_sales as (

    select
        certificate_number,
        min(movement_date) as sold_date

    from sales
    where movement_kind = 'sale'
    group by 1

),

validity as (

    select
        first_sales.certificate_number,
        cast(
            {{ dbt.dateadd('day', 'series.validity_days', 'first_sales.sold_date') }} as date
        ) as valid_until

    from first_sales
    inner join certificates
        on first_sales.certificate_number = certificates.certificate_number
    inner join series
        on certificates.gift_certificate_series_id = series.gift_certificate_series_id

),

receipt_movements as (

    select * from sales
    union all
    select * from redemptions

),

balances_at_expiry as (

    select
        validity.certificate_number,
        validity.valid_until,
        sum(receipt_movements.amount) as balance

    from validity
    inner join receipt_movements
        on
            validity.certificate_number = receipt_movements.certificate_number
            and validity.valid_until >= receipt_movements.movement_date
    where validity.valid_until < {{ as_of_date }}
    group by 1, 2

),

expiries as (

    select
        certificate_number,
        cast(null as {{ varchar_type() }}) as receipt_key,
        cast(null as bigint) as store_id,
        cast({{ dbt.dateadd('day', 1, 'valid_until') }} as date) as movement_date,
        'expiry' as movement_kind,
        -balance as amount

    from balances_at_expiry
    where balance > 0

),

movements as (

    select * from receipt_movements
    union all
    select * from expiries

),

final as (

    select
        {{ generate_surrogate_key(['certificate_number', 'receipt_key', 'movement_kind']) }}
            as movement_id,
        certificate_number,
        receipt_key,
        store_id,
        movement_date,
        movement_kind,
        cast(amount as decimal(18, 2)) as amount

    from movements

)

select * from final
