{{
    config(
        materialized=deal_models_materialization(),
        unique_key='deal_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_deals_to_rebuild('source_updated_at', ref('stg_opapp__deals')) }}",
        post_hook="{{ add_missing_not_null_constraints() }}",
    )
}}
-- Incremental by deal (macros/incremental): a run rebuilds the deals whose deal or stage history
-- rows changed since the newest source_updated_at stored, or whose stored partner or manager
-- values differ from the current ones, and removes deleted deals. The refs the pre-hook uses,
-- declared for dbt's parser:
-- depends_on: {{ ref('stg_opapp__deals') }}, {{ ref('stg_opapp__deal_stage_history') }}
-- depends_on: {{ ref('int_partners_joined_to_first_counterparties') }}
-- depends_on: {{ ref('stg_opapp__users') }}
-- depends_on: {{ ref('stg_opapp__deal_kinds') }}, {{ ref('stg_opapp__sales_stages') }}
-- depends_on: {{ ref('stg_opapp__loss_reasons') }}, {{ ref('stg_opapp__business_regions') }}

with

deal_stages as (

    select * from {{ ref('int_deal_stages_collapsed_to_first_reach') }}
    {% if is_incremental() %}
    where
        deal_id in (
            select rebuild.deal_id from {{ deals_to_rebuild() }} as rebuild
        )
    {% endif %}

),

sales_stages as (

    -- the funnel covers process kinds only
    select * from {{ ref('int_sales_stages_joined_to_deal_kinds') }}
    where has_stages

),

deals as (

    select * from {{ ref('int_deals_joined_to_dimensions') }}
    {% if is_incremental() %}
    where
        deal_id in (
            select rebuild.deal_id from {{ deals_to_rebuild() }} as rebuild
        )
    {% endif %}

),

deal_stages_joined as (

    select
        deal_stages.deal_stage_id,
        deal_stages.deal_id,
        deal_stages.stage_id,
        sales_stages.stage_name,
        sales_stages.stage_sequence,
        sales_stages.is_final_stage,
        sales_stages.deal_kind_id,
        sales_stages.deal_kind_name,
        deals.partner_id,
        deals.manager_id,
        deals.manager_name,
        deals.business_region_id,
        deals.business_region_name,
        deals.created_at as deal_created_at,
        deal_stages.entered_at,
        deal_stages.left_at,
        deal_stages.was_skipped,
        deal_stages.days_in_stage,
        deals.status,
        deals.loss_reason_id,
        deals.loss_reason_name,
        deals.potential_amount,
        deals.source_updated_at,
        -- the deal's outcome belongs to the furthest stage it reached
        sales_stages.stage_sequence
        = deals.furthest_stage_sequence as is_furthest_stage,
        sales_stages.stage_sequence < deals.furthest_stage_sequence as is_advanced

    from deal_stages
    inner join sales_stages
        on deal_stages.stage_id = sales_stages.stage_id
    -- inner join: history of soft-deleted deals is dropped
    inner join deals
        on deal_stages.deal_id = deals.deal_id

),

deal_stages_with_outcomes as (

    select
        *,
        case
            when is_furthest_stage and status = 'lost' then 'lost'
            when is_furthest_stage and status = 'won' then 'won'
            when is_furthest_stage and status = 'in_progress' then 'in_progress'
            else 'advanced'
        end as outcome_at_stage

    from deal_stages_joined

),

final as (

    select
        -- varchar, not dbt.type_string(): that is text on PostgreSQL, where literals and
        -- concatenations are text too, while the contract (and the incremental target) says
        -- varchar, and the incremental schema check compares the two
        cast(deal_stage_id as {{ varchar_type() }}) as deal_stage_id,
        deal_id,
        stage_id,
        stage_name,
        cast(stage_sequence as integer) as stage_sequence,
        is_final_stage,
        deal_kind_id,
        deal_kind_name,
        partner_id,
        manager_id,
        manager_name,
        business_region_id,
        business_region_name,
        cast(deal_created_at as date) as deal_created_date,
        cast({{ dbt.date_trunc('month', 'deal_created_at') }} as date) as deal_created_month,
        entered_at,
        cast(entered_at as date) as entered_date,
        left_at,
        was_skipped,
        cast(days_in_stage as {{ double_type() }}) as days_in_stage,
        cast(outcome_at_stage as {{ varchar_type() }}) as outcome_at_stage,
        is_advanced,
        case when outcome_at_stage = 'lost' then loss_reason_id end as loss_reason_id,
        case when outcome_at_stage = 'lost' then loss_reason_name end as loss_reason_name,
        cast(potential_amount as decimal(18, 2)) as potential_amount,
        cast(source_updated_at as timestamp) as source_updated_at

    from deal_stages_with_outcomes

)

select * from final
