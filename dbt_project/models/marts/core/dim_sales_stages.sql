with

sales_stages as (

    select * from {{ ref('int_sales_stages_joined_to_deal_kinds') }}

),

final as (

    select
        stage_id,
        deal_kind_id,
        stage_name,
        cast(stage_sequence as integer) as stage_sequence,
        is_final_stage

    from sales_stages

)

select * from final
