"""Charts of the «Организации и комиссия» page: a polars DataFrame in, a plotly Figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts import _layout
from dashboards.i18n import t

_SELLER_COLOR = "#1565c0"
_OWNER_COLOR = "#2e7d32"
_INTERCOMPANY_COLOR = "#9e9e9e"


def organization_revenue_chart(revenue: pl.DataFrame) -> go.Figure:
    """Per organization: external revenue as seller, its inter-company sales on top, and the
    external revenue of the goods it owned."""
    rows = revenue.sort("external_revenue")
    names = [name or "—" for name in rows["organization_name"].to_list()]
    figure = go.Figure()
    for column, key, color in (
        ("external_revenue", "external_revenue", _SELLER_COLOR),
        ("intercompany_revenue", "intercompany_revenue", _INTERCOMPANY_COLOR),
    ):
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=t(key),
                y=names,
                x=rows[column].to_list(),
                marker_color=color,
                offsetgroup="seller",
            )
        )
    figure.add_trace(
        go.Bar(
            orientation="h",
            name=t("revenue_as_owner"),
            y=names,
            x=rows["revenue_as_owner"].to_list(),
            marker_color=_OWNER_COLOR,
            offsetgroup="owner",
        )
    )
    return _layout(
        figure,
        barmode="relative",
        height=max(300, 70 * len(names) + 100),
        xaxis={"title": t("amount"), "tickformat": ",.0f"},
        yaxis={"automargin": True},
    )
