{#
    Redemption by issue month: certificates sold in a month (the cohort) and the amount they
    paid (tag 1215) in each month since the sale (0 = the month of the sale), with the
    cumulative share of the cohort's sold amount redeemed by then. Up to the as-of
    (int_retail_gift_certificate_movements).
#}
with

certificates as (

    select * from {{ ref('fct_retail_gift_certificates') }}
    where sold_date is not null and sold_amount > 0

),

movements as (

    select * from {{ ref('int_retail_gift_certificate_movements') }}
    where movement_kind in ('redemption', 'redemption_return')

),

certificates_with_cohort as (

    select
        certificate_number,
        sold_amount,
        cast({{ dbt.date_trunc('month', 'sold_date') }} as date) as sale_month

    from certificates

),

cohorts as (

    select
        sale_month,
        count(*) as certificates_sold,
        sum(sold_amount) as sold_amount

    from certificates_with_cohort
    group by 1

),

redemptions_with_offset as (

    select
        certificates_with_cohort.sale_month,
        certificates_with_cohort.certificate_number,
        {{ dbt.datediff(
            'certificates_with_cohort.sale_month',
            dbt.date_trunc('month', 'movements.movement_date'),
            'month'
        ) }} as months_since_sale,
        -movements.amount as redeemed_amount

    from movements
    inner join certificates_with_cohort
        on movements.certificate_number = certificates_with_cohort.certificate_number

),

redeemed_per_offset as (

    select
        sale_month,
        months_since_sale,
        sum(redeemed_amount) as redeemed_amount,
        count(distinct certificate_number) as certificates_redeeming

    from redemptions_with_offset
    group by 1, 2

),

offsets as (

    select
        sale_month,
        0 as months_since_sale
    from cohorts
    union
    select
        sale_month,
        months_since_sale
    from redeemed_per_offset

),

joined as (

    select
        offsets.sale_month,
        offsets.months_since_sale,
        cohorts.certificates_sold,
        cohorts.sold_amount,
        coalesce(redeemed_per_offset.redeemed_amount, 0) as redeemed_amount,
        coalesce(redeemed_per_offset.certificates_redeeming, 0) as certificates_redeeming

    from offsets
    inner join cohorts
        on offsets.sale_month = cohorts.sale_month
    left join redeemed_per_offset
        on
            offsets.sale_month = redeemed_per_offset.sale_month
            and offsets.months_since_sale = redeemed_per_offset.months_since_sale

),

final as (

    select
        sale_month,
        cast(months_since_sale as integer) as months_since_sale,
        cast(certificates_sold as integer) as certificates_sold,
        cast(sold_amount as decimal(18, 2)) as cohort_sold_amount,
        cast(redeemed_amount as decimal(18, 2)) as redeemed_amount,
        cast(certificates_redeeming as integer) as certificates_redeeming,
        cast(
            sum(redeemed_amount) over (
                partition by sale_month
                order by months_since_sale
                rows between unbounded preceding and current row
            ) as decimal(18, 2)
        ) as cumulative_redeemed_amount,
        cast(
            sum(redeemed_amount) over (
                partition by sale_month
                order by months_since_sale
                rows between unbounded preceding and current row
            ) / nullif(sold_amount, 0) as decimal(9, 4)
        ) as cumulative_redeemed_share

    from joined

)

select * from final
