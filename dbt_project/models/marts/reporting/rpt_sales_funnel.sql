with

sales_stages as (

    select * from {{ ref('dim_sales_stages') }}

),

deal_kinds as (

    -- the funnel covers process kinds only; non-process deals count in efficiency
    select * from {{ ref('dim_deal_kinds') }}
    where has_stages

),

deal_stages as (

    select * from {{ ref('fct_deal_stages') }}

),

stage_totals as (

    select
        stage_id,
        count(*) as deals_entered,
        count(case when was_skipped then 1 end) as deals_skipped,
        count(case when is_advanced then 1 end) as deals_advanced,
        count(case when outcome_at_stage = 'lost' then 1 end) as deals_lost,
        count(case when outcome_at_stage = 'won' then 1 end) as deals_won,
        count(case when outcome_at_stage = 'in_progress' then 1 end) as deals_in_progress,
        avg(days_in_stage) as mean_days_in_stage,
        {{ median('days_in_stage') }} as median_days_in_stage,
        sum(potential_amount) as potential_amount_entered

    from deal_stages
    group by 1

),

stages_joined_to_totals as (

    select
        sales_stages.deal_kind_id,
        deal_kinds.deal_kind_name,
        sales_stages.stage_id,
        sales_stages.stage_name,
        sales_stages.stage_sequence,
        coalesce(stage_totals.deals_entered, 0) as deals_entered,
        coalesce(stage_totals.deals_skipped, 0) as deals_skipped,
        coalesce(stage_totals.deals_advanced, 0) as deals_advanced,
        coalesce(stage_totals.deals_lost, 0) as deals_lost,
        coalesce(stage_totals.deals_won, 0) as deals_won,
        coalesce(stage_totals.deals_in_progress, 0) as deals_in_progress,
        stage_totals.mean_days_in_stage,
        stage_totals.median_days_in_stage,
        coalesce(stage_totals.potential_amount_entered, 0) as potential_amount_entered

    from sales_stages
    inner join deal_kinds
        on sales_stages.deal_kind_id = deal_kinds.deal_kind_id
    left join stage_totals
        on sales_stages.stage_id = stage_totals.stage_id

),

stages_with_neighbours as (

    select
        *,
        lead(deals_entered) over (
            partition by deal_kind_id
            order by stage_sequence
        ) as next_stage_deals_entered,
        first_value(deals_entered) over (
            partition by deal_kind_id
            order by stage_sequence
        ) as first_stage_deals_entered

    from stages_joined_to_totals

),

final as (

    select
        deal_kind_id,
        deal_kind_name,
        stage_id,
        stage_name,
        cast(stage_sequence as integer) as stage_sequence,
        cast(deals_entered as bigint) as deals_entered,
        cast(deals_skipped as bigint) as deals_skipped,
        cast(deals_advanced as bigint) as deals_advanced,
        cast(deals_lost as bigint) as deals_lost,
        cast(deals_won as bigint) as deals_won,
        cast(deals_in_progress as bigint) as deals_in_progress,
        case
            when deals_entered > 0
                then cast(next_stage_deals_entered as {{ double_type() }}) / deals_entered
        end as conversion_to_next,
        case
            when first_stage_deals_entered > 0
                then cast(deals_entered as {{ double_type() }}) / first_stage_deals_entered
        end as cumulative_conversion,
        cast(mean_days_in_stage as {{ double_type() }}) as mean_days_in_stage,
        cast(median_days_in_stage as {{ double_type() }}) as median_days_in_stage,
        cast(potential_amount_entered as decimal(18, 2)) as potential_amount_entered

    from stages_with_neighbours

)

select * from final
