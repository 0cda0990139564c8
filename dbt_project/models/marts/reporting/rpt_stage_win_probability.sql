with

sales_stages as (

    select * from {{ ref('dim_sales_stages') }}

),

deal_kinds as (

    select * from {{ ref('dim_deal_kinds') }}
    where has_stages

),

deal_stages as (

    select * from {{ ref('fct_deal_stages') }}

),

deals as (

    select * from {{ ref('fct_deals') }}

),

deal_stages_joined_to_deal_outcomes as (

    select
        deal_stages.stage_id,
        deal_stages.deal_id,
        deals.is_won,
        deals.is_lost

    from deal_stages
    inner join deals
        on deal_stages.deal_id = deals.deal_id

),

stage_outcome_totals as (

    select
        stage_id,
        count(case when is_won or is_lost then 1 end) as deals_closed_after_reaching,
        count(case when is_won then 1 end) as deals_won_after_reaching

    from deal_stages_joined_to_deal_outcomes
    group by 1

),

stages_joined_to_totals as (

    select
        sales_stages.deal_kind_id,
        sales_stages.stage_id,
        sales_stages.stage_name,
        sales_stages.stage_sequence,
        coalesce(stage_outcome_totals.deals_closed_after_reaching, 0)
            as deals_closed_after_reaching,
        coalesce(stage_outcome_totals.deals_won_after_reaching, 0)
            as deals_won_after_reaching

    from sales_stages
    inner join deal_kinds
        on sales_stages.deal_kind_id = deal_kinds.deal_kind_id
    left join stage_outcome_totals
        on sales_stages.stage_id = stage_outcome_totals.stage_id

),

final as (

    select
        deal_kind_id,
        stage_id,
        stage_name,
        cast(stage_sequence as integer) as stage_sequence,
        cast(deals_closed_after_reaching as bigint) as deals_closed_after_reaching,
        cast(deals_won_after_reaching as bigint) as deals_won_after_reaching,
        case
            when deals_closed_after_reaching > 0
                then
                    cast(deals_won_after_reaching as {{ double_type() }})
                    / deals_closed_after_reaching
        end as win_share

    from stages_joined_to_totals

)

select * from final
