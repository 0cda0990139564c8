-- A deal reaches a stage only through the stages before it (the app and the importer write
-- the jumped-over stages as skipped), so per deal kind no stage is entered by more deals than
-- the stage before it: entered(next stage) <= entered(stage). Returns the stages where a
-- later stage has more deals.
with

funnel as (

    select * from {{ ref('rpt_sales_funnel') }}

),

stages_with_next as (

    select
        deal_kind_id,
        stage_id,
        stage_sequence,
        deals_entered,
        lead(deals_entered) over (
            partition by deal_kind_id
            order by stage_sequence
        ) as next_stage_deals_entered

    from funnel

)

select * from stages_with_next
where next_stage_deals_entered > deals_entered
