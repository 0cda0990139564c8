with

interactions as (

    select * from {{ ref('stg_opapp__interactions') }}

),

partners as (

    select
        partner_id,
        partner_name
    from {{ ref('dim_partners') }}

),

topics as (

    select
        interaction_topic_id,
        interaction_topic_name
    from {{ ref('stg_opapp__interaction_topics') }}

),

interactions_flagged as (

    select
        interactions.interaction_id,
        interactions.partner_id,
        interactions.deal_id,
        interactions.claim_id,
        interactions.responsible_user_id,
        interactions.interaction_kind,
        interactions.direction,
        interactions.subject_type,
        interactions.summary,
        interactions.status,
        interactions.is_reviewed,
        interactions.planned_at,
        interactions.done_at,
        cast(interactions.planned_at as date) as planned_date,
        -- overdue: still planned although its planned time has passed (as of the build)
        interactions.status = 'planned'
        and interactions.planned_at < {{ as_of_timestamp() }} as is_overdue,
        -- unreviewed: not marked as processed; cancelled ones need no review
        interactions.status <> 'cancelled'
        and not interactions.is_reviewed as is_unreviewed,
        interactions.interaction_topic_id

    from interactions

),

final as (

    select
        interactions_flagged.interaction_id,
        interactions_flagged.partner_id,
        partners.partner_name,
        interactions_flagged.deal_id,
        interactions_flagged.claim_id,
        interactions_flagged.responsible_user_id,
        interactions_flagged.interaction_kind,
        interactions_flagged.direction,
        interactions_flagged.subject_type,
        topics.interaction_topic_name,
        interactions_flagged.summary,
        interactions_flagged.status,
        interactions_flagged.is_reviewed,
        interactions_flagged.is_overdue,
        interactions_flagged.is_unreviewed,
        interactions_flagged.planned_at,
        interactions_flagged.planned_date,
        interactions_flagged.done_at

    from interactions_flagged
    left join partners
        on interactions_flagged.partner_id = partners.partner_id
    left join topics
        on interactions_flagged.interaction_topic_id = topics.interaction_topic_id

)

select * from final
