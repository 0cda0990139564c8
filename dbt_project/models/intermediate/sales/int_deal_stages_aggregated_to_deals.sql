with

deal_stages as (

    select * from {{ ref('int_deal_stages_collapsed_to_first_reach') }}

),

sales_stages as (

    select * from {{ ref('int_sales_stages_joined_to_deal_kinds') }}

),

deal_stages_joined_to_sequences as (

    select
        deal_stages.deal_id,
        deal_stages.stage_id,
        deal_stages.history_updated_at,
        sales_stages.stage_sequence

    from deal_stages
    inner join sales_stages
        on deal_stages.stage_id = sales_stages.stage_id

),

deal_stage_totals as (

    select
        deal_id,
        -- the collapsed history holds one row per deal and stage, so count(*) counts the
        -- distinct stages (and is several times faster than count(distinct) at 1M deals)
        count(*) as stages_reached,
        max(stage_sequence) as furthest_stage_sequence,
        max(history_updated_at) as history_updated_at

    from deal_stages_joined_to_sequences
    group by 1

)

select * from deal_stage_totals
