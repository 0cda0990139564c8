"""Claims (Претензии): satisfaction by reason, partner, manager, source and month; structure."""

import polars as pl
import streamlit as st

from dashboards import charts, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_days, format_number, format_percent
from dashboards.i18n import t

CLAIM_COLUMNS: dict[str, tuple[str, widgets.ColumnKind]] = {
    "claim_number": (t("claim_number"), "text"),
    "registered_date": (t("registered_date"), "date"),
    "resolved_date": (t("resolved_date"), "date"),
    "status": (t("status"), "text"),
    "result": (t("result"), "text"),
    "claim_reason_name": (t("claim_reason"), "text"),
    "partner_name": (t("partner"), "text"),
    "manager_name": (t("manager"), "text"),
    "source": (t("claim_source"), "text"),
    "claimed_amount": (t("claimed_amount"), "amount"),
    "days_to_resolve": (t("days_to_resolve"), "days"),
}


def _claims(frame: pl.DataFrame) -> pl.DataFrame:
    for column, prefix in (
        ("status", "claim_status"),
        ("result", "claim_result"),
        ("source", "source"),
    ):
        frame = widgets.translate(frame, column, prefix)
    return frame


filters = require_filters()
st.title(t("page_claims"))
widgets.require_marts("marts.fct_claims", "marts.dim_managers")
st.caption(t("claims_caption"))

kpis = queries.claim_kpis(filters).row(0, named=True)
registered, resolved, satisfied, days, amount = widgets.tile_columns(5)
registered.metric(t("claims_registered"), format_number(kpis["claims_registered"]), border=True)
resolved.metric(
    t("claims_resolved"),
    format_number(kpis["claims_resolved"]),
    help=t("claims_open_help", count=format_number(kpis["claims_open"])),
    border=True,
)
satisfied.metric(
    t("satisfied_share"),
    format_percent(kpis["satisfied_share"]),
    help=t("satisfied_share_help"),
    border=True,
)
days.metric(t("median_days_to_resolve"), format_days(kpis["median_days_to_resolve"]), border=True)
amount.metric(t("claimed_amount"), format_compact(kpis["claimed_amount"], money=True), border=True)

satisfaction_tab, structure_tab = st.tabs([t("claim_satisfaction"), t("claim_structure")])

with satisfaction_tab:
    dimensions: dict[queries.ClaimDimension, str] = {
        "claim_reason": t("claim_reason"),
        "parent_claim_reason": t("parent_claim_reason"),
        "partner": t("partner"),
        "manager": t("manager"),
        "source": t("claim_source"),
    }
    by = st.segmented_control(
        t("group_by"),
        list(dimensions),
        format_func=dimensions.__getitem__,
        default="claim_reason",
        key="claims_satisfaction_by",
    )
    by = by or "claim_reason"
    satisfaction = queries.claim_satisfaction(filters, by=by)
    if by == "source":
        satisfaction = widgets.translate(satisfaction, "group_name", "source")
    if satisfaction.is_empty():
        st.info(t("no_data"))
    else:
        chart_column, trend_column = st.columns([3, 2])
        event = chart_column.plotly_chart(
            charts.satisfaction_chart(satisfaction),
            key="claims_satisfaction_chart",
            on_select="rerun",
            selection_mode="points",
        )
        trend_column.subheader(t("by_month"))
        trend_column.plotly_chart(
            charts.satisfaction_trend_chart(queries.claim_satisfaction_by_month(filters))
        )
        widgets.table(
            satisfaction.with_columns(satisfaction["group_name"].fill_null(t("not_set"))),
            {
                "group_name": (dimensions[by], "text"),
                "claims_resolved": (t("claims_resolved"), "int"),
                "claims_satisfied": (t("claims_satisfied"), "int"),
                "satisfied_share": (t("satisfied_share"), "percent"),
                "claimed_amount": (t("claimed_amount"), "amount"),
                "mean_days_to_resolve": (t("mean_days_to_resolve"), "days"),
                "median_days_to_resolve": (t("median_days_to_resolve"), "days"),
            },
            key="claims_satisfaction_table",
            file_stem=f"claim_satisfaction_by_{by}",
        )
        options = dict(
            zip(
                satisfaction["group_key"].to_list(),
                [t("not_set") if name is None else name for name in satisfaction["group_name"]],
                strict=True,
            )
        )
        group_key = widgets.drill_down(
            event,
            f"claims_satisfaction_pick_{by}",
            options,
            t("show_claims_of", group=dimensions[by]),
        )
        if group_key is not None:
            listed = _claims(queries.claims_list(filters, by, group_key, basis="resolved"))
            widgets.table(
                listed,
                CLAIM_COLUMNS,
                key="claims_satisfaction_list",
                file_stem="claims",
            )

with structure_tab:
    structure = queries.claim_structure(filters)
    if structure.is_empty():
        st.info(t("no_data"))
    else:
        chart_column, trend_column = st.columns([2, 3])
        event = chart_column.plotly_chart(
            charts.claim_structure_chart(structure),
            key="claims_structure_chart",
            on_select="rerun",
            selection_mode="points",
        )
        trend_column.subheader(t("by_month"))
        trend_column.plotly_chart(
            charts.claim_trend_chart(queries.claim_structure_by_month(filters))
        )
        widgets.table(
            structure.with_columns(structure["group_name"].fill_null(t("not_set"))),
            {
                "group_name": (t("claim_reason"), "text"),
                "parent_claim_reason_name": (t("parent_claim_reason"), "text"),
                "claims_registered": (t("claims_registered"), "int"),
                "share_of_claims": (t("share_of_claims"), "percent"),
                "claimed_amount": (t("claimed_amount"), "amount"),
            },
            key="claims_structure_table",
            file_stem="claim_structure",
        )
        options = dict(
            zip(
                structure["group_key"].to_list(),
                [t("not_set") if name is None else name for name in structure["group_name"]],
                strict=True,
            )
        )
        reason_key = widgets.drill_down(
            event, "claims_structure_pick", options, t("show_claims_of", group=t("claim_reason"))
        )
        if reason_key is not None:
            listed = _claims(
                queries.claims_list(filters, "claim_reason", reason_key, basis="registered")
            )
            widgets.table(listed, CLAIM_COLUMNS, key="claims_structure_list", file_stem="claims")
