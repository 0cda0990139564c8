with

sales_stages as (

    select * from {{ ref('dim_sales_stages') }}

),

deal_kinds as (

    -- the funnel covers process kinds only; non-process deals count in efficiency
    select * from {{ ref('dim_deal_kinds') }}
    where has_stages

),

funnel_cells as (

    select * from {{ ref('rpt_sales_funnel_cells') }}

),

deal_stages as (

    -- medians only: they cannot be summed from the cells
    select * from {{ ref('fct_deal_stages') }}

),

stage_totals as (

    select
        stage_id,
        sum(deals_entered) as deals_entered,
        sum(deals_skipped) as deals_skipped,
        sum(deals_advanced) as deals_advanced,
        sum(deals_lost) as deals_lost,
        sum(deals_won) as deals_won,
        sum(deals_in_progress) as deals_in_progress,
        sum(days_in_stage_total) / nullif(sum(days_in_stage_counted), 0) as mean_days_in_stage,
        sum(potential_amount_entered) as potential_amount_entered

    from funnel_cells
    group by 1

),

stage_medians as (

    select
        stage_id,
        {{ median('days_in_stage') }} as median_days_in_stage

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
        stage_medians.median_days_in_stage,
        coalesce(stage_totals.potential_amount_entered, 0) as potential_amount_entered

    from sales_stages
    inner join deal_kinds
        on sales_stages.deal_kind_id = deal_kinds.deal_kind_id
    left join stage_totals
        on sales_stages.stage_id = stage_totals.stage_id
    left join stage_medians
        on sales_stages.stage_id = stage_medians.stage_id

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
