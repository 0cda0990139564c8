{#
    Offer → order conversion per month of the offer × manager × deal kind.
#}
with

offers as (

    select * from {{ ref('fct_commercial_offers') }}

),

offers_per_month_manager_and_deal_kind as (

    select
        offered_month,
        manager_id,
        deal_kind_id,
        max(manager_name) as manager_name,
        max(deal_kind_name) as deal_kind_name,
        count(*) as offer_count,
        sum(case when is_sent then 1 else 0 end) as sent_offer_count,
        sum(case when is_accepted then 1 else 0 end) as accepted_offer_count,
        sum(case when is_converted then 1 else 0 end) as converted_offer_count,
        sum(case when status = 'rejected' then 1 else 0 end) as rejected_offer_count,
        sum(case when status = 'expired' then 1 else 0 end) as expired_offer_count,
        sum(case when status = 'sent' then 1 else 0 end) as open_offer_count,
        sum(offer_amount) as offer_amount,
        sum(case when is_converted then offer_amount else 0 end) as converted_offer_amount,
        sum(coalesce(ordered_amount, 0)) as ordered_amount,
        sum(days_to_order) as days_to_order_sum,
        avg(days_to_order) as mean_days_to_order,
        {{ median('days_to_order') }} as median_days_to_order

    from offers
    group by 1, 2, 3

),

final as (

    select
        {{ generate_surrogate_key(['offered_month', 'manager_id', 'deal_kind_id']) }}
            as offer_conversion_id,
        offered_month,
        manager_id,
        manager_name,
        deal_kind_id,
        deal_kind_name,
        cast(offer_count as integer) as offer_count,
        cast(sent_offer_count as integer) as sent_offer_count,
        cast(accepted_offer_count as integer) as accepted_offer_count,
        cast(converted_offer_count as integer) as converted_offer_count,
        cast(rejected_offer_count as integer) as rejected_offer_count,
        cast(expired_offer_count as integer) as expired_offer_count,
        cast(rejected_offer_count + expired_offer_count as integer) as lost_offer_count,
        cast(open_offer_count as integer) as open_offer_count,
        cast(offer_amount as decimal(18, 2)) as offer_amount,
        cast(converted_offer_amount as decimal(18, 2)) as converted_offer_amount,
        cast(ordered_amount as decimal(18, 2)) as ordered_amount,
        case
            when sent_offer_count > 0
                then cast(accepted_offer_count as {{ double_type() }}) / sent_offer_count
        end as acceptance_share,
        case
            when sent_offer_count > 0
                then cast(converted_offer_count as {{ double_type() }}) / sent_offer_count
        end as conversion_share,
        cast(days_to_order_sum as {{ double_type() }}) as days_to_order_sum,
        cast(mean_days_to_order as {{ double_type() }}) as mean_days_to_order,
        cast(median_days_to_order as {{ double_type() }}) as median_days_to_order

    from offers_per_month_manager_and_deal_kind

)

select * from final
