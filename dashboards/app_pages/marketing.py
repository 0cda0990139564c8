"""Маркетинг: marketing events with their interactions, attributed deals, won amount and cost
per won deal. The attribution rule and every figure live in marts.rpt_marketing_events and
marts.fct_marketing_deal_attributions; the sidebar's manager, region, deal kind and industry
filters narrow the attributed deals."""

import polars as pl
import streamlit as st

from dashboards import comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_date, format_number
from dashboards.i18n import t

filters = require_filters()
assert filters.start is not None and filters.end is not None  # the sidebar always sets a period

st.title(t("page_marketing"))
widgets.require_marts("marts.rpt_marketing_events")
narrowed = queries.narrows_deals(filters)
if narrowed:
    widgets.require_marts(queries.ATTRIBUTIONS_MART)
st.caption(t("period_caption", start=format_date(filters.start), end=format_date(filters.end)))
st.caption(t("marketing_caption"))
compare = comparison.for_page(filters)
comparison.show_caption(compare)

events = queries.marketing_events(filters)
if events.is_empty():
    st.info(t("no_data"))
    st.stop()

totals = queries.marketing_totals(events, narrowed=narrowed)
other_events = compare.rerun(queries.marketing_events)
other = (
    queries.marketing_totals(other_events, narrowed=narrowed) if other_events is not None else {}
)


def money(value: object) -> str:
    return format_compact(value, money=True)


count_tile, cost_tile, deals_tile, won_tile, per_deal_tile = widgets.tile_columns(5)
compare.metric(
    count_tile, t("marketing_events"), totals["events"], other.get("events"), format_number
)
compare.metric(
    cost_tile,
    t("event_cost"),
    totals["cost_amount"],
    other.get("cost_amount"),
    money,
    delta_color="inverse",
)
compare.metric(
    deals_tile,
    t("attributed_deals"),
    totals["attributed_deals"],
    other.get("attributed_deals"),
    format_number,
)
compare.metric(won_tile, t("won_amount"), totals["won_amount"], other.get("won_amount"), money)
compare.metric(
    per_deal_tile,
    t("cost_per_won_deal"),
    totals["cost_per_won_deal"],
    other.get("cost_per_won_deal"),
    lambda value: money(value) if value is not None else "—",
    delta_color="inverse",  # cheaper is better
    help=t("cost_per_won_deal_narrowed") if narrowed else None,
)

widgets.table(
    events.with_columns(
        pl.col("marketing_event_kind")
        .map_elements(lambda kind: t(f"event_kind_{kind}"), return_dtype=pl.String)
        .fill_null(t("not_set"))
    ),
    {
        "marketing_event_name": (t("marketing_event"), "text"),
        "marketing_event_kind": (t("event_kind"), "text"),
        "start_date": (t("event_start"), "date"),
        "cost_amount": (t("event_cost"), "amount"),
        "interactions": (t("event_interactions"), "int"),
        "partners_reached": (t("partners_reached"), "int"),
        "attributed_deals": (t("attributed_deals"), "int"),
        "won_deals": (t("won"), "int"),
        "won_amount": (t("won_amount"), "amount"),
        "cost_per_won_deal": (t("cost_per_won_deal"), "amount"),
    },
    key="marketing_events_table",
    file_stem="marketing_events",
)
