"""Розница: cash-register receipts by store, day, hour and weekday (rpt_retail_sales_hourly)."""

import polars as pl
import streamlit as st

from dashboards import charts_retail, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_number, format_percent
from dashboards.i18n import t

filters = require_filters()
st.title(t("page_retail"))
widgets.require_marts(
    "marts.rpt_retail_sales_hourly",
    "marts.rpt_retail_cardholders",
    "marts.rpt_retail_gift_certificates_monthly",
    "marts.rpt_retail_loyalty_monthly",
    "marts.fct_retail_gift_certificates",
    "marts.rpt_retail_gift_certificate_liability",
    "marts.rpt_retail_gift_certificate_cohorts",
    "marts.fct_retail_marked_goods",
)
st.caption(t("retail_caption"))

stores = tuple(st.multiselect(t("retail_stores"), queries.store_names(), key="stores"))
compare = comparison.for_page(filters)
comparison.show_caption(compare)
kpis = queries.retail_kpis(filters, stores).row(0, named=True)
other = compare.row(queries.retail_kpis, stores) or {}


def money(value: object) -> str:
    return format_compact(value, money=True)


def two_decimals(value: object) -> str:
    return "—" if value is None else f"{value:.2f}"


for column, (key, label, show, is_share, help_key, color) in zip(
    [*widgets.tile_columns(5), *widgets.tile_columns(2)],
    [
        ("revenue", t("retail_revenue"), money, False, None, "normal"),
        ("sale_receipts", t("retail_receipts"), format_number, False, None, "normal"),
        ("average_check", t("retail_average_check"), money, False, None, "normal"),
        ("items_per_receipt", t("retail_items_per_receipt"), two_decimals, False, None, "normal"),
        (
            "returns_share",
            t("retail_returns_share"),
            format_percent,
            True,
            "retail_returns_share_help",
            "inverse",
        ),
        (
            "card_receipt_share",
            t("retail_card_receipt_share"),
            format_percent,
            True,
            None,
            "normal",
        ),
        ("card_sales_share", t("retail_card_sales_share"), format_percent, True, None, "normal"),
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
        decimals=2 if key == "items_per_receipt" else 0,
        help=t(help_key) if help_key else None,
        delta_color=color,
    )

sales_tab, loyalty_tab, certificates_tab, marking_tab = st.tabs(
    [t("retail_sales"), t("retail_loyalty"), t("retail_certificates"), t("retail_marking")]
)

with sales_tab:
    dimensions: dict[queries.RetailDimension, str] = {
        "store": t("retail_store"),
        "day": t("retail_day"),
        "hour": t("retail_hour"),
        "weekday": t("retail_weekday"),
    }
    by = st.segmented_control(
        t("group_by"),
        list(dimensions),
        format_func=dimensions.__getitem__,
        default="store",
        key="retail_by",
    )
    by = by or "store"
    rows = queries.retail_by(filters, by=by, stores=stores)
    if rows.is_empty():
        st.info(t("no_data"))
    else:
        weekdays = t("retail_weekday_names").split(",")
        names = [
            weekdays[int(key) - 1] if by == "weekday" else f"{key}:00" if by == "hour" else str(key)
            for key in rows["group_key"].to_list()
        ]
        st.plotly_chart(charts_retail.retail_chart(rows, names), key="retail_chart")
        # Days are the trend itself: stores, hours and weekdays get Δ columns.
        shown, columns = compare.add_deltas(
            rows.with_columns(group_name=pl.Series(names)),
            compare.rerun(queries.retail_by, by=by, stores=stores) if by != "day" else None,
            ["group_key"],
            {
                "group_name": (dimensions[by], "text"),
                "revenue": (t("retail_revenue"), "amount"),
                "sale_receipts": (t("retail_receipts"), "int"),
                "average_check": (t("retail_average_check"), "amount"),
                "items_per_receipt": (t("retail_items_per_receipt"), "amount"),
                "returns_share": (t("retail_returns_share"), "percent"),
                "return_receipts": (t("retail_return_receipts"), "int"),
                "gift_certificates_sold_amount": (t("retail_certificates_sold"), "amount"),
                "gift_certificates_redeemed_amount": (t("retail_certificates_redeemed"), "amount"),
            },
            ["revenue", "sale_receipts", "average_check"],
        )
        widgets.table(
            shown,
            columns,
            key="retail_table",
            file_stem=f"retail_by_{by}",
        )

with loyalty_tab:
    st.caption(t("retail_loyalty_caption"))
    totals = queries.cardholder_totals().row(0, named=True)
    holders, repeat, per_holder = widgets.tile_columns(3)
    holders.metric(t("retail_cardholders"), format_number(totals["cardholders"]), border=True)
    repeat.metric(t("retail_repeat_rate"), format_percent(totals["repeat_rate"]), border=True)
    per_holder.metric(
        t("retail_revenue_per_cardholder"),
        format_compact(totals["revenue_per_cardholder"], money=True),
        border=True,
    )
    widgets.table(
        queries.cardholders_by_rfm(),
        {
            "r_score": (t("retail_r_score"), "int"),
            "f_score": (t("retail_f_score"), "int"),
            "cardholders": (t("retail_cardholders"), "int"),
            "revenue": (t("retail_revenue"), "amount"),
        },
        key="retail_rfm_table",
        file_stem="retail_rfm",
    )
    st.caption(t("retail_loyalty_points_caption"))
    loyalty = queries.loyalty_by_month(filters)
    other_loyalty = compare.rerun(queries.loyalty_by_month)
    if loyalty.is_empty():
        st.info(t("no_data"))
    else:

        def last_month(rows: pl.DataFrame | None) -> dict[str, object]:
            """The month-end figures of a period's last month, summed over the programmes."""
            if rows is None or rows.is_empty():
                return {}
            last = rows.filter(pl.col("receipt_month") == pl.col("receipt_month").max())
            return {
                key: last[key].sum()
                for key in ("active_cardholders", "points_outstanding", "bonus_liability")
            }

        closing, other_closing = last_month(loyalty), last_month(other_loyalty)
        for column, (key, show, color) in zip(
            widgets.tile_columns(3),
            [
                ("active_cardholders", format_number, "normal"),
                ("points_outstanding", format_number, "off"),
                ("bonus_liability", money, "off"),
            ],
            strict=True,
        ):
            compare.metric(
                column,
                t(f"retail_{key}"),
                closing[key],
                other_closing.get(key),
                show,
                delta_color=color,
            )
        # Month-end balances (points outstanding, liability) are compared on the tiles only:
        # a month the compared period lacks had flows of 0, its balance unknown.
        shown_loyalty, loyalty_columns = compare.add_deltas(
            loyalty,
            other_loyalty,
            ["receipt_month", "programme_name"],
            {
                "receipt_month": (t("month"), "month"),
                "programme_name": (t("retail_loyalty_programme"), "text"),
                "active_cardholders": (t("retail_active_cardholders"), "int"),
                "card_purchases": (t("retail_card_purchases"), "int"),
                "points_accrued": (t("retail_points_accrued"), "amount"),
                "points_redeemed": (t("retail_points_redeemed"), "amount"),
                "points_adjusted": (t("retail_points_adjusted"), "amount"),
                "points_expired": (t("retail_points_expired"), "amount"),
                "points_outstanding": (t("retail_points_outstanding"), "amount"),
                "bonus_liability": (t("retail_bonus_liability"), "amount"),
            },
            ["active_cardholders", "card_purchases", "points_accrued", "points_redeemed"],
            month_key="receipt_month",
        )
        widgets.table(
            shown_loyalty,
            loyalty_columns,
            key="retail_loyalty_table",
            file_stem="retail_loyalty_monthly",
        )

with certificates_tab:
    st.caption(t("retail_certificates_caption"))
    certificates = queries.gift_certificates_by_month(filters)
    if certificates.is_empty():
        st.info(t("no_data"))
    else:
        shown_certificates, certificate_columns = compare.add_deltas(
            certificates,
            compare.rerun(queries.gift_certificates_by_month),
            ["receipt_month"],
            {
                "receipt_month": (t("month"), "month"),
                "sold_amount": (t("retail_certificates_sold"), "amount"),
                "redeemed_amount": (t("retail_certificates_redeemed"), "amount"),
                "outstanding_liability": (t("retail_certificates_liability"), "amount"),
                "sale_receipts_with_certificates": (t("retail_certificate_sales"), "int"),
                "receipts_paid_by_certificates": (t("retail_certificate_redemptions"), "int"),
            },
            ["sold_amount", "redeemed_amount"],
            month_key="receipt_month",
        )
        widgets.table(
            shown_certificates,
            certificate_columns,
            key="retail_certificates_table",
            file_stem="retail_gift_certificates",
        )
    # Flows over the period; the liability is the balance at the period's end, compared with the
    # balance at the end of the compared period (the same query over its dates).
    liability = queries.gift_certificate_liability(filters).row(0, named=True)
    other_liability = compare.row(queries.gift_certificate_liability) or {}
    for column, (key, label, help_key, color) in zip(
        widgets.tile_columns(4),
        [
            ("sold_amount", "retail_certificates_sold", None, "normal"),
            ("redeemed_amount", "retail_certificates_redeemed", None, "normal"),
            (
                "breakage_amount",
                "retail_certificates_breakage",
                "retail_certificates_breakage_help",
                "off",
            ),
            (
                "outstanding_liability",
                "retail_certificates_outstanding",
                "retail_certificates_outstanding_help",
                "off",
            ),
        ],
        strict=True,
    ):
        compare.metric(
            column,
            t(label),
            liability[key],
            other_liability.get(key),
            money,
            help=t(help_key) if help_key else None,
            delta_color=color,
        )
    statuses = queries.gift_certificate_statuses()
    if not statuses.is_empty():
        widgets.table(
            statuses,
            {
                "certificate_status": (t("retail_certificate_status"), "text"),
                "certificates": (t("retail_certificates_count"), "int"),
                "nominal": (t("retail_certificates_nominal"), "amount"),
                "redeemed_amount": (t("retail_certificates_redeemed"), "amount"),
                "breakage_amount": (t("retail_certificates_breakage"), "amount"),
                "outstanding_amount": (t("retail_certificates_outstanding"), "amount"),
            },
            key="retail_certificate_statuses_table",
            file_stem="retail_gift_certificate_statuses",
        )
    st.subheader(t("retail_certificate_cohorts"))
    cohorts = queries.gift_certificate_cohorts(filters)
    if cohorts.is_empty():
        st.info(t("no_data"))
    else:
        widgets.table(
            cohorts,
            {
                "sale_month": (t("retail_certificate_sale_month"), "month"),
                "months_since_sale": (t("retail_certificate_months_since_sale"), "int"),
                "certificates_sold": (t("retail_certificates_count"), "int"),
                "cohort_sold_amount": (t("retail_certificates_sold"), "amount"),
                "redeemed_amount": (t("retail_certificates_redeemed"), "amount"),
                "cumulative_redeemed_share": (t("retail_certificate_redeemed_share"), "percent"),
            },
            key="retail_certificate_cohorts_table",
            file_stem="retail_gift_certificate_cohorts",
        )

with marking_tab:
    st.caption(t("retail_marking_caption"))
    marking = queries.marked_goods_by_status(filters)
    counts = dict(zip(marking["reconciliation_status"], marking["codes"], strict=True))
    matched, unreported, unsold, not_reintroduced = widgets.tile_columns(4)
    matched.metric(
        t("retail_marking_matched"), format_number(counts.get("matched", 0)), border=True
    )
    unreported.metric(
        t("retail_marking_sold_not_withdrawn"),
        format_number(counts.get("sold_not_withdrawn", 0)),
        border=True,
    )
    unsold.metric(
        t("retail_marking_withdrawn_not_sold"),
        format_number(counts.get("withdrawn_not_sold", 0)),
        border=True,
    )
    not_reintroduced.metric(
        t("retail_marking_returned_not_reintroduced"),
        format_number(counts.get("returned_not_reintroduced", 0)),
        border=True,
    )
    differences = queries.marked_goods_differences(filters)
    if differences.is_empty():
        st.info(t("no_data"))
    else:
        widgets.table(
            differences,
            {
                "marking_code": (t("retail_marking_code"), "text"),
                "reconciliation_status": (t("retail_marking_status"), "text"),
                "last_receipt_key": (t("retail_marking_receipt"), "text"),
                "last_operation": (t("retail_marking_operation"), "text"),
                "last_receipt_date": (t("retail_day"), "date"),
                "withdrawal_document_id": (t("retail_marking_document"), "text"),
                "withdrawn_date": (t("retail_marking_withdrawn_date"), "date"),
                "has_refused_withdrawal": (t("retail_marking_refused"), "bool"),
            },
            key="retail_marking_table",
            file_stem="retail_marked_goods_differences",
        )
