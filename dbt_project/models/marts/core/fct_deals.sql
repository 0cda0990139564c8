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

deals as (

    select * from {{ ref('int_deals_joined_to_dimensions') }}
    {% if is_incremental() %}
    where
        deal_id in (
            select rebuild.deal_id from {{ deals_to_rebuild() }} as rebuild
        )
    {% endif %}

),

deals_with_outcomes as (

    select
        deal_id,
        deal_number,
        deal_name,
        partner_id,
        partner_name,
        deal_kind_id,
        deal_kind_name,
        has_stages,
        manager_id,
        manager_name,
        business_region_id,
        business_region_name,
        status,
        status = 'won' as is_won,
        status = 'lost' as is_lost,
        status = 'in_progress' as is_open,
        current_stage_id,
        current_stage_name,
        current_stage_sequence,
        loss_reason_id,
        loss_reason_name,
        potential_amount,
        case when status = 'won' then potential_amount else 0 end as won_amount,
        probability,
        created_at,
        -- a reopened deal may keep a stale closed_at: only closed deals have one
        case when status in ('won', 'lost') then closed_at end as closed_at,
        stages_reached,
        source_updated_at

    from deals

),

deals_with_dates as (

    select
        *,
        cast(created_at as date) as created_date,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as created_month,
        cast(closed_at as date) as closed_date

    from deals_with_outcomes

),

final as (

    select
        deal_id,
        deal_number,
        deal_name,
        partner_id,
        partner_name,
        deal_kind_id,
        deal_kind_name,
        has_stages,
        manager_id,
        manager_name,
        business_region_id,
        business_region_name,
        status,
        is_won,
        is_lost,
        is_open,
        current_stage_id,
        current_stage_name,
        cast(current_stage_sequence as integer) as current_stage_sequence,
        loss_reason_id,
        loss_reason_name,
        cast(potential_amount as decimal(18, 2)) as potential_amount,
        cast(won_amount as decimal(18, 2)) as won_amount,
        cast(probability as integer) as probability,
        created_at,
        created_date,
        created_month,
        closed_at,
        closed_date,
        cast(
            {{ dbt.datediff('created_date', 'closed_date', 'day') }} as integer
        ) as cycle_days,
        cast(stages_reached as integer) as stages_reached,
        cast(source_updated_at as timestamp) as source_updated_at

    from deals_with_dates

)

select * from final
