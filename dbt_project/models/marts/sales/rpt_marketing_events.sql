{#
    Маркетинговые мероприятия: interactions, deals, won amount and cost per won deal per event.
    The deals and the attribution rule come from fct_marketing_deal_attributions.
#}
with

events as (

    select * from {{ ref('stg_opapp__marketing_events') }}

),

interactions as (

    select * from {{ ref('stg_opapp__interactions') }}
    where marketing_event_id is not null and status <> 'cancelled'

),

attributions as (

    select * from {{ ref('fct_marketing_deal_attributions') }}

),

event_interactions as (

    select
        interactions.interaction_id,
        interactions.marketing_event_id,
        interactions.partner_id,
        interactions.status

    from interactions
    inner join events
        on interactions.marketing_event_id = events.marketing_event_id

),

deal_totals_per_event as (

    select
        marketing_event_id,
        count(*) as attributed_deals,
        sum(case when is_named then 1 else 0 end) as named_deals,
        sum(case when is_won then 1 else 0 end) as won_deals,
        sum(won_amount) as won_amount

    from attributions
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
