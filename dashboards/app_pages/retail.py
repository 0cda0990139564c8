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

sales_tab, loyalty_tab, certificates_tab = st.tabs(
    [t("retail_sales"), t("retail_loyalty"), t("retail_certificates")]
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
    if loyalty.is_empty():
        st.info(t("no_data"))
    else:
        last_month = loyalty.filter(pl.col("receipt_month") == pl.col("receipt_month").max())
        active, outstanding, liability = widgets.tile_columns(3)
        active.metric(
            t("retail_active_cardholders"),
            format_number(last_month["active_cardholders"].sum()),
            border=True,
        )
        outstanding.metric(
            t("retail_points_outstanding"),
            format_number(last_month["points_outstanding"].sum()),
            border=True,
        )
        liability.metric(
            t("retail_bonus_liability"),
            format_compact(last_month["bonus_liability"].sum(), money=True),
            border=True,
        )
        widgets.table(
            loyalty,
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
            key="retail_loyalty_table",
            file_stem="retail_loyalty_monthly",
        )

with certificates_tab:
    st.caption(t("retail_certificates_caption"))
    certificates = queries.gift_certificates_by_month(filters)
    if certificates.is_empty():
        st.info(t("no_data"))
    else:
        widgets.table(
            certificates,
            {
                "receipt_month": (t("month"), "month"),
                "sold_amount": (t("retail_certificates_sold"), "amount"),
                "redeemed_amount": (t("retail_certificates_redeemed"), "amount"),
                "outstanding_liability": (t("retail_certificates_liability"), "amount"),
                "sale_receipts_with_certificates": (t("retail_certificate_sales"), "int"),
                "receipts_paid_by_certificates": (t("retail_certificate_redemptions"), "int"),
            },
            key="retail_certificates_table",
            file_stem="retail_gift_certificates",
        )
