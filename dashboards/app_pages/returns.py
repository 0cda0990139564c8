"""Returns (Возвраты): return requests by reason, product, partner and month; portal adoption."""

from datetime import date

import polars as pl
import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import (
    format_compact,
    format_days,
    format_month,
    format_number,
    format_percent,
)
from dashboards.i18n import t

filters = require_filters()
st.title(t("page_returns"))
widgets.require_marts("marts.rpt_returns", "marts.rpt_portal_adoption")
st.caption(t("returns_caption"))

compare = comparison.for_page(filters)
comparison.show_caption(compare)
kpis = queries.returns_kpis(filters).row(0, named=True)
other = compare.row(queries.returns_kpis) or {}


def money(value: object) -> str:
    return format_compact(value, money=True)


for column, (key, label, show, is_share, help_key) in zip(
    widgets.tile_columns(5),
    [
        ("return_request_count", t("return_requests"), format_number, False, None),
        ("requested_amount", t("requested_amount"), money, False, None),
        ("received_amount", t("received_amount"), money, False, None),
        ("received_share", t("received_share"), format_percent, True, "received_share_help"),
        ("portal_return_share", t("portal_return_share"), format_percent, True, None),
    ],
    strict=True,
):
    compare.metric(
        column,
        label,
        kpis[key],
        other.get(key),
        show,
        ratio=is_share,
        help=t(help_key) if help_key else None,
        # fewer returns are better; the portal's share is neither
        delta_color="off" if key == "portal_return_share" else "inverse",
    )

structure_tab, portal_tab = st.tabs([t("returns_structure"), t("portal_adoption")])

with structure_tab:
    dimensions: dict[queries.ReturnDimension, str] = {
        "return_reason": t("return_reason"),
        "product": t("product"),
        "partner": t("partner"),
        "month": t("month"),
    }
    by = st.segmented_control(
        t("group_by"),
        list(dimensions),
        format_func=dimensions.__getitem__,
        default="return_reason",
        key="returns_by",
    )
    by = by or "return_reason"
    returns = queries.returns_by(filters, by=by)
    other_returns = compare.rerun(queries.returns_by, by=by)
    keys = ["group_key"]
    month_key: str | None = None
    if by == "month":
        # Months line up month with month (a year earlier, March beside March), as other month
        # tables do: the key becomes a date the comparison can shift.
        keys, month_key = ["month"], "month"
        month = pl.col("group_key").str.to_date("%Y-%m-%d", strict=False).alias("month")
        returns = returns.with_columns(
            month,
            pl.col("group_name").map_elements(
                lambda value: format_month(date.fromisoformat(value)), return_dtype=pl.String
            ),
        )
        if other_returns is not None:
            other_returns = other_returns.with_columns(month)
    if returns.is_empty():
        st.info(t("no_data"))
    else:
        st.plotly_chart(charts.returns_chart(returns), key="returns_chart")
        shown, columns = compare.add_deltas(
            returns,
            other_returns,
            keys,
            {
                "group_name": (dimensions[by], "text"),
                "return_request_count": (t("return_requests"), "int"),
                "return_line_count": (t("return_lines"), "int"),
                "requested_quantity": (t("requested_quantity"), "int"),
                "requested_amount": (t("requested_amount"), "amount"),
                "rejected_amount": (t("rejected_amount"), "amount"),
                "received_quantity": (t("received_quantity"), "int"),
                "received_amount": (t("received_amount"), "amount"),
                "received_share": (t("received_share"), "percent"),
            },
            ["return_request_count", "requested_amount", "received_amount"],
            month_key=month_key,
        )
        widgets.table(
            shown.with_columns(shown["group_name"].fill_null(t("not_set"))).drop(
                "group_key", "month", strict=False
            ),
            columns,
            key="returns_table",
            file_stem=f"returns_by_{by}",
        )

with portal_tab:
    st.caption(t("portal_caption"))
    totals = queries.portal_adoption_totals(filters).row(0, named=True)
    other_totals = compare.row(queries.portal_adoption_totals) or {}
    for column, (key, label, show, is_share, help_key) in zip(
        widgets.tile_columns(5),
        [
            ("claim_count", t("claims_total"), format_number, False, None),
            ("portal_claim_share", t("portal_claim_share"), format_percent, True, None),
            (
                "portal_claim_mean_hours_to_first_response",
                t("mean_hours_to_first_response"),
                format_days,
                False,
                "mean_hours_to_first_response_help",
            ),
            ("portal_return_share", t("portal_return_share_long"), format_percent, True, None),
            (
                "portal_return_mean_hours_to_decision",
                t("mean_hours_to_decision"),
                format_days,
                False,
                "mean_hours_to_decision_help",
            ),
        ],
        strict=True,
    ):
        compare.metric(
            column,
            label,
            totals[key],
            other_totals.get(key),
            show,
            ratio=is_share,
            decimals=0 if is_share or key == "claim_count" else 1,
            help=t(help_key) if help_key else None,
            delta_color="inverse" if "hours" in key else "off",
        )
    adoption = queries.portal_adoption(filters)
    if adoption.is_empty():
        st.info(t("no_data"))
    else:
        st.plotly_chart(charts.portal_adoption_chart(adoption), key="portal_adoption_chart")
        widgets.table(
            adoption,
            {
                "month": (t("month"), "month"),
                "claim_count": (t("claims_total"), "int"),
                "portal_claim_count": (t("portal_claims"), "int"),
                "portal_claim_share": (t("portal_claim_share"), "percent"),
                "portal_claim_median_hours_to_first_response": (
                    t("median_hours_to_first_response"),
                    "hours",
                ),
                "portal_claim_mean_hours_to_first_response": (
                    t("mean_hours_to_first_response"),
                    "hours",
                ),
                "return_request_count": (t("return_requests"), "int"),
                "portal_return_request_count": (t("portal_return_requests"), "int"),
                "portal_return_share": (t("portal_return_share_long"), "percent"),
                "portal_return_median_hours_to_decision": (t("median_hours_to_decision"), "hours"),
                "portal_return_mean_hours_to_decision": (t("mean_hours_to_decision"), "hours"),
            },
            key="portal_adoption_table",
            file_stem="portal_adoption",
        )
