{#
    The sales funnel's additive counts per stage and per day of deal creation, manager, business
    region and partner: what rpt_sales_funnel sums for the whole funnel and the dashboards sum for
    a filtered one. A skipped stage counts as entered; days in stage are summed and counted over
    the stages with worked time only, so a mean is days_in_stage_total / days_in_stage_counted.
#}
with

deal_stages as (

    select * from {{ ref('fct_deal_stages') }}

),

stage_counts_per_cell as (

    select
        stage_id,
        deal_kind_id,
        deal_created_date,
        manager_id,
        business_region_id,
        partner_id,
        count(*) as deals_entered,
        count(case when was_skipped then 1 end) as deals_skipped,
        count(case when is_advanced then 1 end) as deals_advanced,
        count(case when outcome_at_stage = 'lost' then 1 end) as deals_lost,
        count(case when outcome_at_stage = 'won' then 1 end) as deals_won,
        count(case when outcome_at_stage = 'in_progress' then 1 end) as deals_in_progress,
        sum(days_in_stage) as days_in_stage_total,
        count(days_in_stage) as days_in_stage_counted,
        sum(potential_amount) as potential_amount_entered

    from deal_stages
    group by 1, 2, 3, 4, 5, 6

),

final as (

    select
        {{ generate_surrogate_key([
            'stage_id', 'deal_created_date', 'manager_id', 'business_region_id', 'partner_id'
        ]) }} as funnel_cell_id,
        stage_id,
        deal_kind_id,
        deal_created_date,
        manager_id,
        business_region_id,
        partner_id,
        cast(deals_entered as bigint) as deals_entered,
        cast(deals_skipped as bigint) as deals_skipped,
        cast(deals_advanced as bigint) as deals_advanced,
        cast(deals_lost as bigint) as deals_lost,
        cast(deals_won as bigint) as deals_won,
        cast(deals_in_progress as bigint) as deals_in_progress,
        cast(days_in_stage_total as {{ double_type() }}) as days_in_stage_total,
        cast(days_in_stage_counted as bigint) as days_in_stage_counted,
        cast(potential_amount_entered as decimal(18, 2)) as potential_amount_entered

    from stage_counts_per_cell

)

select * from final
