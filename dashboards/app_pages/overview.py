"""Overview: the KPI row against the previous period, and won amount by month."""

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
    format_points_delta,
)
from dashboards.i18n import t

filters = require_filters()
assert filters.start is not None and filters.end is not None  # the sidebar always sets a period
previous_start, previous_end = queries.previous_period(filters.start, filters.end)

st.title(t("page_overview"))
st.caption(t("period_caption", start=format_date(filters.start), end=format_date(filters.end)))

kpis = queries.overview_kpis(filters).row(0, named=True)
# The same period a year earlier (its own figures are the "current" ones of that query).
year_ago_kpis = queries.overview_kpis(comparison.comparison_filters(filters)[1]).row(0, named=True)


def compared(column: str, decimals: int = 0) -> str:
    """Both comparisons of a tile (previous period, a year earlier) for its help."""
    return comparison.tile_comparison(
        filters, kpis[column], kpis[f"{column}_previous"], year_ago_kpis[column], decimals
    ).help


# One point per month of the period under each metric; months without a figure (no deal
# closed) are left out rather than drawn as zero.
by_month_kpis = queries.kpis_by_month(filters)


def sparkline(column: str) -> list[float]:
    return [float(value) for value in by_month_kpis[column] if value is not None]


delta_help = t("kpi_delta_help", start=format_date(previous_start), end=format_date(previous_end))
# Two to a row: at 1280 px with the sidebar open, four would cut "195,0 млн ₽".
open_deals, won_amount, win_rate, cycle = widgets.tile_columns(4, per_row=2)
open_deals.metric(
    t("kpi_open_deals"),
    format_number(kpis["open_deals"]),
    delta=format_delta(kpis["open_deals"], kpis["open_deals_previous"]),
    delta_color="off",  # more open deals is neither good nor bad by itself
    help=t("kpi_open_deals_help") + "  \n" + compared("open_deals"),
    chart_data=sparkline("open_deals"),
    chart_type="line",
    border=True,
)
won_amount.metric(
    t("kpi_won_amount"),
    format_compact(kpis["won_amount"], money=True),
    delta=format_delta(kpis["won_amount"], kpis["won_amount_previous"]),
    help=compared("won_amount"),
    chart_data=sparkline("won_amount"),
    chart_type="bar",
    border=True,
)
win_rate.metric(
    t("kpi_win_rate"),
    format_percent(kpis["win_rate"]),
    delta=format_points_delta(kpis["win_rate"], kpis["win_rate_previous"]),
    help=t("kpi_win_rate_help") + " " + delta_help,
    chart_data=sparkline("win_rate"),
    chart_type="line",
    border=True,
)
cycle.metric(
    t("kpi_median_cycle"),
    format_number(kpis["median_cycle_days"], 1),
    delta=format_delta(kpis["median_cycle_days"], kpis["median_cycle_days_previous"], 1),
    delta_color="inverse",  # a shorter cycle is better
    help=compared("median_cycle_days", 1),
    chart_data=sparkline("median_cycle_days"),
    chart_type="line",
    border=True,
)

# Sales plans (План-факт): shown once the warehouse has the mart (an older publication has not),
# and not under an industry filter: plans have no partner, so no industry.
if not filters.industries and not queries.missing_tables("marts.rpt_plan_fact"):
    plan = queries.plan_fact_totals(filters).row(0, named=True)
    month = queries.plan_fact_as_of_month(filters)
    plan_tile, forecast_tile = widgets.tile_columns(2, per_row=2)
    plan_tile.metric(
        t("kpi_plan_completion"),
        format_percent(plan["amount_completion"]),
        help=t("kpi_plan_completion_help"),
        border=True,
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
    widgets.table(
        by_month,
        {
            "month": (t("month"), "month"),
            "deals_won": (t("won"), "int"),
            "won_amount": (t("won_amount"), "amount"),
        },
        key="won_by_month_table",
        file_stem="won_by_month",
    )
