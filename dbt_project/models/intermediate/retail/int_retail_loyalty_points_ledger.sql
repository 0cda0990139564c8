{#
    The points ledger of the bonus cards: one row per movement.
    - accrual: a receipt showing a registered bonus card accrues accrual_percent of its goods
      paid other than by points (goods_amount - provision_amount), in whole points rounded
      down (point_value rubles each); a return takes back what its goods would have accrued.
    - redemption: points a receipt paid with (встречное предоставление, tag 1217, rubles /
      point_value) are spent; a return gives them back.
    - adjustment: the operators' manual entries.
    - expiry: a card's points burn points_validity_days after its last purchase when no
      purchase follows within that time (the balance then, if positive, on that day).
    Receipts whose card is not registered, and discount cards, have no points.
#}
with

receipts as (

    select * from {{ ref('fct_retail_receipts') }}
    where has_loyalty_card and operation in ('sale', 'sale_return')

),

cards as (

    select * from {{ ref('stg_opapp__discount_cards') }}

),

programmes as (

    select * from {{ ref('stg_opapp__loyalty_programmes') }}

),

adjustments as (

    select * from {{ ref('stg_opapp__loyalty_point_adjustments') }}

),

bonus_cards as (

    select
        cards.discount_card_id,
        cards.card_number,
        programmes.loyalty_programme_id,
        programmes.accrual_percent,
        programmes.point_value,
        programmes.points_validity_days

    from cards
    inner join programmes
        on cards.loyalty_programme_id = programmes.loyalty_programme_id
    where programmes.programme_kind = 'bonus'

),

card_receipts as (

    select
        bonus_cards.*,
        receipts.receipt_key,
        receipts.receipt_date,
        receipts.is_return,
        case when receipts.is_return then -1 else 1 end as direction,
        receipts.goods_amount,
        receipts.goods_lines,
        receipts.provision_amount

    from receipts
    inner join bonus_cards
        on receipts.loyalty_card = bonus_cards.card_number

),

accruals as (

    select
        discount_card_id,
        card_number,
        loyalty_programme_id,
        receipt_date as entry_date,
        'accrual' as entry_kind,
        receipt_key,
        direction * floor(
            (goods_amount - provision_amount) * accrual_percent / 100 / point_value
        ) as points

    from card_receipts

),

redemptions as (

    select
        discount_card_id,
        card_number,
        loyalty_programme_id,
        receipt_date as entry_date,
        'redemption' as entry_kind,
        receipt_key,
        -direction * provision_amount / point_value as points

    from card_receipts
    where provision_amount <> 0

),

manual as (

    select
        adjustments.discount_card_id,
        bonus_cards.card_number,
        bonus_cards.loyalty_programme_id,
        adjustments.adjusted_on as entry_date,
        'adjustment' as entry_kind,
        cast(null as {{ varchar_type() }}) as receipt_key,
        adjustments.points

    from adjustments
    inner join bonus_cards
        on adjustments.discount_card_id = bonus_cards.discount_card_id

),

movements as (

    select * from accruals
    where points <> 0
    union all
    select * from redemptions
    union all
    select * from manual

),

purchase_days as (

    select distinct
        discount_card_id,
        receipt_date,
        points_validity_days

    from card_receipts
    where not is_return and goods_lines > 0 and points_validity_days is not null

),

burn_days as (

    -- a purchase with no next one within the validity: the points burn on the last day
    select
        discount_card_id,
        burn_date

    from (
        select
            discount_card_id,
            cast(
                {{ dbt.dateadd('day', 'points_validity_days', 'receipt_date') }} as date
            ) as burn_date,
            lead(receipt_date) over (
                partition by discount_card_id order by receipt_date
            ) as next_purchase_date

        from purchase_days
    ) as spans
    where
        (next_purchase_date is null or next_purchase_date > burn_date)
        and burn_date <= cast({{ as_of_timestamp() }} as date)

),

numbered_movements as (

    select
        *,
        row_number() over (
            order by discount_card_id, entry_date, entry_kind, receipt_key, points
        ) as movement_number

    from movements

),

movements_by_burn_period as (

    -- each movement falls in the period that ends at the card's first burn on or after it
    select
        numbered_movements.movement_number,
        numbered_movements.discount_card_id,
        min(numbered_movements.points) as points,
        min(burn_days.burn_date) as burn_date

    from numbered_movements
    inner join burn_days
        on
            numbered_movements.discount_card_id = burn_days.discount_card_id
            and numbered_movements.entry_date <= burn_days.burn_date
    group by 1, 2

),

expiries as (

    select
        periods.discount_card_id,
        bonus_cards.card_number,
        bonus_cards.loyalty_programme_id,
        periods.burn_date as entry_date,
        'expiry' as entry_kind,
        cast(null as {{ varchar_type() }}) as receipt_key,
        -periods.balance as points

    from (
        select
            discount_card_id,
            burn_date,
            sum(points) as balance
        from movements_by_burn_period
        group by 1, 2
    ) as periods
    inner join bonus_cards
        on periods.discount_card_id = bonus_cards.discount_card_id
    where periods.balance > 0

),

final as (

    select
        discount_card_id,
        card_number,
        loyalty_programme_id,
        entry_date,
        entry_kind,
        receipt_key,
        cast(points as decimal(18, 2)) as points

    from (
        select * from movements
        union all
        select * from expiries
    ) as ledger

)

select * from final
