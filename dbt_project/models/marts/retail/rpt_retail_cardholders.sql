{#
    One row per loyalty card seen on receipts: its purchases (sale receipts with goods), net
    revenue (its sales less its returns), first and last purchase, recency in days to the
    as-of date, repeat flag (two purchases or more) and RFM scores: quintiles (1 low - 5 high)
    of recency (more recent = higher), frequency and monetary value, ties broken by the card
    number so a rebuild gives the same scores.
#}
with

receipts as (

    select * from {{ ref('fct_retail_receipts') }}
    where has_loyalty_card and operation in ('sale', 'sale_return')

),

purchases_per_card as (

    select
        loyalty_card,
        count(case when not is_return and goods_lines > 0 then 1 end) as purchases,
        sum(case when is_return then -goods_amount else goods_amount end) as revenue,
        min(case when not is_return and goods_lines > 0 then receipt_date end)
            as first_purchase_date,
        max(case when not is_return and goods_lines > 0 then receipt_date end)
            as last_purchase_date

    from receipts
    group by 1

),

cards_with_purchases as (

    select
        loyalty_card,
        purchases,
        revenue,
        first_purchase_date,
        last_purchase_date,
        {{ dbt.datediff('last_purchase_date', 'cast(' ~ as_of_timestamp() ~ ' as date)', 'day') }}
            as recency_days

    from purchases_per_card
    where purchases > 0

),

scored as (

    select
        *,
        ntile(5) over (order by recency_days desc, loyalty_card desc) as r_score,
        ntile(5) over (order by purchases, loyalty_card) as f_score,
        ntile(5) over (order by revenue, loyalty_card) as m_score

    from cards_with_purchases

),

final as (

    select
        loyalty_card,
        cast(purchases as integer) as purchases,
        cast(revenue as decimal(18, 2)) as revenue,
        first_purchase_date,
        last_purchase_date,
        cast(recency_days as integer) as recency_days,
        purchases >= 2 as is_repeat,
        cast(r_score as integer) as r_score,
        cast(f_score as integer) as f_score,
        cast(m_score as integer) as m_score,
        cast(r_score as {{ varchar_type() }})
        || cast(f_score as {{ varchar_type() }})
        || cast(m_score as {{ varchar_type() }}) as rfm_segment

    from scored

)

select * from final
