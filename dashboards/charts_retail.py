"""Chart of the «Розница» page: a DataFrame in, a plotly Figure out (no queries, no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts import _layout
from dashboards.i18n import t

_REVENUE_COLOR = "#1565c0"
_RECEIPTS_COLOR = "#ef6c00"


def retail_chart(rows: pl.DataFrame, names: list[str]) -> go.Figure:
    """Revenue (bars) and sale receipts (line, right axis) per group, in the given order."""
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name=t("retail_revenue"),
            x=names,
            y=rows["revenue"].to_list(),
            marker_color=_REVENUE_COLOR,
        )
    )
    figure.add_trace(
        go.Scatter(
            name=t("retail_receipts"),
            x=names,
            y=rows["sale_receipts"].to_list(),
            yaxis="y2",
            mode="lines+markers",
            marker_color=_RECEIPTS_COLOR,
        )
    )
    return _layout(
        figure,
        height=380,
        xaxis={"type": "category"},
        yaxis={"title": t("retail_revenue"), "tickformat": ",.0f"},
        yaxis2={"title": t("retail_receipts"), "overlaying": "y", "side": "right"},
    )
