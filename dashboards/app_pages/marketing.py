"""Маркетинг: marketing events with their interactions, attributed deals, won amount and cost
per won deal. The attribution rule and every figure live in marts.rpt_marketing_events."""

import polars as pl
import streamlit as st

from dashboards import queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_date, format_number
from dashboards.i18n import t

filters = require_filters()
assert filters.start is not None and filters.end is not None  # the sidebar always sets a period

st.title(t("page_marketing"))
widgets.require_marts("marts.rpt_marketing_events")
st.caption(t("period_caption", start=format_date(filters.start), end=format_date(filters.end)))
st.caption(t("marketing_caption"))

events = queries.marketing_events(filters)
if events.is_empty():
    st.info(t("no_data"))
    st.stop()

totals = queries.marketing_totals(events)
count_tile, cost_tile, won_tile, per_deal_tile = widgets.tile_columns(4, per_row=2)
count_tile.metric(t("marketing_events"), format_number(totals["events"]), border=True)
cost_tile.metric(t("event_cost"), format_compact(totals["cost_amount"], money=True), border=True)
won_tile.metric(t("won_amount"), format_compact(totals["won_amount"], money=True), border=True)
per_deal_tile.metric(
    t("cost_per_won_deal"),
    format_compact(totals["cost_per_won_deal"], money=True)
    if totals["cost_per_won_deal"] is not None
    else "—",
    border=True,
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
