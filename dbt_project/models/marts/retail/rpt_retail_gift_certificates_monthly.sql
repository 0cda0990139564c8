{#
    Gift certificates by month: sold (advances, payment method 3 «АВАНС»; a returned
    certificate counts negative), redeemed (sale receipts paid by an earlier advance, tag 1215,
    less such returns) and the outstanding liability at the month's end: everything sold less
    everything redeemed up to then. Receipts do not say which certificate paid them, so the
    liability is the issuer's total, not per certificate.
#}
with

receipts as (

    select * from {{ ref('fct_retail_receipts') }}
    where operation in ('sale', 'sale_return')

),

amounts_per_month as (

    select
        cast({{ dbt.date_trunc('month', 'receipt_at') }} as date) as receipt_month,
        sum(
            case
                when is_return then -gift_certificate_sold_amount
                else gift_certificate_sold_amount
            end
        ) as sold_amount,
        sum(case when is_return then -prepaid_amount else prepaid_amount end) as redeemed_amount,
        count(case when not is_return and gift_certificate_sold_amount > 0 then 1 end)
            as sale_receipts_with_certificates,
        count(case when not is_return and prepaid_amount > 0 then 1 end)
            as receipts_paid_by_certificates

    from receipts
    group by 1

),

final as (

    select
        receipt_month,
        cast(sold_amount as decimal(18, 2)) as sold_amount,
        cast(redeemed_amount as decimal(18, 2)) as redeemed_amount,
        cast(sale_receipts_with_certificates as integer) as sale_receipts_with_certificates,
        cast(receipts_paid_by_certificates as integer) as receipts_paid_by_certificates,
        cast(
            sum(sold_amount - redeemed_amount) over (
                order by receipt_month rows between unbounded preceding and current row
            ) as decimal(18, 2)
        ) as outstanding_liability

    from amounts_per_month

)

select * from final
