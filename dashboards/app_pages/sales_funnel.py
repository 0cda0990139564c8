"""Sales funnel (Воронка продаж) for one deal kind with stages."""

import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.i18n import t

filters = require_filters()

st.title(t("page_sales_funnel"))
st.caption(t("funnel_caption"))
widgets.require_marts(queries.FUNNEL_CELLS_MART)

kinds = queries.staged_deal_kinds(filters)
if kinds.is_empty():
    st.info(t("no_staged_kinds"))
    st.stop()
kind_names = dict(
    zip(kinds["deal_kind_id"].to_list(), kinds["deal_kind_name"].to_list(), strict=True)
)
deal_kind_id = st.selectbox(
    t("deal_kind"), list(kind_names), format_func=kind_names.__getitem__, key="funnel_deal_kind"
)

funnel = queries.funnel(filters, deal_kind_id=deal_kind_id)
if funnel.is_empty() or funnel["deals_entered"].sum() == 0:
    st.info(t("no_data"))
    st.stop()

# The chart and the table each take the full width: the won deals (the funnel's last bar and
# a column next to the entered ones) are in sight without scrolling sideways.
event = st.plotly_chart(
    charts.funnel_chart(funnel), key="funnel_chart", on_select="rerun", selection_mode="points"
)
st.subheader(t("conversion"))
compare = comparison.for_page(filters)
comparison.show_caption(compare)
funnel_rows, funnel_columns = compare.add_deltas(
    funnel,
    compare.rerun(queries.funnel, deal_kind_id=deal_kind_id),
    ["stage_id"],
    {
        "stage_name": (t("stage"), "text"),
        "deals_entered": (t("deals_entered"), "int"),
        "deals_won": (t("won"), "int"),
        "deals_lost": (t("deals_lost"), "int"),
        "deals_advanced": (t("deals_advanced"), "int"),
        "deals_in_progress": (t("in_progress"), "int"),
        "deals_skipped": (t("deals_skipped"), "int"),
        "conversion_to_next": (t("conversion_to_next"), "percent"),
        "cumulative_conversion": (t("cumulative_conversion"), "percent"),
        "mean_days_in_stage": (t("mean_days_in_stage"), "days"),
        "median_days_in_stage": (t("median_days_in_stage"), "days"),
        "potential_amount_entered": (t("potential_amount_entered"), "amount"),
    },
    ["deals_entered", "deals_won", "cumulative_conversion"],
)
widgets.table(
    funnel_rows,
    funnel_columns,
    key="funnel_table",
    file_stem="sales_funnel",
)

stages = dict(zip(funnel["stage_id"].to_list(), funnel["stage_name"].to_list(), strict=True))
stage_id = widgets.drill_down(
    event, f"funnel_stage_pick_{deal_kind_id}", stages, t("show_deals_at_stage")
)
if stage_id is not None:
    deals = widgets.translate(queries.deals_at_stage(filters, stage_id), "status", "deal_status")
    deals = widgets.translate(deals, "outcome_at_stage", "outcome")
    widgets.table(
        deals,
        {
            "deal_number": (t("deal_number"), "text"),
            "deal_name": (t("deal_name"), "text"),
            "partner_name": (t("partner"), "text"),
            "manager_name": (t("manager"), "text"),
            "created_date": (t("created_date"), "date"),
            "status": (t("status"), "text"),
            "current_stage_name": (t("current_stage"), "text"),
            "was_skipped": (t("deals_skipped"), "bool"),
            "outcome_at_stage": (t("outcome_at_stage"), "text"),
            "days_in_stage": (t("days_in_stage"), "days"),
            "potential_amount": (t("potential_amount"), "amount"),
        },
        key="deals_at_stage_table",
        file_stem="deals_at_stage",
    )

losses_column, days_column = st.columns(2)
losses_column.subheader(t("losses_by_stage"))
losses = queries.losses_by_stage_and_reason(filters, deal_kind_id=deal_kind_id)
if losses.is_empty():
    losses_column.info(t("no_data"))
else:
    losses_column.plotly_chart(charts.losses_chart(losses))

days_column.subheader(t("days_in_stage"))
days = queries.days_in_stage(filters, deal_kind_id=deal_kind_id)
if days.is_empty():
    days_column.info(t("no_data"))
else:
    days_column.plotly_chart(charts.stage_days_chart(days))
