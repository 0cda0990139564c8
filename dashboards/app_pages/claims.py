"""Claims (Претензии): satisfaction by reason, partner, manager, source and month; structure."""

import polars as pl
import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import (
    MISSING,
    format_compact,
    format_days,
    format_number,
    format_percent,
)
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

compare = comparison.for_page(filters)
comparison.show_caption(compare)
kpis = queries.claim_kpis(filters).row(0, named=True)
other = compare.row(queries.claim_kpis) or {}
registered, resolved, satisfied, days, amount = widgets.tile_columns(5)
compare.metric(
    registered,
    t("claims_registered"),
    kpis["claims_registered"],
    other.get("claims_registered"),
    format_number,
    delta_color="inverse",  # fewer claims is better
)
compare.metric(
    resolved,
    t("claims_resolved"),
    kpis["claims_resolved"],
    other.get("claims_resolved"),
    format_number,
    help=t("claims_open_help", count=format_number(kpis["claims_open"])),
)
compare.metric(
    satisfied,
    t("satisfied_share"),
    kpis["satisfied_share"],
    other.get("satisfied_share"),
    format_percent,
    ratio=True,
    help=t("satisfied_share_help"),
)
compare.metric(
    days,
    t("median_days_to_resolve"),
    kpis["median_days_to_resolve"],
    other.get("median_days_to_resolve"),
    format_days,
    decimals=1,
    delta_color="inverse",  # faster is better
)
compare.metric(
    amount,
    t("claimed_amount"),
    kpis["claimed_amount"],
    other.get("claimed_amount"),
    lambda value: format_compact(value, money=True),
    delta_color="inverse",
)

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
    other_satisfaction = compare.rerun(queries.claim_satisfaction, by=by)
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
        shown, columns = compare.add_deltas(
            satisfaction,
            other_satisfaction,
            ["group_key"],
            {
                "group_name": (dimensions[by], "text"),
                "claims_resolved": (t("claims_resolved"), "int"),
                "claims_satisfied": (t("claims_satisfied"), "int"),
                "satisfied_share": (t("satisfied_share"), "percent"),
                "claimed_amount": (t("claimed_amount"), "amount"),
                "mean_days_to_resolve": (t("mean_days_to_resolve"), "days"),
                "median_days_to_resolve": (t("median_days_to_resolve"), "days"),
            },
            ["claims_resolved", "satisfied_share", "median_days_to_resolve"],
        )
        widgets.table(
            shown.with_columns(shown["group_name"].fill_null(t("not_set"))),
            columns,
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
    # The report as the mart states it (Структура возникновения претензий), month by month.
    if not queries.missing_tables("marts.rpt_claim_structure"):
        st.subheader(t("claim_structure_report"))
        st.caption(t("claim_structure_report_caption"))
        widgets.show_or_no_data(
            queries.claim_structure_report(filters).with_columns(
                pl.col("claim_reason_name").fill_null(t("not_set")),
                pl.col("parent_claim_reason_name").fill_null(MISSING),
            ),
            lambda report: widgets.table(
                report,
                {
                    "month": (t("month"), "month"),
                    "claim_reason_name": (t("claim_reason"), "text"),
                    "parent_claim_reason_name": (t("parent_claim_reason"), "text"),
                    "claims_registered": (t("claims_registered"), "int"),
                    "share_of_month": (t("share_of_month"), "percent"),
                    "parent_share_of_month": (t("parent_share_of_month"), "percent"),
                    "change_from_previous_month": (t("change_from_previous_month"), "int"),
                    "claimed_amount": (t("claimed_amount"), "amount"),
                },
                key="claim_structure_report_table",
                file_stem="claim_structure_by_month",
            ),
        )

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
        shown, columns = compare.add_deltas(
            structure,
            compare.rerun(queries.claim_structure),
            ["group_key"],
            {
                "group_name": (t("claim_reason"), "text"),
                "parent_claim_reason_name": (t("parent_claim_reason"), "text"),
                "claims_registered": (t("claims_registered"), "int"),
                "share_of_claims": (t("share_of_claims"), "percent"),
                "claimed_amount": (t("claimed_amount"), "amount"),
            },
            ["claims_registered", "share_of_claims"],
        )
        widgets.table(
            shown.with_columns(shown["group_name"].fill_null(t("not_set"))),
            columns,
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
