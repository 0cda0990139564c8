"""Pure chart builders: a polars DataFrame in, a plotly Figure out (no queries, no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.formatting import format_number, format_percent, plotly_separators
from dashboards.i18n import t

_WON_COLOR = "#2e7d32"
_LOST_COLOR = "#c62828"
_IN_PROGRESS_COLOR = "#1565c0"


def _layout(figure: go.Figure, **layout: object) -> go.Figure:
    figure.update_layout(
        separators=plotly_separators(),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **layout,
    )
    return figure


def funnel_chart(funnel: pl.DataFrame) -> go.Figure:
    """Stages top to bottom, each bar the deals that reached it, with cumulative conversion."""
    rows = funnel.sort("stage_sequence")
    text = [
        f"{format_number(entered)} · {format_percent(cumulative)}"
        for entered, cumulative in zip(
            rows["deals_entered"], rows["cumulative_conversion"], strict=True
        )
    ]
    figure = go.Figure(
        go.Funnel(
            y=rows["stage_name"].to_list(),
            x=rows["deals_entered"].to_list(),
            text=text,
            textinfo="text",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    return _layout(figure)


def losses_chart(losses: pl.DataFrame) -> go.Figure:
    """Deals lost at each stage, stacked by loss reason; stages in process order."""
    rows = losses.with_columns(pl.col("loss_reason_name").fill_null(t("no_reason")))
    stage_order = (
        rows.select("stage_sequence", "stage_name").unique().sort("stage_sequence")["stage_name"]
    )
    figure = go.Figure()
    for (reason,), reason_rows in rows.group_by("loss_reason_name", maintain_order=True):
        figure.add_trace(
            go.Bar(
                name=str(reason),
                x=reason_rows["stage_name"].to_list(),
                y=reason_rows["deals_lost"].to_list(),
            )
        )
    return _layout(
        figure,
        barmode="stack",
        xaxis={"title": t("stage"), "categoryorder": "array", "categoryarray": stage_order},
        yaxis={"title": t("deals_lost")},
    )


def stage_days_chart(days: pl.DataFrame) -> go.Figure:
    """Distribution of days spent in each stage: one box per stage, in process order."""
    figure = go.Figure()
    for (_, stage_name), stage_rows in days.sort("stage_sequence").group_by(
        "stage_sequence", "stage_name", maintain_order=True
    ):
        figure.add_trace(
            go.Box(name=str(stage_name), y=stage_rows["days_in_stage"].to_list(), boxmean=True)
        )
    return _layout(figure, showlegend=False, yaxis={"title": t("days_in_stage")})


def efficiency_chart(efficiency: pl.DataFrame) -> go.Figure:
    """Won, lost and open deals per group (stacked), with the win rate on a second axis."""
    names = efficiency["group_name"].to_list()
    figure = go.Figure()
    for column, label, color in (
        ("deals_won", t("won"), _WON_COLOR),
        ("deals_lost", t("lost"), _LOST_COLOR),
        ("deals_in_progress", t("in_progress"), _IN_PROGRESS_COLOR),
    ):
        figure.add_trace(
            go.Bar(name=label, x=names, y=efficiency[column].to_list(), marker_color=color)
        )
    figure.add_trace(
        go.Scatter(
            name=t("win_rate"),
            x=names,
            y=efficiency["win_rate"].to_list(),
            yaxis="y2",
            mode="markers+text",
            text=[format_percent(rate) for rate in efficiency["win_rate"]],
            textposition="top center",
            marker={"size": 10, "color": "#000000"},
        )
    )
    return _layout(
        figure,
        barmode="stack",
        yaxis={"title": t("deals")},
        yaxis2={
            "title": t("win_rate"),
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.1],
            "tickformat": ".0%",
            "showgrid": False,
        },
    )


def won_trend_chart(by_month: pl.DataFrame) -> go.Figure:
    """Won amount per month of closing."""
    figure = go.Figure(
        go.Bar(
            x=by_month["month"].to_list(),
            y=by_month["won_amount"].to_list(),
            marker_color=_WON_COLOR,
            name=t("won_amount"),
            hovertemplate="%{x|%m.%Y}: %{y:,.0f}<extra></extra>",
        )
    )
    return _layout(
        figure,
        height=280,
        xaxis={"title": t("month"), "tickformat": "%m.%Y", "dtick": "M1"},
        yaxis={"title": t("won_amount"), "tickformat": ",.0f"},
    )
