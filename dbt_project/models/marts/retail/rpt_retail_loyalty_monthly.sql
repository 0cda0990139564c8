{#
    Loyalty per month and programme: active cardholders (cards with a purchase that month),
    the points ledger's movements (accrued, redeemed, adjusted, expired) and at month end the
    points outstanding and the bonus liability (points outstanding x the programme's point
    value, rubles). Cards the receipts show that are not registered count as active under the
    programme "Карта не зарегистрирована", with no points.
#}
with

receipts as (

    select * from {{ ref('fct_retail_receipts') }}
    where has_loyalty_card and operation = 'sale' and goods_lines > 0

),

ledger as (

    select * from {{ ref('int_retail_loyalty_points_ledger') }}

),

cards as (

    select * from {{ ref('stg_opapp__discount_cards') }}

),

programmes as (

    select * from {{ ref('stg_opapp__loyalty_programmes') }}

),

purchases as (

    select
        cast(date_trunc('month', receipts.receipt_date) as date) as receipt_month,
        cards.loyalty_programme_id,
        receipts.loyalty_card

    from receipts
    left join cards
        on receipts.loyalty_card = cards.card_number

),

active_per_month as (

    select
        receipt_month,
        loyalty_programme_id,
        count(distinct loyalty_card) as active_cardholders,
        count(*) as card_purchases

    from purchases
    group by 1, 2

),

points_per_month as (

    select
        cast(date_trunc('month', entry_date) as date) as receipt_month,
        loyalty_programme_id,
        sum(case when entry_kind = 'accrual' then points else 0 end) as points_accrued,
        -sum(case when entry_kind = 'redemption' then points else 0 end) as points_redeemed,
        sum(case when entry_kind = 'adjustment' then points else 0 end) as points_adjusted,
        -sum(case when entry_kind = 'expiry' then points else 0 end) as points_expired,
        sum(points) as points_net

    from ledger
    group by 1, 2

),

months as (

    select receipt_month from active_per_month
    union
    select receipt_month from points_per_month

),

programme_keys as (

    select distinct loyalty_programme_id from active_per_month
    union
    select distinct loyalty_programme_id from points_per_month

),

spine as (

    -- every programme in every month from its first, so month-end balances carry forward
    select
        months.receipt_month,
        programme_keys.loyalty_programme_id

    from months
    cross join programme_keys

),

joined as (

    select
        spine.receipt_month,
        spine.loyalty_programme_id,
        coalesce(programmes.programme_name, 'Карта не зарегистрирована') as programme_name,
        coalesce(programmes.programme_kind, 'unregistered') as programme_kind,
        coalesce(programmes.point_value, 0) as point_value,
        coalesce(active_per_month.active_cardholders, 0) as active_cardholders,
        coalesce(active_per_month.card_purchases, 0) as card_purchases,
        coalesce(points_per_month.points_accrued, 0) as points_accrued,
        coalesce(points_per_month.points_redeemed, 0) as points_redeemed,
        coalesce(points_per_month.points_adjusted, 0) as points_adjusted,
        coalesce(points_per_month.points_expired, 0) as points_expired,
        sum(coalesce(points_per_month.points_net, 0)) over (
            partition by spine.loyalty_programme_id
            order by spine.receipt_month
            rows between unbounded preceding and current row
        ) as points_outstanding

    from spine
    left join programmes
        on spine.loyalty_programme_id = programmes.loyalty_programme_id
    left join active_per_month
        on
            spine.receipt_month = active_per_month.receipt_month
            and spine.loyalty_programme_id
            is not distinct from active_per_month.loyalty_programme_id
    left join points_per_month
        on
            spine.receipt_month = points_per_month.receipt_month
            and spine.loyalty_programme_id = points_per_month.loyalty_programme_id

),

final as (

    select
        receipt_month,
        programme_name,
        programme_kind,
        cast(active_cardholders as integer) as active_cardholders,
        cast(card_purchases as integer) as card_purchases,
        cast(points_accrued as decimal(18, 2)) as points_accrued,
        cast(points_redeemed as decimal(18, 2)) as points_redeemed,
        cast(points_adjusted as decimal(18, 2)) as points_adjusted,
        cast(points_expired as decimal(18, 2)) as points_expired,
        cast(points_outstanding as decimal(18, 2)) as points_outstanding,
        cast(points_outstanding * point_value as decimal(18, 2)) as bonus_liability

    from joined

)

select * from final
