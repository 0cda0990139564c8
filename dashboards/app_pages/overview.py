"""Overview: the KPI row against the compared period (comparison.py), and won amount by month."""

import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import (
    format_compact,
    format_date,
    format_delta,
    format_month,
    format_number,
    format_percent,
)
from dashboards.i18n import t

filters = require_filters()
assert filters.start is not None and filters.end is not None  # the sidebar always sets a period
compare = comparison.for_page(filters)

st.title(t("page_overview"))
st.caption(t("period_caption", start=format_date(filters.start), end=format_date(filters.end)))
comparison.show_caption(compare)

kpis = queries.overview_kpis(filters).row(0, named=True)
# The compared period's figures are the same query's over the shifted dates.
other = compare.row(queries.overview_kpis) or {}

# One point per month of the period under each metric; months without a figure (no deal
# closed) are left out rather than drawn as zero.
by_month_kpis = queries.kpis_by_month(filters)


def sparkline(column: str) -> list[float]:
    return [float(value) for value in by_month_kpis[column] if value is not None]


# Two to a row: at 1280 px with the sidebar open, four would cut "195,0 млн ₽".
open_deals, won_amount, win_rate, cycle = widgets.tile_columns(4, per_row=2)
# Open deals are counted now, whatever the period: their change is against the period's start.
open_deals.metric(
    t("kpi_open_deals"),
    format_number(kpis["open_deals"]),
    delta=format_delta(kpis["open_deals"], kpis["open_deals_previous"]) if compare.active else None,
    delta_color="off",  # more open deals is neither good nor bad by itself
    help=t("kpi_open_deals_help"),
    chart_data=sparkline("open_deals"),
    chart_type="line",
    border=True,
)
compare.metric(
    won_amount,
    t("kpi_won_amount"),
    kpis["won_amount"],
    other.get("won_amount"),
    lambda value: format_compact(value, money=True),
    chart_data=sparkline("won_amount"),
    chart_type="bar",
)
compare.metric(
    win_rate,
    t("kpi_win_rate"),
    kpis["win_rate"],
    other.get("win_rate"),
    format_percent,
    ratio=True,
    help=t("kpi_win_rate_help"),
    chart_data=sparkline("win_rate"),
    chart_type="line",
)
compare.metric(
    cycle,
    t("kpi_median_cycle"),
    kpis["median_cycle_days"],
    other.get("median_cycle_days"),
    lambda value: format_number(value, 1),
    decimals=1,
    delta_color="inverse",  # a shorter cycle is better
    chart_data=sparkline("median_cycle_days"),
    chart_type="line",
)

# Sales plans (План-факт): shown once the warehouse has the mart (an older publication has not),
# and not under an industry filter: plans have no partner, so no industry.
if not filters.industries and not queries.missing_tables("marts.rpt_plan_fact"):
    plan = queries.plan_fact_totals(filters).row(0, named=True)
    other_plan = compare.row(queries.plan_fact_totals) or {}
    month = queries.plan_fact_as_of_month(filters)
    plan_tile, forecast_tile = widgets.tile_columns(2, per_row=2)
    compare.metric(
        plan_tile,
        t("kpi_plan_completion"),
        plan["amount_completion"],
        other_plan.get("amount_completion"),
        format_percent,
        ratio=True,
        help=t("kpi_plan_completion_help"),
    )
    if not month.is_empty():
        current = month.row(0, named=True)
        forecast_tile.metric(
            t("kpi_month_forecast", month=format_month(current["month"])),
            format_percent(current["forecast_completion"]),
            help=t(
                "kpi_month_forecast_help",
                fact=format_compact(current["won_amount"], money=True),
            ),
            border=True,
        )

st.subheader(t("won_amount_by_month"))
by_month = queries.won_by_month(filters)
if by_month.is_empty():
    st.info(t("no_data"))
else:
    st.plotly_chart(charts.won_trend_chart(by_month))
    shown, columns = compare.add_deltas(
        by_month,
        compare.rerun(queries.won_by_month),
        ["month"],
        {
            "month": (t("month"), "month"),
            "deals_won": (t("won"), "int"),
            "won_amount": (t("won_amount"), "amount"),
        },
        ["deals_won", "won_amount"],
        month_key="month",
    )
    widgets.table(
        shown,
        columns,
        key="won_by_month_table",
        file_stem="won_by_month",
    )
