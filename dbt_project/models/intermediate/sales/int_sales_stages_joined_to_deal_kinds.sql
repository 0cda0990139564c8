with

sales_stages as (

    select * from {{ ref('stg_opapp__sales_stages') }}

),

deal_kinds as (

    select * from {{ ref('stg_opapp__deal_kinds') }}

),

stages_ordered_within_kinds as (

    select
        sales_stages.stage_id,
        sales_stages.deal_kind_id,
        sales_stages.stage_name,
        sales_stages.stage_sequence,
        row_number() over (
            partition by sales_stages.deal_kind_id
            order by sales_stages.stage_sequence
        ) as stage_position,
        count(*) over (partition by sales_stages.deal_kind_id) as stages_in_kind,
        lead(sales_stages.stage_id) over (
            partition by sales_stages.deal_kind_id
            order by sales_stages.stage_sequence
        ) as next_stage_id,
        first_value(sales_stages.stage_id) over (
            partition by sales_stages.deal_kind_id
            order by sales_stages.stage_sequence
        ) as first_stage_id

    from sales_stages

),

stages_joined_to_deal_kinds as (

    select
        stages_ordered_within_kinds.stage_id,
        stages_ordered_within_kinds.deal_kind_id,
        deal_kinds.deal_kind_name,
        deal_kinds.has_stages,
        stages_ordered_within_kinds.stage_name,
        stages_ordered_within_kinds.stage_sequence,
        stages_ordered_within_kinds.next_stage_id,
        stages_ordered_within_kinds.first_stage_id,
        stages_ordered_within_kinds.stage_position = 1 as is_first_stage,
        stages_ordered_within_kinds.stage_position
        = stages_ordered_within_kinds.stages_in_kind as is_final_stage

    from stages_ordered_within_kinds
    inner join deal_kinds
        on stages_ordered_within_kinds.deal_kind_id = deal_kinds.deal_kind_id

)

select * from stages_joined_to_deal_kinds
