"""Deal efficiency (Эффективность сделок) by manager, business region and deal kind."""

import streamlit as st

from dashboards import charts, queries
from dashboards.filters import require_filters
from dashboards.i18n import t

filters = require_filters()

st.title(t("page_deal_efficiency"))
st.caption(t("efficiency_caption"))

dimensions: list[tuple[queries.EfficiencyDimension, str, str]] = [
    ("manager", "by_manager", "manager"),
    ("business_region", "by_business_region", "business_region"),
    ("deal_kind", "by_deal_kind", "deal_kind"),
]
tabs = st.tabs([t(tab_label) for _, tab_label, _ in dimensions])
for tab, (dimension, _, group_label) in zip(tabs, dimensions, strict=True):
    with tab:
        efficiency = queries.efficiency(filters, by=dimension)
        if efficiency.is_empty():
            st.info(t("no_data"))
            continue
        st.plotly_chart(charts.efficiency_chart(efficiency), key=f"efficiency_chart_{dimension}")
        st.dataframe(
            efficiency.drop("group_id"),
            hide_index=True,
            key=f"efficiency_table_{dimension}",
            column_config={
                "group_name": t(group_label),
                "deals_total": st.column_config.NumberColumn(t("deals_total")),
                "deals_won": st.column_config.NumberColumn(t("won")),
                "deals_lost": st.column_config.NumberColumn(t("lost")),
                "deals_in_progress": st.column_config.NumberColumn(t("in_progress")),
                "win_rate": st.column_config.NumberColumn(t("win_rate"), format="percent"),
                "won_amount": st.column_config.NumberColumn(t("won_amount"), format="localized"),
                "potential_amount": st.column_config.NumberColumn(
                    t("potential_amount"), format="localized"
                ),
                "mean_cycle_days": st.column_config.NumberColumn(
                    t("mean_cycle_days"), format="%.1f"
                ),
                "median_cycle_days": st.column_config.NumberColumn(
                    t("median_cycle_days"), format="%.1f"
                ),
            },
        )

st.subheader(t("win_probability"))
st.caption(t("win_probability_caption"))
probability = queries.stage_win_probability(filters)
if probability.is_empty():
    st.info(t("no_data"))
else:
    st.dataframe(
        probability.select(
            "deal_kind_name",
            "stage_name",
            "deals_closed_after_reaching",
            "deals_won_after_reaching",
            "win_share",
        ),
        hide_index=True,
        column_config={
            "deal_kind_name": t("deal_kind"),
            "stage_name": t("stage"),
            "deals_closed_after_reaching": st.column_config.NumberColumn(
                t("deals_closed_after_reaching")
            ),
            "deals_won_after_reaching": st.column_config.NumberColumn(
                t("deals_won_after_reaching")
            ),
            "win_share": st.column_config.NumberColumn(t("win_share"), format="percent"),
        },
    )
