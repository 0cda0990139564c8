{#
    Retail sales per store, local date and hour: additive counts and amounts the «Розница»
    page sums over any filter. The metric definitions, for any slice:
    - revenue = sales_amount - returns_amount (goods lines; gift certificates sold are advances
      and count when redeemed, on the receipt they pay);
    - receipts = sale_receipts: sale receipts with at least one goods line;
    - average check = sales_amount / sale_receipts;
    - items per receipt = sale_items / sale_receipts (goods lines);
    - returns share = returns_amount / sales_amount;
    - loyalty penetration = card_receipts / sale_receipts (by receipts) and
      card_sales_amount / sales_amount (by revenue).
#}
with

receipts as (

    select * from {{ ref('fct_retail_receipts') }}
    where operation in ('sale', 'sale_return')

),

receipts_per_store_hour as (

    select
        store_id,
        store_name,
        receipt_date,
        receipt_hour,
        receipt_weekday,
        count(case when not is_return and goods_lines > 0 then 1 end) as sale_receipts,
        count(case when is_return then 1 end) as return_receipts,
        sum(case when not is_return then goods_amount else 0 end) as sales_amount,
        sum(case when is_return then goods_amount else 0 end) as returns_amount,
        sum(case when not is_return then goods_lines else 0 end) as sale_items,
        count(case when not is_return and goods_lines > 0 and has_loyalty_card then 1 end)
            as card_receipts,
        sum(case when not is_return and has_loyalty_card then goods_amount else 0 end)
            as card_sales_amount,
        sum(gift_certificate_sold_amount) as gift_certificates_sold_amount,
        sum(case when not is_return then prepaid_amount else 0 end)
            as gift_certificates_redeemed_amount

    from receipts
    group by 1, 2, 3, 4, 5

),

final as (

    select
        {{ generate_surrogate_key(['store_name', 'receipt_date', 'receipt_hour']) }}
            as retail_sales_hourly_id,
        store_id,
        store_name,
        receipt_date,
        receipt_hour,
        receipt_weekday,
        cast(sale_receipts as integer) as sale_receipts,
        cast(return_receipts as integer) as return_receipts,
        cast(sales_amount as decimal(18, 2)) as sales_amount,
        cast(returns_amount as decimal(18, 2)) as returns_amount,
        cast(sales_amount - returns_amount as decimal(18, 2)) as revenue,
        cast(sale_items as integer) as sale_items,
        cast(card_receipts as integer) as card_receipts,
        cast(card_sales_amount as decimal(18, 2)) as card_sales_amount,
        cast(gift_certificates_sold_amount as decimal(18, 2)) as gift_certificates_sold_amount,
        cast(gift_certificates_redeemed_amount as decimal(18, 2))
            as gift_certificates_redeemed_amount

    from receipts_per_store_hour

)

select * from final
