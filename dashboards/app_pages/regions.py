"""Regions (territorial analysis): revenue and margin by business region."""

import polars as pl
import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_number, format_percent
from dashboards.i18n import t

filters = require_filters()
st.title(t("page_regions"))
widgets.require_marts("marts.rpt_region_revenue")
st.caption(t("regions_caption"))

regions = queries.region_revenue(filters)
if regions.is_empty():
    st.info(t("no_data"))
    st.stop()

compare = comparison.for_page(filters)
comparison.show_caption(compare)
other_regions = compare.rerun(queries.region_revenue)


def region_totals(rows: pl.DataFrame | None) -> dict[str, float | None]:
    """Revenue, margin and net revenue summed over the regions; the margin share divided again."""
    if rows is None:
        return {}
    revenue = float(rows["revenue_amount"].sum() or 0)
    margin = float(rows["margin_amount"].sum() or 0)
    return {
        "revenue": revenue,
        "margin": margin,
        "net_revenue": float(rows["net_revenue_amount"].sum() or 0),
        "margin_share": margin / revenue if revenue else None,
    }


totals, other = region_totals(regions), region_totals(other_regions)


def money(value: object) -> str:
    return format_compact(value, money=True)


# Two to a row: «Выручка за вычетом возвратов» and a value in millions need half the width at
# 1280 px with the sidebar open.
revenue_column, net_column, margin_column, share_column = widgets.tile_columns(4, per_row=2)
compare.metric(revenue_column, t("revenue"), totals["revenue"], other.get("revenue"), money)
compare.metric(margin_column, t("margin"), totals["margin"], other.get("margin"), money)
compare.metric(
    share_column,
    t("margin_share"),
    totals["margin_share"],
    other.get("margin_share"),
    format_percent,
    ratio=True,
)
compare.metric(
    net_column,
    t("net_revenue"),
    totals["net_revenue"],
    other.get("net_revenue"),
    money,
    help=t("net_revenue_help"),
)

bar_column, treemap_column = st.columns(2)
event = bar_column.plotly_chart(
    charts.region_chart(regions), key="region_chart", on_select="rerun", selection_mode="points"
)
treemap_column.plotly_chart(charts.region_treemap(regions), key="region_treemap")

shown_regions, region_columns = compare.add_deltas(
    regions,
    other_regions,
    ["business_region_id"],
    {
        "business_region_name": (t("business_region"), "text"),
        "shipment_count": (t("shipments"), "int"),
        "revenue_amount": (t("revenue"), "amount"),
        "cost_amount": (t("cost"), "amount"),
        "margin_amount": (t("margin"), "amount"),
        "margin_share": (t("margin_share"), "percent"),
        "returns_amount": (t("returns_amount"), "amount"),
        "net_revenue_amount": (t("net_revenue"), "amount"),
    },
    ["revenue_amount", "margin_amount", "margin_share"],
)
widgets.table(
    shown_regions,
    region_columns,
    key="region_table",
    file_stem="region_revenue",
)

st.subheader(t("by_month"))
widgets.table(
    queries.region_revenue_by_month(filters),
    {
        "month": (t("month"), "month"),
        "business_region_name": (t("business_region"), "text"),
        "shipment_count": (t("shipments"), "int"),
        "revenue_amount": (t("revenue"), "amount"),
        "cost_amount": (t("cost"), "amount"),
        "margin_amount": (t("margin"), "amount"),
        "margin_share": (t("margin_share"), "percent"),
        "returns_amount": (t("returns_amount"), "amount"),
        "net_revenue_amount": (t("net_revenue"), "amount"),
    },
    key="region_month_table",
    file_stem="region_revenue_by_month",
)

# Deals by region on the Overview's basis (queries.efficiency): the same won amount, win rate
# and deals won as the Overview and Deal efficiency pages for the same filters.
st.subheader(t("region_deals"))
st.caption(t("region_deals_caption"))
region_deals = queries.efficiency(filters, by="business_region")
totals = queries.outcome_totals(region_deals)
won_column, amount_column, rate_column = st.columns(3)
won_column.metric(t("deals_won_count"), format_number(totals["deals_won"]), border=True)
amount_column.metric(
    t("kpi_won_amount"), format_compact(totals["won_amount"], money=True), border=True
)
rate_column.metric(t("kpi_win_rate"), format_percent(totals["win_rate"]), border=True)
widgets.table(
    region_deals.with_columns(region_deals["group_name"].fill_null(t("not_set"))),
    {
        "group_name": (t("business_region"), "text"),
        "deals_won": (t("won"), "int"),
        "deals_lost": (t("lost"), "int"),
        "win_rate": (t("win_rate"), "percent"),
        "won_amount": (t("won_amount"), "amount"),
        "deals_in_progress": (t("in_progress"), "int"),
    },
    key="region_deals_table",
    file_stem="region_deals",
)

names = dict(
    zip(
        regions["business_region_id"].to_list(),
        [name or t("not_set") for name in regions["business_region_name"]],
        strict=True,
    )
)
region_id = widgets.drill_down(event, "region_pick", names, t("show_shipments_of_region"))
if region_id is not None:
    if queries.missing_tables("marts.fct_shipments", "marts.fct_orders"):
        st.warning(t("mart_missing", tables="marts.fct_shipments"))
    else:
        widgets.table(
            queries.region_shipments(filters, region_id),
            {
                "shipment_number": (t("shipment_number"), "text"),
                "shipped_date": (t("shipped_date"), "date"),
                "order_number": (t("order_number"), "text"),
                "partner_name": (t("partner"), "text"),
                "shipped_amount": (t("revenue"), "amount"),
                "cost_amount": (t("cost"), "amount"),
                "margin_amount": (t("margin"), "amount"),
            },
            key="region_shipments_table",
            file_stem="region_shipments",
        )
