"""Sales funnel (Воронка продаж) for one deal kind with stages."""

import streamlit as st

from dashboards import charts, queries
from dashboards.filters import require_filters
from dashboards.i18n import t

filters = require_filters()

st.title(t("page_sales_funnel"))
st.caption(t("funnel_caption"))

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

chart_column, table_column = st.columns([2, 3])
chart_column.plotly_chart(charts.funnel_chart(funnel))
table_column.subheader(t("conversion"))
table_column.dataframe(
    funnel.select(
        "stage_name",
        "deals_entered",
        "deals_skipped",
        "deals_advanced",
        "deals_lost",
        "deals_won",
        "deals_in_progress",
        "conversion_to_next",
        "cumulative_conversion",
        "mean_days_in_stage",
        "median_days_in_stage",
        "potential_amount_entered",
    ),
    hide_index=True,
    column_config={
        "stage_name": t("stage"),
        "deals_entered": st.column_config.NumberColumn(t("deals_entered")),
        "deals_skipped": st.column_config.NumberColumn(t("deals_skipped")),
        "deals_advanced": st.column_config.NumberColumn(t("deals_advanced")),
        "deals_lost": st.column_config.NumberColumn(t("deals_lost")),
        "deals_won": st.column_config.NumberColumn(t("won")),
        "deals_in_progress": st.column_config.NumberColumn(t("in_progress")),
        "conversion_to_next": st.column_config.NumberColumn(
            t("conversion_to_next"), format="percent"
        ),
        "cumulative_conversion": st.column_config.NumberColumn(
            t("cumulative_conversion"), format="percent"
        ),
        "mean_days_in_stage": st.column_config.NumberColumn(t("mean_days_in_stage"), format="%.1f"),
        "median_days_in_stage": st.column_config.NumberColumn(
            t("median_days_in_stage"), format="%.1f"
        ),
        "potential_amount_entered": st.column_config.NumberColumn(
            t("potential_amount_entered"), format="localized"
        ),
    },
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
