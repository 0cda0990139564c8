"""Queries of the «Маркетинг» page (issue 26): marts.rpt_marketing_events, which owns every
figure of an event, and marts.fct_marketing_deal_attributions, the deals it attributes to each
event (the attribution rule lives there); the page sums their additive columns.

An event belongs to the period when it starts in it. The manager, region, deal kind and industry
filters narrow the attributed deals (their columns are the deal's); an event's cost and
interactions are the event's whole and stay as they are, so no cost per won deal is shown then.
"""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _period, _query

ATTRIBUTIONS_MART = "marts.fct_marketing_deal_attributions"

_ATTRIBUTION_DIMENSIONS_SQL = _dimensions(
    deal_kind="fct_marketing_deal_attributions.deal_kind_id",
    manager="fct_marketing_deal_attributions.manager_id",
    region="fct_marketing_deal_attributions.business_region_id",
    partner="fct_marketing_deal_attributions.partner_id",
)


def narrows_deals(filters: Filters) -> bool:
    """Whether a filter narrows the events' deals (then they are summed from the attributions)."""
    return bool(
        filters.deal_kind_ids
        or filters.manager_ids
        or filters.business_region_ids
        or filters.industries
    )


def marketing_events(filters: Filters) -> pl.DataFrame:
    """The events starting in the period with their figures, latest first; under a manager,
    region, deal kind or industry filter the deal figures are those of the matching deals."""
    if not narrows_deals(filters):
        return _query(
            f"""
            select
                rpt_marketing_events.marketing_event_id,
                rpt_marketing_events.marketing_event_name,
                rpt_marketing_events.marketing_event_kind,
                rpt_marketing_events.start_date,
                rpt_marketing_events.end_date,
                rpt_marketing_events.cost_amount::double as cost_amount,
                rpt_marketing_events.interactions,
                rpt_marketing_events.partners_reached,
                rpt_marketing_events.attributed_deals,
                rpt_marketing_events.named_deals,
                rpt_marketing_events.won_deals,
                rpt_marketing_events.won_amount::double as won_amount,
                rpt_marketing_events.cost_per_won_deal::double as cost_per_won_deal,
            from marts.rpt_marketing_events
            where {_period("rpt_marketing_events.start_date")}
            order by rpt_marketing_events.start_date desc, rpt_marketing_events.marketing_event_id
            """,
            filters.params(),
        )
    return _query(
        f"""
        with matching_deals as (
            select
                fct_marketing_deal_attributions.marketing_event_id,
                count(*) as attributed_deals,
                count(*) filter (where fct_marketing_deal_attributions.is_named) as named_deals,
                count(*) filter (where fct_marketing_deal_attributions.is_won) as won_deals,
                sum(fct_marketing_deal_attributions.won_amount)::double as won_amount,
            from marts.fct_marketing_deal_attributions
            where {_ATTRIBUTION_DIMENSIONS_SQL}
            group by 1
        )

        select
            rpt_marketing_events.marketing_event_id,
            rpt_marketing_events.marketing_event_name,
            rpt_marketing_events.marketing_event_kind,
            rpt_marketing_events.start_date,
            rpt_marketing_events.end_date,
            rpt_marketing_events.cost_amount::double as cost_amount,
            rpt_marketing_events.interactions,
            rpt_marketing_events.partners_reached,
            coalesce(matching_deals.attributed_deals, 0) as attributed_deals,
            coalesce(matching_deals.named_deals, 0) as named_deals,
            coalesce(matching_deals.won_deals, 0) as won_deals,
            coalesce(matching_deals.won_amount, 0) as won_amount,
            -- the whole event's cost over a part of its deals would mislead: no figure
            null::double as cost_per_won_deal,
        from marts.rpt_marketing_events
        left join matching_deals
            on rpt_marketing_events.marketing_event_id = matching_deals.marketing_event_id
        where {_period("rpt_marketing_events.start_date")}
        order by rpt_marketing_events.start_date desc, rpt_marketing_events.marketing_event_id
        """,
        filters.params(),
    )


def marketing_totals(
    events: pl.DataFrame, *, narrowed: bool = False
) -> dict[str, float | int | None]:
    """Sums over the events shown; cost per won deal divided again from the sums (none when
    a filter ``narrowed`` the deals but not the cost)."""
    cost = float(events["cost_amount"].sum() or 0)
    won = int(events["won_deals"].sum() or 0) if not narrowed else 0
    return {
        "events": events.height,
        "cost_amount": cost,
        "attributed_deals": int(events["attributed_deals"].sum() or 0),
        "won_deals": int(events["won_deals"].sum() or 0),
        "won_amount": float(events["won_amount"].sum() or 0),
        "cost_per_won_deal": cost / won if won else None,
    }
