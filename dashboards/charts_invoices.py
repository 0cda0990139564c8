"""Charts of the invoices section (issue 25): DataFrame in, plotly Figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts import _layout
from dashboards.i18n import t


def issued_vs_paid_chart(months: pl.DataFrame) -> go.Figure:
    """Per month of the invoice date: invoiced and paid amounts side by side."""
    figure = go.Figure()
    for column, color in (("invoice_amount", "#9ab3d5"), ("paid_amount", "#2e7d32")):
        figure.add_trace(
            go.Bar(
                name=t(f"invoices_{column}"),
                x=months["month"].to_list(),
                y=months[column].to_list(),
                marker_color=color,
                hovertemplate="%{x|%m.%Y}: %{y:,.2f}<extra></extra>",
            )
        )
    return _layout(
        figure,
        barmode="group",
        height=320,
        yaxis={"title": t("invoices_invoice_amount"), "tickformat": ",.0f"},
    )


def unpaid_by_age_chart(ages: pl.DataFrame) -> go.Figure:
    """Outstanding amount of the open invoices per age bucket, the overdue part darker."""
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name=t("invoices_overdue_amount"),
            x=ages["age_bucket"].to_list(),
            y=ages["overdue_amount"].to_list(),
            marker_color="#c62828",
        )
    )
    figure.add_trace(
        go.Bar(
            name=t("invoices_not_yet_due"),
            x=ages["age_bucket"].to_list(),
            y=(ages["outstanding_amount"] - ages["overdue_amount"]).to_list(),
            marker_color="#ffb74d",
        )
    )
    return _layout(
        figure,
        barmode="stack",
        height=300,
        xaxis={"title": t("invoices_age_days")},
        yaxis={"title": t("invoices_outstanding_amount"), "tickformat": ",.0f"},
    )
