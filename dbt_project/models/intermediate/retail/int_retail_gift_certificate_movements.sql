{#
    The gift certificates ledger: one row per movement of a certificate's balance, up to the
    as-of (var('as_of'), default the build time).
    - sale: a sale receipt's advance line (ФФД tag 1214 = 3 «АВАНС») naming the certificate
      adds its amount; sale_return: a return of that line takes it back.
    - redemption: a sale receipt that names the certificate (tag 1084 property) and is paid by
      an advance (prepaidSum, tag 1215, «предоплата (зачет аванса)») takes that amount off;
      redemption_return: a return receipt naming it puts the amount back on.
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

redemptions as (

    select
        gift_certificate_number as certificate_number,
        receipt_key,
        store_id,
        receipt_date as movement_date,
        case when is_return then 'redemption_return' else 'redemption' end as movement_kind,
        case when is_return then prepaid_amount else -prepaid_amount end as amount

    from receipts
    where
        gift_certificate_number is not null
        and prepaid_amount > 0
        and receipt_date <= {{ as_of_date }}

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
