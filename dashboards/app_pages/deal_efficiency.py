"""Deal efficiency (Эффективность сделок) by manager, business region and deal kind."""

import polars as pl
import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_number
from dashboards.i18n import t

filters = require_filters()

st.title(t("page_deal_efficiency"))
st.caption(t("efficiency_caption"))
compare = comparison.for_page(filters)
comparison.show_caption(compare)

dimensions: list[tuple[queries.EfficiencyDimension, str, str]] = [
    ("manager", "by_manager", "manager"),
    ("business_region", "by_business_region", "business_region"),
    ("deal_kind", "by_deal_kind", "deal_kind"),
]
# The sales structure (regional offices and their teams) once managers are placed in it.
structure: list[tuple[queries.EfficiencyDimension, str, str]] = (
    [
        ("regional_office", "by_regional_office", "regional_office"),
        ("department", "by_department", "department"),
    ]
    if queries.has_sales_structure()
    else []
)
tab_dimensions = dimensions + structure
tabs = st.tabs([t(tab_label) for _, tab_label, _ in tab_dimensions])
for tab, (dimension, _, group_label) in zip(tabs, tab_dimensions, strict=True):
    with tab:
        efficiency = queries.efficiency(filters, by=dimension)
        if efficiency.is_empty():
            st.info(t("no_data"))
            continue
        if dimension in ("regional_office", "department"):
            efficiency = efficiency.with_columns(pl.col("group_name").fill_null(t("not_placed")))
        st.plotly_chart(charts.efficiency_chart(efficiency), key=f"efficiency_chart_{dimension}")
        other_efficiency = compare.rerun(queries.efficiency, by=dimension)
        if other_efficiency is not None and dimension in ("regional_office", "department"):
            other_efficiency = other_efficiency.with_columns(
                pl.col("group_name").fill_null(t("not_placed"))
            )
        shown, columns = compare.add_deltas(
            efficiency,
            other_efficiency,
            ["group_id"],
            {
                "group_name": (t(group_label), "text"),
                "deals_total": (t("deals_total"), "int"),
                "deals_won": (t("won"), "int"),
                "deals_lost": (t("lost"), "int"),
                "deals_in_progress": (t("in_progress"), "int"),
                "win_rate": (t("win_rate"), "percent"),
                "won_amount": (t("won_amount"), "amount"),
                "potential_amount": (t("potential_amount"), "amount"),
                "mean_cycle_days": (t("mean_cycle_days"), "days"),
                "median_cycle_days": (t("median_cycle_days"), "days"),
            },
            ["deals_won", "win_rate", "won_amount"],
        )
        widgets.table(
            shown,
            columns,
            key=f"efficiency_table_{dimension}",
            file_stem=f"deal_efficiency_by_{dimension}",
        )

st.subheader(t("sales_by_industry"))
st.caption(t("sales_by_industry_caption"))
# The efficiency query grouped by the partner's industry: the same outcome definitions as the
# tabs above and the Overview (won and win rate over deals closed in the period).
# Without any industry (or dim_partners, in an older publication) every deal would fall in one
# "not set" row: say so instead.
sales_by_industry = queries.efficiency(filters, by="industry") if queries.industries() else None
if sales_by_industry is None:
    st.caption(t("no_industries"))
elif sales_by_industry.is_empty():
    st.info(t("no_data"))
else:
    st.plotly_chart(charts.industry_sales_chart(sales_by_industry), key="industry_sales_chart")
    widgets.table(
        sales_by_industry.with_columns(pl.col("group_name").fill_null(t("industry_not_set"))),
        {
            "group_name": (t("industry"), "text"),
            "won_amount": (t("won_amount"), "amount"),
            "deals_won": (t("won"), "int"),
            "win_rate": (t("win_rate"), "percent"),
        },
        key="industry_sales_table",
        file_stem="sales_by_industry",
    )

st.subheader(t("deal_interactions"))
st.caption(t("deal_interactions_caption"))
if queries.missing_tables("marts.rpt_deal_interactions"):
    st.caption(t("mart_missing", tables="marts.rpt_deal_interactions"))
else:
    interaction_labels = {dimension: group_label for dimension, _, group_label in dimensions}
    interactions_by = (
        st.segmented_control(
            t("group_by"),
            list(interaction_labels),
            format_func=lambda dimension: t(interaction_labels[dimension]),
            default="manager",
            key="deal_interactions_by",
        )
        or "manager"
    )
    deal_interactions = queries.deal_interactions_by(filters, by=interactions_by)
    shown_interactions, interaction_columns = compare.add_deltas(
        deal_interactions,
        compare.rerun(queries.deal_interactions_by, by=interactions_by),
        ["group_id"],
        {
            "group_name": (t(interaction_labels[interactions_by]), "text"),
            "deals": (t("deals_created"), "int"),
            "interactions_total": (t("deal_interactions_total"), "int"),
            "interactions_done": (t("deal_interactions_done"), "int"),
            "interactions_per_deal": (t("interactions_per_deal"), "days"),
            "order_count": (t("order_count"), "int"),
            "potential_amount": (t("potential_amount"), "amount"),
            "actual_amount": (t("actual_amount"), "amount"),
            "actual_to_potential_share": (t("actual_to_potential_share"), "percent"),
        },
        ["deals", "interactions_total", "actual_amount"],
    )
    widgets.show_or_no_data(
        shown_interactions.with_columns(pl.col("group_name").fill_null(t("not_set"))),
        lambda rows: widgets.table(
            rows,
            interaction_columns,
            key="deal_interactions_table",
            file_stem=f"deal_interactions_by_{interactions_by}",
        ),
    )

st.subheader(t("win_probability"))
st.caption(t("win_probability_caption"))
probability = queries.stage_win_probability(filters)
if probability.is_empty():
    st.info(t("no_data"))
else:
    widgets.table(
        probability,
        {
            "deal_kind_name": (t("deal_kind"), "text"),
            "stage_name": (t("stage"), "text"),
            "deals_closed_after_reaching": (t("deals_closed_after_reaching"), "int"),
            "deals_won_after_reaching": (t("deals_won_after_reaching"), "int"),
            "win_share": (t("win_share"), "percent"),
        },
        key="win_probability_table",
        file_stem="stage_win_probability",
    )

st.header(t("pipeline_forecast"))
st.caption(t("pipeline_forecast_caption"))
if queries.missing_tables("marts.rpt_pipeline_forecast"):
    st.warning(t("mart_missing", tables="marts.rpt_pipeline_forecast"))
    st.stop()
totals = queries.pipeline_forecast_totals(filters).row(0, named=True)
if not totals["open_deals"]:
    st.info(t("no_open_deals"))
    st.stop()
open_deals, potential, weighted = st.columns(3)
open_deals.metric(t("kpi_open_deals"), format_number(totals["open_deals"]), border=True)
potential.metric(
    t("potential_amount"), format_compact(totals["potential_amount"], money=True), border=True
)
weighted.metric(
    t("weighted_amount"),
    format_compact(totals["weighted_amount"], money=True),
    help=t("weighted_amount_help"),
    border=True,
)
group_labels = {dimension: group_label for dimension, _, group_label in dimensions}
forecast_by = st.segmented_control(
    t("group_by"),
    [dimension for dimension, _, _ in dimensions],
    format_func=lambda dimension: t(group_labels[dimension]),
    default="manager",
    key="forecast_by",
)
st.plotly_chart(
    charts.forecast_chart(queries.pipeline_forecast_by(filters, by=forecast_by or "manager")),
    key="forecast_chart",
)
forecast = queries.pipeline_forecast(filters)
if forecast.height < totals["open_deals"]:
    st.caption(
        t(
            "forecast_list_top",
            shown=format_number(forecast.height),
            total=format_number(totals["open_deals"]),
        )
    )
widgets.table(
    forecast,
    {
        "deal_number": (t("deal_number"), "text"),
        "deal_name": (t("deal_name"), "text"),
        "partner_name": (t("partner"), "text"),
        "manager_name": (t("manager"), "text"),
        "deal_kind_name": (t("deal_kind"), "text"),
        "current_stage_name": (t("current_stage"), "text"),
        "potential_amount": (t("potential_amount"), "amount"),
        "forecast_probability": (t("forecast_probability"), "percent"),
        "weighted_amount": (t("weighted_amount"), "amount"),
        "stage_win_share": (t("stage_win_share"), "percent"),
        "manager_win_share": (t("manager_win_share"), "percent"),
        "partner_win_share": (t("partner_win_share"), "percent"),
        "deal_kind_win_share": (t("deal_kind_win_share"), "percent"),
    },
    key="forecast_table",
    file_stem="pipeline_forecast",
)
