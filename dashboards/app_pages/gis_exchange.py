"""GIS exchange health (ЕГАИС, ВетИС/Меркурий, Честный ЗНАК): first what an operator must fix
today (the open documents whose move is ours), then volumes, rejections and error codes."""

import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_days, format_number, format_percent
from dashboards.i18n import gis_document_type, gis_error, gis_status, label, t

filters = require_filters()
st.title(t("page_gis_exchange"))
widgets.require_marts(
    "marts.fct_gis_documents",
    "marts.rpt_gis_exchange_daily",
    "marts.rpt_gis_error_codes",
    "marts.fct_gis_document_lifecycles",
    "marts.rpt_gis_open_backlog",
    "marts.fct_orders",
    "marts.dim_partners",
)
st.caption(t("gis_caption"))

systems = tuple(
    st.multiselect(
        t("gis_system"),
        list(queries.GIS_SYSTEMS),
        format_func=lambda system: label("system", system),
        key="gis_systems",
        placeholder=t("all"),
    )
)

st.subheader(t("gis_to_fix_today"))
st.caption(t("gis_to_fix_caption"))
backlog = queries.gis_backlog_kpis(systems).row(0, named=True)
for column, (caption, value) in zip(
    widgets.tile_columns(4, per_row=4),
    [
        (t("gis_pending_with_us"), format_number(backlog["pending_with_us"])),
        (t("gis_pending_with_counterparty"), format_number(backlog["pending_with_counterparty"])),
        (t("gis_pending_with_system"), format_number(backlog["pending_with_system"])),
        (t("gis_oldest_with_us"), format_number(backlog["max_days_open_with_us"])),
    ],
    strict=True,
):
    column.metric(caption, value, border=True)
to_fix = queries.gis_open_documents(systems, pending_with="us")
if to_fix.is_empty():
    st.success(t("gis_nothing_to_fix"))
else:
    to_fix = widgets.translate(to_fix, "system", "system")
    to_fix = widgets.translate(to_fix, "lifecycle_state", "gis_state")
    to_fix = widgets.describe(to_fix, "document_type", gis_document_type)
    widgets.table(
        to_fix,
        {
            "days_open": (t("days_open"), "int"),
            "lifecycle_state": (t("lifecycle_state"), "text"),
            "partner_name": (t("partner"), "text"),
            "order_number": (t("order_number"), "text"),
            "reference": (t("reference"), "text"),
            "system": (t("gis_system"), "text"),
            "document_type": (t("document_type"), "text"),
            "document_id": (t("document_id"), "text"),
            "counterparty_key": (t("counterparty_key"), "text"),
            "organization_inn": (t("organization_inn"), "text"),
            "opened_at": (t("opened_at"), "datetime"),
        },
        key="gis_to_fix_table",
        file_stem="gis_to_fix_today",
    )
by_counterparty = queries.gis_backlog_by_counterparty(systems)
if not by_counterparty.is_empty():
    st.markdown(f"**{t('gis_backlog_by_counterparty')}**")
    st.plotly_chart(charts.gis_backlog_chart(by_counterparty), key="gis_backlog_chart")

kpis = queries.gis_kpis(filters, systems).row(0, named=True)
if not kpis["documents"]:
    st.info(t("no_data"))
    st.stop()
compare = comparison.for_page(filters)
comparison.show_caption(compare)
other = compare.row(queries.gis_kpis, systems) or {}
for column, (key, caption, show, is_share) in zip(
    widgets.tile_columns(5),
    [
        ("documents", t("documents"), format_number, False),
        ("rejection_rate", t("rejection_rate"), format_percent, True),
        ("error_rate", t("error_rate"), format_percent, True),
        ("open_backlog", t("open_backlog"), format_number, False),
        ("median_hours_to_acceptance", t("median_hours_to_acceptance"), format_days, False),
    ],
    strict=True,
):
    compare.metric(
        column,
        caption,
        kpis[key],
        other.get(key),
        show,
        ratio=is_share,
        decimals=1 if key == "median_hours_to_acceptance" else 0,
        delta_color="off" if key == "documents" else "inverse",
    )

st.subheader(t("documents_by_day"))
event = st.plotly_chart(
    charts.gis_daily_chart(queries.gis_daily(filters, systems)),
    key="gis_daily_chart",
    on_select="rerun",
    selection_mode="points",
)
groups = {group: label("status_group", group) for group in charts.STATUS_GROUPS}
status_group = widgets.drill_down(event, "gis_status_pick", groups, t("show_documents_in_status"))
if status_group is not None:
    documents = widgets.translate(
        queries.gis_documents(filters, systems, status_group), "system", "system"
    )
    documents = widgets.describe(documents, "document_type", gis_document_type)
    documents = widgets.describe(documents, "latest_status", gis_status)
    documents = widgets.describe(documents, "latest_error_code", gis_error)
    widgets.table(
        documents,
        {
            "system": (t("gis_system"), "text"),
            "document_id": (t("document_id"), "text"),
            "document_type": (t("document_type"), "text"),
            "reference": (t("reference"), "text"),
            "latest_status": (t("status"), "text"),
            "latest_error_code": (t("gis_error"), "text"),
            "first_event_at": (t("first_event_at"), "datetime"),
            "accepted_at": (t("accepted_at"), "datetime"),
            "hours_to_acceptance": (t("hours_to_acceptance"), "hours"),
        },
        key="gis_documents_table",
        file_stem="gis_documents",
    )

st.subheader(t("by_document_type"))
by_type, type_columns = compare.add_deltas(
    queries.gis_by_document_type(filters, systems),
    compare.rerun(queries.gis_by_document_type, systems),
    ["system", "document_type"],
    {
        "system": (t("gis_system"), "text"),
        "document_type": (t("document_type"), "text"),
        "documents": (t("documents"), "int"),
        "documents_accepted": (t("status_group_accepted"), "int"),
        "documents_rejected": (t("status_group_rejected"), "int"),
        "documents_error": (t("status_group_error"), "int"),
        "open_backlog": (t("open_backlog"), "int"),
        "rejection_rate": (t("rejection_rate"), "percent"),
        "error_rate": (t("error_rate"), "percent"),
        "mean_hours_to_acceptance": (t("mean_hours_to_acceptance"), "hours"),
    },
    ["documents", "rejection_rate", "error_rate"],
)
widgets.table(
    widgets.describe(
        widgets.translate(by_type, "system", "system"), "document_type", gis_document_type
    ),
    type_columns,
    key="gis_types_table",
    file_stem="gis_by_document_type",
)

st.subheader(t("top_error_codes"))
st.caption(t("top_error_codes_caption"))
errors = queries.gis_error_codes(systems)
if errors.is_empty():
    st.info(t("no_data"))
else:
    widgets.table(
        widgets.describe(widgets.translate(errors, "system", "system"), "error_code", gis_error),
        {
            "system": (t("gis_system"), "text"),
            "rank_in_system": (t("rank"), "int"),
            "error_code": (t("gis_error"), "text"),
            "error_events": (t("error_events"), "int"),
            "documents_affected": (t("documents_affected"), "int"),
            "first_seen_at": (t("first_seen_at"), "datetime"),
            "last_seen_at": (t("last_seen_at"), "datetime"),
        },
        key="gis_errors_table",
        file_stem="gis_error_codes",
    )
