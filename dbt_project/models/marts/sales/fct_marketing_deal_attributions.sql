{#
    Deals attributed to marketing events (issue 26), one row per attributed deal: the rule that
    rpt_marketing_events sums. A deal is attributed to the event it names
    (deals.marketing_event_id); a deal naming none to the event of the latest non-cancelled
    interaction about an event with the deal's partner at or before the deal's creation and at
    most var('marketing_attribution_days') days before it (interaction moment: done_at, else
    planned_at; ties: the larger interaction id); else to no event (and no row here).
#}
{%- set window_days = var('marketing_attribution_days') | int -%}

with

events as (

    select * from {{ ref('stg_opapp__marketing_events') }}

),

interactions as (

    select * from {{ ref('stg_opapp__interactions') }}
    where marketing_event_id is not null and status <> 'cancelled'

),

deals as (

    select * from {{ ref('fct_deals') }}

),

deal_events as (

    select
        deal_id,
        marketing_event_id

    from {{ ref('stg_opapp__deals') }}

),

event_interactions as (

    select
        interactions.interaction_id,
        interactions.marketing_event_id,
        interactions.partner_id,
        coalesce(interactions.done_at, interactions.planned_at) as interaction_at

    from interactions
    inner join events
        on interactions.marketing_event_id = events.marketing_event_id

),

deals_with_named_events as (

    select
        deals.deal_id,
        deals.partner_id,
        deals.manager_id,
        deals.deal_kind_id,
        deals.business_region_id,
        deals.created_at,
        deals.created_date,
        deals.is_won,
        deals.won_amount,
        events.marketing_event_id as named_event_id

    from deals
    left join deal_events
        on deals.deal_id = deal_events.deal_id
    left join events
        on deal_events.marketing_event_id = events.marketing_event_id

),

interactions_before_deals as (

    select
        deals_with_named_events.deal_id,
        event_interactions.marketing_event_id,
        row_number() over (
            partition by deals_with_named_events.deal_id
            order by event_interactions.interaction_at desc, event_interactions.interaction_id desc
        ) as recency_rank

    from deals_with_named_events
    inner join event_interactions
        on
            deals_with_named_events.partner_id = event_interactions.partner_id
            and deals_with_named_events.created_at >= event_interactions.interaction_at
            and event_interactions.interaction_at
            >= {{ dbt.dateadd('day', -window_days, 'deals_with_named_events.created_at') }}
    where deals_with_named_events.named_event_id is null

),

deals_attributed as (

    select
        deals_with_named_events.deal_id,
        coalesce(
            deals_with_named_events.named_event_id,
            interactions_before_deals.marketing_event_id
        ) as marketing_event_id,
        deals_with_named_events.partner_id,
        deals_with_named_events.manager_id,
        deals_with_named_events.deal_kind_id,
        deals_with_named_events.business_region_id,
        deals_with_named_events.created_date,
        deals_with_named_events.named_event_id is not null as is_named,
        deals_with_named_events.is_won,
        deals_with_named_events.won_amount

    from deals_with_named_events
    left join interactions_before_deals
        on
            deals_with_named_events.deal_id = interactions_before_deals.deal_id
            and interactions_before_deals.recency_rank = 1

),

final as (

    select
        deal_id,
        marketing_event_id,
        partner_id,
        manager_id,
        deal_kind_id,
        business_region_id,
        created_date,
        is_named,
        is_won,
        cast(won_amount as decimal(18, 2)) as won_amount

    from deals_attributed
    where marketing_event_id is not null

)

select * from final
