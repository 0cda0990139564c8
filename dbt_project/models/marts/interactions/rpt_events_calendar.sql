with

interactions as (

    -- the flags (overdue, unreviewed) are fct_interactions' own: counted here, not redefined
    select
        responsible_user_id,
        planned_date,
        status = 'planned' as is_planned,
        status = 'done' as is_done,
        status = 'cancelled' as is_cancelled,
        is_overdue,
        is_unreviewed
    from {{ ref('fct_interactions') }}

),

interactions_per_user_and_day as (

    select
        responsible_user_id,
        planned_date,
        count(*) as interactions_total,
        count(case when is_planned then 1 end) as interactions_planned,
        count(case when is_done then 1 end) as interactions_done,
        count(case when is_overdue then 1 end) as interactions_overdue,
        count(case when is_cancelled then 1 end) as interactions_cancelled,
        count(case when is_unreviewed then 1 end) as interactions_unreviewed

    from interactions
    group by 1, 2

),

final as (

    select
        {{ generate_surrogate_key(['responsible_user_id', 'planned_date']) }}
            as events_calendar_id,
        responsible_user_id,
        planned_date,
        cast(interactions_total as integer) as interactions_total,
        cast(interactions_planned as integer) as interactions_planned,
        cast(interactions_done as integer) as interactions_done,
        cast(interactions_overdue as integer) as interactions_overdue,
        cast(interactions_cancelled as integer) as interactions_cancelled,
        cast(interactions_unreviewed as integer) as interactions_unreviewed

    from interactions_per_user_and_day

)

select * from final
