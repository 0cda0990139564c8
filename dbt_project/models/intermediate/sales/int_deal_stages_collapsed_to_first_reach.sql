-- A stage can be entered more than once (a lost deal reopened, a deal moved back).
-- Collapse the history to one row per deal and stage reached.
-- Incremental by deal: the stage history of 1M deals is the most expensive thing to collapse,
-- and only the deals whose history changed need it again (see macros/incremental).
{{
    config(
        materialized=deal_models_materialization(),
        unique_key='deal_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_deals_to_rebuild(
            'history_updated_at',
            ref('stg_opapp__deal_stage_history'),
            with_dimensions=false,
        ) }}",
    )
}}

with

deal_stage_history as (

    select * from {{ ref('stg_opapp__deal_stage_history') }}
    {% if is_incremental() %}
    where
        deal_id in (
            select rebuild.deal_id from {{ deals_to_rebuild() }} as rebuild
        )
    {% endif %}

),

deal_stages_collapsed as (

    select
        deal_id,
        stage_id,
        count(*) as entries_count,
        min(entered_at) as entered_at,
        -- the latest exit, unless some entry is still open (then the deal is still there)
        case
            when count(*) = count(left_at) then max(left_at)
        end as left_at,
        -- skipped only if every entry was a skip
        min(case when was_skipped then 1 else 0 end) = 1 as was_skipped,
        -- time actually worked in the stage: closed, non-skipped entries only
        sum(
            case
                when not was_skipped and left_at is not null
                    then {{ days_between('entered_at', 'left_at') }}
            end
        ) as days_in_stage,
        max(updated_at) as history_updated_at

    from deal_stage_history
    group by 1, 2

),

final as (

    select
        {{ dbt.concat([
            "cast(deal_id as " ~ varchar_type() ~ ")",
            "'-'",
            "cast(stage_id as " ~ varchar_type() ~ ")",
        ]) }} as deal_stage_id,
        deal_id,
        stage_id,
        entries_count,
        entered_at,
        left_at,
        was_skipped,
        days_in_stage,
        history_updated_at

    from deal_stages_collapsed

)

select * from final
