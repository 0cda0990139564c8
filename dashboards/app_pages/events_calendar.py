"""Events calendar (Календарь событий): interactions per responsible user and planned day."""

import dataclasses

import polars as pl
import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import is_default_period, require_filters
from dashboards.formatting import format_date, format_number
from dashboards.i18n import label, t

filters = require_filters()
st.title(t("page_events_calendar"))
widgets.require_marts("marts.rpt_events_calendar", "marts.dim_managers")
st.caption(t("events_caption"))
# A calendar looks ahead: with the default period, the planned future is shown too.
last_planned = queries.last_planned_event_date()
if is_default_period() and last_planned and filters.end and last_planned > filters.end:
    filters = dataclasses.replace(filters, end=last_planned)
    st.caption(t("events_period", start=format_date(filters.start), end=format_date(filters.end)))

COUNTS = [
    "interactions_total",
    "interactions_planned",
    "interactions_done",
    "interactions_overdue",
    "interactions_cancelled",
    "interactions_unreviewed",
]

calendar = queries.events_calendar(filters)
if calendar.is_empty():
    st.info(t("no_data"))
    st.stop()
calendar = calendar.with_columns(calendar["user_name"].fill_null(t("unassigned")))

LOWER_IS_BETTER = ("interactions_overdue", "interactions_unreviewed")
compare = comparison.for_page(filters)
comparison.show_caption(compare)
other_calendar = compare.rerun(queries.events_calendar)
for column, count in zip(widgets.tile_columns(len(COUNTS)), COUNTS, strict=True):
    compare.metric(
        column,
        t(count),
        int(calendar[count].sum()),
        int(other_calendar[count].sum()) if other_calendar is not None else None,
        format_number,
        delta_color="inverse"
        if count in ("interactions_overdue", "interactions_unreviewed")
        else "off",
    )

metric = st.segmented_control(
    t("show"),
    COUNTS[1:],
    format_func=t,
    default="interactions_overdue",
    key="events_metric",
)
st.plotly_chart(charts.events_heatmap(calendar, metric or "interactions_overdue"))

# The interactions behind the overdue and unreviewed counts: who, what, since when.
if not queries.missing_tables(queries.INTERACTIONS_MART):
    st.subheader(t("attention_interactions"))
    attention = queries.attention_interactions(filters)
    if attention.is_empty():
        st.success(t("no_attention_interactions"))
    else:
        attention = attention.with_columns(
            attention["user_name"].fill_null(t("unassigned")),
            pl.concat_str(
                [
                    pl.col("interaction_kind").replace_strict(
                        {
                            kind: label("interaction_kind", kind)
                            for kind in attention["interaction_kind"].unique().to_list()
                            if kind is not None
                        },
                        default=None,
                        return_dtype=pl.String,
                    ),
                    pl.col("interaction_topic_name"),
                    pl.col("summary"),
                ],
                separator=": ",
                ignore_nulls=True,
            ).alias("what"),
            pl.col("status").replace_strict(
                {
                    status: label("interaction_status", status)
                    for status in attention["status"].unique().to_list()
                    if status is not None
                },
                default=None,
                return_dtype=pl.String,
            ),
        )
        widgets.table(
            attention,
            {
                "user_name": (t("responsible"), "text"),
                "what": (t("interaction_what"), "text"),
                "partner_name": (t("partner"), "text"),
                "planned_at": (t("planned_since"), "datetime"),
                "status": (t("status"), "text"),
                "is_overdue": (t("interactions_overdue"), "bool"),
                "is_unreviewed": (t("interactions_unreviewed"), "bool"),
            },
            key="attention_interactions_table",
            file_stem="interactions_needing_attention",
            links={
                "partner_name": ("partner", "partner_id"),
                "what": ("interaction", "interaction_id"),
            },
        )

by_user = queries.events_by_user(filters)
by_user = by_user.with_columns(by_user["user_name"].fill_null(t("unassigned")))
st.subheader(t("by_user"))
count_columns: dict[str, tuple[str, widgets.ColumnKind]] = {
    count: (t(count), "int") for count in COUNTS
}
by_user_shown, by_user_columns = compare.add_deltas(
    by_user,
    compare.rerun(queries.events_by_user),
    ["user_id"],
    {"user_name": (t("responsible"), "text"), "days_with_events": (t("days"), "int")}
    | count_columns,
    ["interactions_total", "interactions_done", "interactions_overdue"],
)
widgets.table(
    by_user_shown,
    by_user_columns,
    key="events_by_user_table",
    file_stem="events_by_user",
)
st.subheader(t("by_day"))
widgets.table(
    calendar,
    {"user_name": (t("responsible"), "text"), "planned_date": (t("day"), "date")} | count_columns,
    key="events_calendar_table",
    file_stem="events_calendar",
)
