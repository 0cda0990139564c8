{#
    Маркетинговые мероприятия: interactions, deals, won amount and cost per won deal per event.
    A deal is attributed to the event it names (deals.marketing_event_id); a deal naming none to
    the event of the latest non-cancelled interaction about an event with the deal's partner at
    or before the deal's creation and at most var('marketing_attribution_days') days before it
    (interaction moment: done_at, else planned_at; ties: the larger interaction id); else to no
    event.
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
        interactions.status,
        coalesce(interactions.done_at, interactions.planned_at) as interaction_at

    from interactions
    inner join events
        on interactions.marketing_event_id = events.marketing_event_id

),

deals_with_named_events as (

    select
        deals.deal_id,
        deals.partner_id,
        deals.created_at,
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
        deals_with_named_events.is_won,
        deals_with_named_events.won_amount,
        deals_with_named_events.named_event_id is not null as is_named,
        coalesce(
            deals_with_named_events.named_event_id,
            interactions_before_deals.marketing_event_id
        ) as marketing_event_id

    from deals_with_named_events
    left join interactions_before_deals
        on
            deals_with_named_events.deal_id = interactions_before_deals.deal_id
            and interactions_before_deals.recency_rank = 1

),

deal_totals_per_event as (

    select
        marketing_event_id,
        count(*) as attributed_deals,
        sum(case when is_named then 1 else 0 end) as named_deals,
        sum(case when is_won then 1 else 0 end) as won_deals,
        sum(won_amount) as won_amount

    from deals_attributed
    where marketing_event_id is not null
    group by 1

),

interaction_totals_per_event as (

    select
        marketing_event_id,
        count(*) as interactions,
        sum(case when status = 'done' then 1 else 0 end) as done_interactions,
        count(distinct partner_id) as partners_reached

    from event_interactions
    group by 1

),

final as (

    select
        events.marketing_event_id,
        events.marketing_event_name,
        events.marketing_event_kind,
        events.start_date,
        events.end_date,
        cast(events.cost_amount as decimal(18, 2)) as cost_amount,
        cast(coalesce(interaction_totals_per_event.interactions, 0) as bigint) as interactions,
        cast(coalesce(interaction_totals_per_event.done_interactions, 0) as bigint)
            as done_interactions,
        cast(coalesce(interaction_totals_per_event.partners_reached, 0) as bigint)
            as partners_reached,
        cast(coalesce(deal_totals_per_event.attributed_deals, 0) as bigint) as attributed_deals,
        cast(coalesce(deal_totals_per_event.named_deals, 0) as bigint) as named_deals,
        cast(coalesce(deal_totals_per_event.won_deals, 0) as bigint) as won_deals,
        cast(coalesce(deal_totals_per_event.won_amount, 0) as decimal(18, 2)) as won_amount,
        cast(
            events.cost_amount / nullif(deal_totals_per_event.won_deals, 0) as decimal(18, 2)
        ) as cost_per_won_deal

    from events
    left join interaction_totals_per_event
        on events.marketing_event_id = interaction_totals_per_event.marketing_event_id
    left join deal_totals_per_event
        on events.marketing_event_id = deal_totals_per_event.marketing_event_id

)

select * from final
