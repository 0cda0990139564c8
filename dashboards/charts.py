"""Pure chart builders: a polars DataFrame in, a plotly Figure out (no queries, no Streamlit)."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboards.formatting import (
    format_compact,
    format_day,
    format_month,
    format_number,
    format_percent,
    plotly_separators,
)
from dashboards.i18n import label, t

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


def _count_axis(title: str) -> dict[str, object]:
    """An axis of counts: whole numbers only (no 0,2 deals); see `_whole_ticks`."""
    return {"title": title, "tickformat": ",d", "rangemode": "tozero"}


def _whole_ticks(figure: go.Figure, axis: str = "yaxis") -> go.Figure:
    """With small counts plotly ticks every 0,2, which ",d" prints as 0, 0, 0, 1: tick every 1
    when the tallest (stacked) bar is small."""
    totals: dict[object, float] = {}
    for trace in figure.data:
        categories = trace.x if axis == "yaxis" else trace.y
        values = trace.y if axis == "yaxis" else trace.x
        for category, value in zip(categories or (), values or (), strict=False):
            totals[category] = totals.get(category, 0) + (value or 0)
    if totals and max(totals.values()) <= 8:
        figure.update_layout({axis: {"dtick": 1}})
    return figure


def every_month(months: list[date]) -> list[date]:
    """Every first-of-month from the earliest to the latest of ``months`` (gaps filled), so a
    monthly chart gives each month one slot of the same width, empty months included."""
    firsts = sorted({month.replace(day=1) for month in months if month is not None})
    if not firsts:
        return []
    index, last = (
        firsts[0].year * 12 + firsts[0].month - 1,
        firsts[-1].year * 12 + firsts[-1].month - 1,
    )
    return [date(i // 12, i % 12 + 1, 1) for i in range(index, last + 1)]


def _month_axis(months: list[date], **axis: object) -> dict[str, object]:
    """A category axis of month labels (``янв 2026``) in calendar order."""
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": [format_month(month) for month in months],
        **axis,
    }


def _per_month(
    months: list[date], rows: pl.DataFrame, month_column: str, value_column: str
) -> list[object]:
    """``value_column`` for each of ``months`` (0 where ``rows`` has no row for it)."""
    values = {
        (month.replace(day=1) if month else None): value
        for month, value in zip(rows[month_column], rows[value_column], strict=True)
    }
    return [values.get(month, 0) for month in months]


def funnel_chart(funnel: pl.DataFrame) -> go.Figure:
    """Stages top to bottom, each bar the deals that reached it, with cumulative conversion."""
    rows = funnel.sort("stage_sequence")
    text = [
        f"{format_number(entered)} · {format_percent(cumulative)}"
        for entered, cumulative in zip(
            rows["deals_entered"], rows["cumulative_conversion"], strict=True
        )
    ]
    names = rows["stage_name"].to_list()
    entered = rows["deals_entered"].to_list()
    ids = rows["stage_id"].to_list() if "stage_id" in rows.columns else [None] * rows.height
    colors = ["#1565c0"] * rows.height
    if "deals_won" in rows.columns and rows.height:
        # The funnel's end: the deals won, whatever stage they were won at.
        won = int(rows["deals_won"].sum())
        first = entered[0] if entered else 0
        names.append(t("funnel_won"))
        entered.append(won)
        ids.append(None)
        colors.append(_WON_COLOR)
        text.append(f"{format_number(won)} · {format_percent(won / first if first else None)}")
    figure = go.Figure(
        go.Funnel(
            y=names,
            x=entered,
            # A click selects the stage; the page lists the deals behind it.
            customdata=ids if any(value is not None for value in ids) else None,
            text=text,
            textinfo="text",
            marker={"color": colors},
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    return _layout(figure, clickmode="event+select")


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
    return _whole_ticks(
        _layout(
            figure,
            barmode="stack",
            xaxis={"title": t("stage"), "categoryorder": "array", "categoryarray": stage_order},
            yaxis=_count_axis(t("deals_lost")),
        )
    )


def stage_days_chart(days: pl.DataFrame) -> go.Figure:
    """Distribution of days spent in each stage: one box per stage, in process order, drawn from
    the precomputed figures of `queries.days_in_stage` (quartiles, whiskers, mean)."""
    figure = go.Figure()
    for row in days.sort("stage_sequence").iter_rows(named=True):
        figure.add_trace(
            go.Box(
                name=str(row["stage_name"]),
                # Each box at its own stage on the axis (without x every box sits at x=0).
                x=[str(row["stage_name"])],
                q1=[row["q1_days"]],
                median=[row["median_days"]],
                q3=[row["q3_days"]],
                lowerfence=[row["lower_whisker_days"]],
                upperfence=[row["upper_whisker_days"]],
                mean=[row["mean_days"]],
                boxmean=True,
                marker_color=_IN_PROGRESS_COLOR,  # one colour: the stages differ by position
            )
        )
    order = [str(name) for name in days.sort("stage_sequence")["stage_name"]]
    return _layout(
        figure,
        showlegend=False,
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": order},
        yaxis={"title": t("days_in_stage")},
    )


def efficiency_chart(efficiency: pl.DataFrame) -> go.Figure:
    """Won, lost and open deals per group (stacked), with the win rate on a second axis."""
    names = efficiency["group_name"].to_list()
    figure = go.Figure()
    for column, name, color in (
        ("deals_won", t("won"), _WON_COLOR),
        ("deals_lost", t("lost"), _LOST_COLOR),
        ("deals_in_progress", t("in_progress"), _IN_PROGRESS_COLOR),
    ):
        figure.add_trace(
            go.Bar(name=name, x=names, y=efficiency[column].to_list(), marker_color=color)
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
    months = every_month(by_month["month"].to_list())
    figure = go.Figure(
        go.Bar(
            x=[format_month(month) for month in months],
            y=_per_month(months, by_month, "month", "won_amount"),
            marker_color=_WON_COLOR,
            name=t("won_amount"),
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    return _layout(
        figure,
        height=280,
        xaxis=_month_axis(months, title=t("month")),
        yaxis={"title": t("won_amount"), "tickformat": ",.0f"},
    )


# -- helpers for the newer pages -----------------------------------------------------------

_STATUS_GROUP_COLORS = {
    "accepted": _WON_COLOR,
    "rejected": _LOST_COLOR,
    "error": "#ef6c00",
    "processing": _IN_PROGRESS_COLOR,
}
STATUS_GROUPS = tuple(_STATUS_GROUP_COLORS)
_BUCKET_COLORS = {"0-30": "#fdd835", "31-60": "#fb8c00", "61-90": "#e53935", "90+": "#8e24aa"}


def _names(values: pl.Series) -> list[str]:
    """Group names for axes and legends; a missing name reads "not set"."""
    return [t("not_set") if value is None else str(value) for value in values]


def _share_text(shares: pl.Series) -> list[str]:
    return [format_percent(share) for share in shares]


def satisfaction_chart(satisfaction: pl.DataFrame) -> go.Figure:
    """Satisfied share per group (horizontal bars, clickable: customdata is the group key)."""
    rows = satisfaction.sort("claims_resolved", "group_name", descending=[False, True])
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=_names(rows["group_name"]),
            x=rows["satisfied_share"].to_list(),
            customdata=rows["group_key"].to_list(),
            text=[
                f"{format_percent(share)} ({format_number(satisfied)}/{format_number(resolved)})"
                for share, satisfied, resolved in zip(
                    rows["satisfied_share"],
                    rows["claims_satisfied"],
                    rows["claims_resolved"],
                    strict=True,
                )
            ],
            textposition="auto",
            marker_color=_WON_COLOR,
            hovertemplate="%{y}: %{text}<extra></extra>",
            name=t("satisfied_share"),
        )
    )
    return _layout(
        figure,
        xaxis={"title": t("satisfied_share"), "tickformat": ".0%", "range": [0, 1.05]},
        height=max(240, 40 * rows.height + 80),
        clickmode="event+select",
    )


def satisfaction_trend_chart(by_month: pl.DataFrame) -> go.Figure:
    """Resolved claims per month (bars) and the satisfied share (line, right axis)."""
    months = every_month(by_month["month"].to_list())
    labels = [format_month(month) for month in months]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=labels,
            y=_per_month(months, by_month, "month", "claims_resolved"),
            name=t("claims_resolved"),
            marker_color=_IN_PROGRESS_COLOR,
        )
    )
    shares = dict(zip(by_month["month"], by_month["satisfied_share"], strict=True))
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[shares.get(month) for month in months],  # no resolved claims: no share
            connectgaps=False,
            name=t("satisfied_share"),
            yaxis="y2",
            mode="lines+markers",
            marker_color=_WON_COLOR,
        )
    )
    return _whole_ticks(
        _layout(
            figure,
            height=300,
            xaxis=_month_axis(months, title=t("month")),
            yaxis=_count_axis(t("claims_resolved")),
            yaxis2={
                "title": t("satisfied_share"),
                "overlaying": "y",
                "side": "right",
                "range": [0, 1.05],
                "tickformat": ".0%",
                "showgrid": False,
            },
        )
    )


def claim_structure_chart(structure: pl.DataFrame) -> go.Figure:
    """Claims per reason with the share of all claims (clickable: customdata is the reason)."""
    rows = structure.sort("claims_registered", "group_name", descending=[False, True])
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=_names(rows["group_name"]),
            x=rows["claims_registered"].to_list(),
            customdata=rows["group_key"].to_list(),
            text=[
                f"{format_number(claims)} · {format_percent(share)}"
                for claims, share in zip(
                    rows["claims_registered"], rows["share_of_claims"], strict=True
                )
            ],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
            name=t("claims_registered"),
        )
    )
    return _layout(
        figure,
        xaxis={"title": t("claims_registered")},
        height=max(240, 40 * rows.height + 80),
        clickmode="event+select",
    )


def claim_trend_chart(by_month: pl.DataFrame) -> go.Figure:
    """Claims registered per month, stacked by reason."""
    rows = by_month.with_columns(pl.col("group_name").fill_null(t("not_set")))
    months = every_month(rows["month"].to_list())
    figure = go.Figure()
    for (reason,), reason_rows in rows.sort("month").group_by("group_name", maintain_order=True):
        figure.add_trace(
            go.Bar(
                name=str(reason),
                x=[format_month(month) for month in months],
                y=_per_month(months, reason_rows, "month", "claims_registered"),
                customdata=[reason_rows["group_key"][0]] * len(months),
            )
        )
    return _whole_ticks(
        _layout(
            figure,
            barmode="stack",
            height=320,
            xaxis=_month_axis(months, title=t("month")),
            yaxis=_count_axis(t("claims_registered")),
        )
    )


def events_heatmap(calendar: pl.DataFrame, metric: str) -> go.Figure:
    """Users down, days across, colour = the chosen count (a calendar at a glance)."""
    rows = calendar.with_columns(pl.col("user_name").fill_null(t("unassigned")))
    users = rows.select("user_name").unique(maintain_order=True)["user_name"].to_list()
    planned = [day for day in rows["planned_date"].to_list() if day is not None]
    # Every day of the span, so each cell is one day wide whether or not it had events.
    days = (
        [
            min(planned) + timedelta(days=offset)
            for offset in range((max(planned) - min(planned)).days + 1)
        ]
        if planned
        else []
    )
    values = {
        (user, day): value
        for user, day, value in rows.select("user_name", "planned_date", metric).iter_rows()
    }
    z = [[values.get((user, day), 0) for day in days] for user in users]
    figure = go.Figure(
        go.Heatmap(
            x=[format_day(day) for day in days],
            y=users,
            z=z,
            colorscale="Reds" if metric == "interactions_overdue" else "Blues",
            hovertemplate="%{y}, %{x}: %{z}<extra></extra>",
            xgap=2,
            ygap=2,
            colorbar={"title": t(metric)},
        )
    )
    return _layout(
        figure,
        height=max(220, 36 * len(users) + 120),
        xaxis={"type": "category", "nticks": 16},
        yaxis={"autorange": "reversed"},
    )


def on_time_chart(fulfilment: pl.DataFrame, kind: str) -> go.Figure:
    """Orders per month of ordering: shipped (or paid) on time, late, or not yet / no plan."""
    months = every_month(fulfilment["month"].to_list())
    figure = go.Figure()
    for column, name, color in (
        (f"{kind}_on_time", t("on_time"), _WON_COLOR),
        (f"{kind}_late", t("late"), _LOST_COLOR),
        (f"{kind}_unknown", t("not_yet"), "#9e9e9e"),
    ):
        figure.add_trace(
            go.Bar(
                name=name,
                x=[format_month(month) for month in months],
                y=_per_month(months, fulfilment, "month", column),
                marker_color=color,
            )
        )
    return _whole_ticks(
        _layout(
            figure,
            barmode="stack",
            height=300,
            xaxis=_month_axis(months, title=t("month")),
            yaxis=_count_axis(t("orders")),
        )
    )


def debt_ageing_chart(ageing: pl.DataFrame, top: int = 15) -> go.Figure:
    """Overdue debt of the partners owing most, stacked by ageing bucket (clickable partner)."""
    totals = (
        ageing.group_by("partner_id", "partner_name")
        .agg(pl.col("overdue_amount").sum())
        .sort("overdue_amount", "partner_name", descending=[True, False])
        .head(top)
    )
    order = totals.reverse()["partner_name"].to_list()
    chosen = ageing.filter(pl.col("partner_id").is_in(totals["partner_id"].to_list()))
    figure = go.Figure()
    for bucket, color in _BUCKET_COLORS.items():
        bucket_rows = chosen.filter(pl.col("ageing_bucket") == bucket)
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=t("overdue_days_bucket", bucket=bucket),
                y=bucket_rows["partner_name"].to_list(),
                x=bucket_rows["overdue_amount"].to_list(),
                customdata=bucket_rows["partner_id"].to_list(),
                marker_color=color,
                hovertemplate="%{y}: %{x:,.2f}<extra>" + bucket + "</extra>",
            )
        )
    return _layout(
        figure,
        barmode="stack",
        height=max(260, 32 * len(order) + 100),
        xaxis={"title": t("overdue_amount"), "tickformat": ",.0f"},
        yaxis={"categoryorder": "array", "categoryarray": order},
        clickmode="event+select",
    )


def region_chart(regions: pl.DataFrame) -> go.Figure:
    """Revenue and margin per business region (clickable: customdata is the region id)."""
    # Horizontal bars: region names read left of their bars, however long or many.
    rows = regions.sort("revenue_amount", descending=False, nulls_last=False)
    names = _names(rows["business_region_name"])
    ids = rows["business_region_id"].to_list()
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            orientation="h",
            name=t("revenue"),
            y=names,
            x=rows["revenue_amount"].to_list(),
            customdata=ids,
            marker_color=_IN_PROGRESS_COLOR,
        )
    )
    figure.add_trace(
        go.Bar(
            orientation="h",
            name=t("margin"),
            y=names,
            x=rows["margin_amount"].to_list(),
            customdata=ids,
            marker_color=_WON_COLOR,
            text=_share_text(rows["margin_share"]),
            textposition="outside",
        )
    )
    return _layout(
        figure,
        barmode="group",
        height=max(300, 56 * len(names) + 100),
        xaxis={"title": t("amount"), "tickformat": ",.0f"},
        yaxis={"automargin": True},
        clickmode="event+select",
    )


def industry_sales_chart(sales: pl.DataFrame) -> go.Figure:
    """Won amount per industry (horizontal bars, largest on top), each bar labelled with its
    deals won and win rate; ``sales`` is `queries.efficiency(..., by="industry")`. A null
    industry reads "not set"."""
    rows = sales.sort("won_amount", descending=False)
    names = [t("industry_not_set") if value is None else str(value) for value in rows["group_name"]]
    labels = [
        f"{format_number(won)} · {format_percent(rate)}"
        for won, rate in zip(rows["deals_won"], rows["win_rate"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            name=t("won_amount"),
            y=names,
            x=rows["won_amount"].to_list(),
            text=labels,
            textposition="outside",
            marker_color=_WON_COLOR,
            hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )
    return _layout(
        figure,
        height=max(260, 48 * len(names) + 100),
        xaxis={"title": t("won_amount"), "tickformat": ",.0f", "rangemode": "tozero"},
        yaxis={"automargin": True},
        showlegend=False,
    )


def region_treemap(regions: pl.DataFrame) -> go.Figure:
    """Regions sized by revenue, coloured by margin share."""
    names = _names(regions["business_region_name"])
    figure = go.Figure(
        go.Treemap(
            labels=names,
            parents=[""] * len(names),
            values=regions["revenue_amount"].to_list(),
            marker={
                "colors": [share or 0 for share in regions["margin_share"].to_list()],
                "colorscale": "RdYlGn",
                "colorbar": {"title": t("margin_share"), "tickformat": ".1%"},
            },
            text=[
                f"{format_number(revenue)}<br>{format_percent(share)}"
                for revenue, share in zip(
                    regions["revenue_amount"], regions["margin_share"], strict=True
                )
            ],
            textinfo="label+text",
            hovertemplate="%{label}<br>%{text}<extra></extra>",
        )
    )
    return _layout(figure, height=360)


def gis_daily_chart(daily: pl.DataFrame) -> go.Figure:
    """Documents per day stacked by latest status group (clickable: customdata is the group)."""
    figure = go.Figure()
    for group, color in _STATUS_GROUP_COLORS.items():
        group_rows = daily.filter(pl.col("status_group") == group)
        if group_rows.is_empty():
            continue
        figure.add_trace(
            go.Bar(
                name=label("status_group", group),
                x=group_rows["exchange_date"].to_list(),
                y=group_rows["documents"].to_list(),
                customdata=group_rows["status_group"].to_list(),
                marker_color=color,
            )
        )
    return _whole_ticks(
        _layout(
            figure,
            barmode="stack",
            height=320,
            xaxis={"title": t("day"), "tickformat": "%d.%m.%Y", "type": "date"},
            yaxis=_count_axis(t("documents")),
            clickmode="event+select",
        )
    )


_PENDING_WITH_COLORS = {"us": _LOST_COLOR, "counterparty": _IN_PROGRESS_COLOR, "system": "#9e9e9e"}


def gis_backlog_chart(backlog: pl.DataFrame, top: int = 10) -> go.Figure:
    """Open GIS documents of the counterparties with most of them, stacked by whose move it is
    (ours first); a counterparty reads as its partner's name, else its ИНН / GIS id."""
    named = backlog.with_columns(
        pl.coalesce("partner_name", "counterparty_key", pl.lit(t("not_set"))).alias("counterparty")
    )
    totals = (
        named.group_by("counterparty")
        .agg(pl.col("open_documents").sum())
        .sort("open_documents", "counterparty", descending=[True, False])
        .head(top)
    )
    order = totals.reverse()["counterparty"].to_list()
    chosen = named.filter(pl.col("counterparty").is_in(order))
    figure = go.Figure()
    for pending_with, color in _PENDING_WITH_COLORS.items():
        rows = (
            chosen.filter(pl.col("pending_with") == pending_with)
            .group_by("counterparty")
            .agg(pl.col("open_documents").sum())
            .sort("counterparty")
        )
        if rows.is_empty():
            continue
        name = label("gis_pending_with", pending_with)
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=name,
                y=rows["counterparty"].to_list(),
                x=rows["open_documents"].to_list(),
                marker_color=color,
                hovertemplate="%{y}: %{x:,d}<extra>" + name + "</extra>",
            )
        )
    # Stacked bars list their legend in reverse unless told: ours first, as they are stacked.
    figure.update_layout(legend_traceorder="normal")
    return _whole_ticks(
        _layout(
            figure,
            barmode="stack",
            height=max(240, 32 * len(order) + 100),
            xaxis=_count_axis(t("open_documents")),
            yaxis={"categoryorder": "array", "categoryarray": order},
        ),
        axis="xaxis",
    )


def forecast_chart(forecast: pl.DataFrame) -> go.Figure:
    """Potential vs weighted (probability-adjusted) amount of the open deals per group."""
    names = _names(forecast["group_name"])
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name=t("potential_amount"),
            x=names,
            y=forecast["potential_amount"].to_list(),
            marker_color="#90caf9",
        )
    )
    figure.add_trace(
        go.Bar(
            name=t("weighted_amount"),
            x=names,
            y=forecast["weighted_amount"].to_list(),
            marker_color=_IN_PROGRESS_COLOR,
            text=_share_text(forecast["weighted_share"]),
            textposition="outside",
        )
    )
    return _layout(
        figure, barmode="group", height=320, yaxis={"title": t("amount"), "tickformat": ",.0f"}
    )


# -- client base (Анализ клиентской базы) ---------------------------------------------------

ABC_CLASSES = ("A", "B", "C")
# XYZ classes, then customers with too short a history for one (xyz_class null).
XYZ_CLASSES = ("X", "Y", "Z", None)


def xyz_label(xyz_class: str | None) -> str:
    return xyz_class if xyz_class is not None else t("xyz_not_enough_history")


def abc_xyz_heatmap(matrix: pl.DataFrame, metric: str = "customers") -> go.Figure:
    """ABC down, XYZ across, colour and text = customers (or revenue) in the cell."""
    values = {
        (abc, xyz): value
        for abc, xyz, value in matrix.select("abc_class", "xyz_class", metric).iter_rows()
    }
    z = [[values.get((abc, xyz), 0) or 0 for xyz in XYZ_CLASSES] for abc in ABC_CLASSES]
    text = [
        [
            format_number(value, decimals=0)
            if metric == "customers"
            else format_compact(value, money=True)
            for value in row
        ]
        for row in z
    ]
    figure = go.Figure(
        go.Heatmap(
            x=[xyz_label(xyz) for xyz in XYZ_CLASSES],
            y=list(ABC_CLASSES),
            z=z,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            hovertemplate="%{y}%{x}: %{text}<extra></extra>",
            xgap=3,
            ygap=3,
            showscale=False,
        )
    )
    return _layout(
        figure,
        height=300,
        xaxis={"type": "category", "title": t("xyz_class"), "side": "top"},
        yaxis={"type": "category", "title": t("abc_class"), "autorange": "reversed"},
    )


def customer_lifecycle_chart(by_month: pl.DataFrame) -> go.Figure:
    """Per month: active customers as bars, with new, returned and lost beside them."""
    months = every_month(by_month["month"].to_list())
    figure = go.Figure()
    for column, color in (
        ("active_customers", _IN_PROGRESS_COLOR),
        ("new_customers", _WON_COLOR),
        ("returned_customers", "#f9a825"),
        ("lost_customers", _LOST_COLOR),
    ):
        figure.add_trace(
            go.Bar(
                name=t(column),
                x=[format_month(month) for month in months],
                y=_per_month(months, by_month, "month", column),
                marker_color=color,
            )
        )
    return _whole_ticks(
        _layout(
            figure,
            barmode="group",
            height=320,
            xaxis=_month_axis(months, title=t("month")),
            yaxis=_count_axis(t("customers")),
        )
    )


def returns_chart(returns: pl.DataFrame) -> go.Figure:
    """Requested and received amounts per group (reason, product, partner or month)."""
    rows = returns.sort("requested_amount", descending=False)
    names = _names(rows["group_name"])
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            orientation="h",
            name=t("requested_amount"),
            y=names,
            x=rows["requested_amount"].to_list(),
            marker_color=_IN_PROGRESS_COLOR,
        )
    )
    figure.add_trace(
        go.Bar(
            orientation="h",
            name=t("received_amount"),
            y=names,
            x=rows["received_amount"].to_list(),
            marker_color=_LOST_COLOR,
            text=_share_text(rows["received_share"]),
            textposition="outside",
        )
    )
    return _layout(
        figure,
        barmode="group",
        height=max(300, 56 * len(names) + 100),
        xaxis={"title": t("amount"), "tickformat": ",.0f"},
        yaxis={"automargin": True},
    )


def portal_adoption_chart(adoption: pl.DataFrame) -> go.Figure:
    """The portal's share of claims and of return requests per month (no requests: a gap)."""
    months = every_month(adoption["month"].to_list())
    labels = [format_month(month) for month in months]
    figure = go.Figure()
    for column, name, color in (
        ("portal_claim_share", t("portal_claim_share"), _IN_PROGRESS_COLOR),
        ("portal_return_share", t("portal_return_share_long"), _WON_COLOR),
    ):
        shares = dict(zip(adoption["month"], adoption[column], strict=True))
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[shares.get(month) for month in months],
                connectgaps=False,
                name=name,
                mode="lines+markers",
                marker_color=color,
            )
        )
    return _layout(
        figure,
        height=300,
        xaxis=_month_axis(months, title=t("month")),
        yaxis={"range": [0, 1.05], "tickformat": ".0%"},
    )


def plan_fact_chart(by_month: pl.DataFrame) -> go.Figure:
    """Plan and actual won amount per month as bars, the month-end forecast as markers."""
    months = every_month(by_month["month"].to_list())
    labels = [format_month(month) for month in months]
    figure = go.Figure(
        [
            go.Bar(
                x=labels,
                y=_per_month(months, by_month, "month", "planned_amount"),
                marker_color="#90a4ae",
                name=t("planned_amount"),
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            ),
            go.Bar(
                x=labels,
                y=_per_month(months, by_month, "month", "won_amount"),
                marker_color=_WON_COLOR,
                name=t("fact_amount"),
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            ),
            go.Scatter(
                x=labels,
                y=_per_month(months, by_month, "month", "forecast_amount"),
                mode="markers",
                marker={"color": _IN_PROGRESS_COLOR, "size": 10, "symbol": "diamond"},
                name=t("forecast_amount"),
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            ),
        ]
    )
    return _layout(
        figure,
        height=320,
        barmode="group",
        xaxis=_month_axis(months, title=t("month")),
        yaxis={"title": t("won_amount"), "tickformat": ",.0f"},
    )
