"""План-факт: sales plans against won deals and the month-end forecast. Every definition lives
in marts.rpt_plan_fact; this page sums its additive columns per month and per group."""

import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_date, format_number, format_percent
from dashboards.i18n import t

filters = require_filters()
assert filters.start is not None and filters.end is not None  # the sidebar always sets a period

st.title(t("page_plan_fact"))
widgets.require_marts("marts.rpt_plan_fact")
st.caption(t("period_caption", start=format_date(filters.start), end=format_date(filters.end)))
st.caption(t("plan_fact_caption"))

totals = queries.plan_fact_totals(filters).row(0, named=True)
if not totals["planned_amount"] and not totals["won_amount"]:
    st.info(t("no_plans"))
    st.stop()

compare = comparison.for_page(filters)
comparison.show_caption(compare)
other = compare.row(queries.plan_fact_totals) or {}


def money(value: object) -> str:
    return format_compact(value, money=True)


plan_tile, fact_tile, completion_tile, forecast_tile = widgets.tile_columns(4, per_row=2)
compare.metric(
    plan_tile,
    t("planned_amount"),
    totals["planned_amount"],
    other.get("planned_amount"),
    money,
    delta_color="off",  # a bigger plan is neither good nor bad by itself
)
compare.metric(fact_tile, t("fact_amount"), totals["won_amount"], other.get("won_amount"), money)
compare.metric(
    completion_tile,
    t("amount_completion"),
    totals["amount_completion"],
    other.get("amount_completion"),
    format_percent,
    ratio=True,
)
compare.metric(
    forecast_tile,
    t("forecast_completion"),
    totals["forecast_completion"],
    other.get("forecast_completion"),
    format_percent,
    ratio=True,
)

COLUMNS = {
    "planned_amount": (t("planned_amount"), "amount"),
    "won_amount": (t("fact_amount"), "amount"),
    "amount_completion": (t("amount_completion"), "percent"),
    "open_weighted_amount": (t("open_weighted_amount"), "amount"),
    "forecast_amount": (t("forecast_amount"), "amount"),
    "forecast_completion": (t("forecast_completion"), "percent"),
    "planned_won_deals": (t("planned_won_deals"), "int"),
    "won_deals": (t("won_deals"), "int"),
    "won_deals_completion": (t("won_deals_completion"), "percent"),
}

st.subheader(t("plan_fact_by_month"))
by_month = queries.plan_fact_by_month(filters)
st.plotly_chart(charts.plan_fact_chart(by_month), key="plan_fact_chart")
by_month_shown, by_month_columns = compare.add_deltas(
    by_month,
    compare.rerun(queries.plan_fact_by_month),
    ["month"],
    {"month": (t("month"), "month"), **COLUMNS},
    ["won_amount", "won_deals"],
    month_key="month",
)
widgets.table(
    by_month_shown,
    by_month_columns,
    key="plan_fact_by_month_table",
    file_stem="plan_fact_by_month",
)

st.subheader(t("plan_fact_breakdown"))
BREAKDOWNS = {
    "manager": ("by_manager", "manager"),
    "business_region": ("by_business_region", "business_region"),
    "deal_kind": ("by_deal_kind", "deal_kind"),
}
by = st.segmented_control(
    t("plan_fact_breakdown"),
    list(BREAKDOWNS),
    default="manager",
    format_func=lambda key: t(BREAKDOWNS[key][0]),
    key="plan_fact_by",
    label_visibility="collapsed",
)
by = by or "manager"
groups = queries.plan_fact_by(filters, by)
shown, columns = compare.add_deltas(
    groups,
    compare.rerun(queries.plan_fact_by, by),
    ["group_id"],
    {"group_name": (t(BREAKDOWNS[by][1]), "text"), **COLUMNS},
    ["planned_amount", "won_amount", "amount_completion", "won_deals"],
)
widgets.table(
    shown.with_columns(shown["group_name"].fill_null(t("not_set"))),
    columns,
    key="plan_fact_by_table",
    file_stem=f"plan_fact_by_{by}",
)
st.caption(
    t("won_deals")
    + ": "
    + format_number(totals["won_deals"])
    + " / "
    + t("planned_won_deals")
    + ": "
    + format_number(totals["planned_won_deals"])
)
