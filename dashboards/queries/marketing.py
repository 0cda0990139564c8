"""Queries of the «Маркетинг» page (issue 26): marts.rpt_marketing_events, which owns the
attribution rule and every figure; the page sums its additive columns.

An event belongs to the period when it starts in it. The event grain has no manager, region or
partner, so only the period applies.
"""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import Filters, _period, _query


def marketing_events(filters: Filters) -> pl.DataFrame:
    """The events starting in the period with their figures, latest first."""
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


def marketing_totals(events: pl.DataFrame) -> dict[str, float | int | None]:
    """Sums over the events shown; cost per won deal divided again from the sums."""
    cost = float(events["cost_amount"].sum() or 0)
    won = int(events["won_deals"].sum() or 0)
    return {
        "events": events.height,
        "cost_amount": cost,
        "attributed_deals": int(events["attributed_deals"].sum() or 0),
        "won_deals": won,
        "won_amount": float(events["won_amount"].sum() or 0),
        "cost_per_won_deal": cost / won if won else None,
    }
