{#
    One row per gift certificate number: those in the register and those receipts sold without
    being registered. Balances are as of var('as_of') (int_retail_gift_certificate_movements).
    status: not_sold (registered, no sale yet), returned (its sale was returned), redeemed (paid
    out in full), expired (the validity ended with a balance left: the breakage), active.
#}
{%- set as_of_date = 'cast(' ~ as_of_timestamp() ~ ' as date)' -%}

with

movements as (

    select * from {{ ref('int_retail_gift_certificate_movements') }}

),

certificates as (

    select * from {{ ref('stg_opapp__gift_certificates') }}

),

series as (

    select * from {{ ref('stg_opapp__gift_certificate_series') }}

),

movement_totals as (

    select
        certificate_number,
        min(case when movement_kind = 'sale' then movement_date end) as sold_date,
        min(case when movement_kind = 'sale' then store_id end) as store_id,
        sum(case when movement_kind in ('sale', 'sale_return') then amount else 0 end)
            as sold_amount,
        -sum(
            case when movement_kind in ('redemption', 'redemption_return') then amount else 0 end
        ) as redeemed_amount,
        -sum(case when movement_kind = 'expiry' then amount else 0 end) as expired_amount,
        sum(amount) as balance,
        count(case when movement_kind = 'redemption' then 1 end) as redemptions,
        min(case when movement_kind = 'redemption' then movement_date end)
            as first_redeemed_date,
        max(case when movement_kind = 'redemption' then movement_date end)
            as last_redeemed_date

    from movements
    group by 1

),

numbers as (

    select certificate_number from certificates
    union
    select certificate_number from movement_totals

),

joined as (

    select
        numbers.certificate_number,
        certificates.gift_certificate_id,
        series.gift_certificate_series_id,
        series.series_name,
        certificates.gift_certificate_id is not null as is_registered,
        coalesce(certificates.nominal, movement_totals.sold_amount, 0) as nominal,
        movement_totals.store_id,
        movement_totals.sold_date,
        case
            when movement_totals.sold_date is not null
                then cast(
                    {{ dbt.dateadd('day', 'series.validity_days', 'movement_totals.sold_date') }}
                    as date
                )
        end as valid_until,
        coalesce(movement_totals.sold_amount, 0) as sold_amount,
        coalesce(movement_totals.redeemed_amount, 0) as redeemed_amount,
        coalesce(movement_totals.expired_amount, 0) as expired_amount,
        coalesce(movement_totals.balance, 0) as outstanding_amount,
        coalesce(movement_totals.redemptions, 0) as redemptions,
        movement_totals.first_redeemed_date,
        movement_totals.last_redeemed_date

    from numbers
    left join certificates
        on numbers.certificate_number = certificates.certificate_number
    left join series
        on certificates.gift_certificate_series_id = series.gift_certificate_series_id
    left join movement_totals
        on numbers.certificate_number = movement_totals.certificate_number

),

final as (

    select
        certificate_number,
        gift_certificate_id,
        gift_certificate_series_id,
        series_name,
        is_registered,
        cast(nominal as decimal(18, 2)) as nominal,
        store_id,
        sold_date,
        valid_until,
        case
            when sold_date is null then 'not_sold'
            when sold_amount <= 0 then 'returned'
            when redeemed_amount >= sold_amount then 'redeemed'
            when valid_until < {{ as_of_date }} then 'expired'
            else 'active'
        end as certificate_status,
        cast(sold_amount as decimal(18, 2)) as sold_amount,
        cast(redeemed_amount as decimal(18, 2)) as redeemed_amount,
        cast(expired_amount as decimal(18, 2)) as breakage_amount,
        cast(outstanding_amount as decimal(18, 2)) as outstanding_amount,
        cast(redemptions as integer) as redemptions,
        first_redeemed_date,
        last_redeemed_date

    from joined

)

select * from final
