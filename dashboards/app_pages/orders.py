"""Orders and debt: planned vs actual shipment and payment, debt and overdue debt by partner."""

import polars as pl
import streamlit as st

from dashboards import charts, charts_invoices, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import (
    format_compact,
    format_day,
    format_days,
    format_number,
    format_percent,
)
from dashboards.i18n import t

filters = require_filters()
st.title(t("page_orders"))
widgets.require_marts("marts.fct_orders", "marts.rpt_debt_ageing", "marts.dim_partners")
st.caption(t("orders_caption"))

compare = comparison.for_page(filters)
comparison.show_caption(compare)
kpis = queries.order_kpis(filters).row(0, named=True)
other = compare.row(queries.order_kpis) or {}


def money(value: object) -> str:
    return format_compact(value, money=True)


for column, (key, label, show, is_share) in zip(
    widgets.tile_columns(6),
    [
        ("orders", t("orders"), format_number, False),
        ("ordered_amount", t("ordered_amount"), money, False),
        ("shipped_amount", t("shipped_amount"), money, False),
        ("paid_amount", t("paid_amount"), money, False),
        ("shipped_on_time_share", t("shipped_on_time_share"), format_percent, True),
        ("paid_on_time_share", t("paid_on_time_share"), format_percent, True),
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
        help=t("on_time_help") if is_share else None,
    )

fulfilment = queries.order_fulfilment_by_month(filters)
if fulfilment.is_empty():
    st.info(t("no_data"))
else:
    shipment_column, payment_column = st.columns(2)
    shipment_column.subheader(t("shipment_plan_vs_actual"))
    shipment_column.plotly_chart(charts.on_time_chart(fulfilment, "shipped"), key="shipment_chart")
    payment_column.subheader(t("payment_plan_vs_actual"))
    payment_column.plotly_chart(charts.on_time_chart(fulfilment, "paid"), key="payment_chart")
    fulfilment_shown, fulfilment_columns = compare.add_deltas(
        fulfilment,
        compare.rerun(queries.order_fulfilment_by_month),
        ["month"],
        {
            "month": (t("month"), "month"),
            "orders": (t("orders"), "int"),
            "shipped_on_time": (t("shipped_on_time"), "int"),
            "shipped_late": (t("shipped_late"), "int"),
            "shipped_unknown": (t("shipped_unknown"), "int"),
            "paid_on_time": (t("paid_on_time"), "int"),
            "paid_late": (t("paid_late"), "int"),
            "paid_unknown": (t("paid_unknown"), "int"),
            "ordered_amount": (t("ordered_amount"), "amount"),
            "shipped_amount": (t("shipped_amount"), "amount"),
            "paid_amount": (t("paid_amount"), "amount"),
        },
        ["orders", "shipped_amount", "paid_amount"],
        month_key="month",
    )
    widgets.table(
        fulfilment_shown,
        fulfilment_columns,
        key="fulfilment_table",
        file_stem="orders_by_month",
    )

# Счета на оплату (issue 25); an older publication without the mart leaves the section out.
st.header(t("invoices_header"))
st.caption(t("invoices_caption"))
if queries.missing_tables("marts.fct_invoices"):
    st.info(t("mart_missing", tables="marts.fct_invoices"))
else:
    invoice_kpis = queries.invoice_kpis(filters).row(0, named=True)
    other_invoices = compare.row(queries.invoice_kpis) or {}
    for column, (key, label, show, lower_is_better) in zip(
        widgets.tile_columns(5),
        [
            ("invoices", t("invoices_count"), format_number, False),
            ("invoice_amount", t("invoices_invoice_amount"), money, False),
            ("paid_amount", t("invoices_paid_amount"), money, False),
            ("overdue_amount", t("invoices_overdue_amount"), money, True),
            ("mean_days_to_pay", t("invoices_mean_days_to_pay"), format_days, True),
        ],
        strict=True,
    ):
        compare.metric(
            column,
            label,
            invoice_kpis[key],
            other_invoices.get(key),
            show,
            decimals=1 if key == "mean_days_to_pay" else 0,
            delta_color="inverse" if lower_is_better else "normal",
        )
    invoice_months = queries.invoices_by_month(filters)
    ages = queries.unpaid_invoices_by_age(filters)
    months_column, ages_column = st.columns(2)
    months_column.subheader(t("invoices_issued_vs_paid"))
    if invoice_months.is_empty():
        months_column.info(t("no_data"))
    else:
        months_column.plotly_chart(
            charts_invoices.issued_vs_paid_chart(invoice_months), key="invoices_months_chart"
        )
    ages_column.subheader(t("invoices_unpaid_by_age"))
    if ages.is_empty():
        ages_column.info(t("no_data"))
    else:
        ages_column.caption(t("as_of", date=format_day(ages["as_of_date"].max())))
        ages_column.plotly_chart(charts_invoices.unpaid_by_age_chart(ages), key="invoices_ages")
    if not invoice_months.is_empty():
        widgets.table(
            invoice_months,
            {
                "month": (t("month"), "month"),
                "invoices": (t("invoices_count"), "int"),
                "paid_invoices": (t("invoices_paid_count"), "int"),
                "invoice_amount": (t("invoices_invoice_amount"), "amount"),
                "paid_amount": (t("invoices_paid_amount"), "amount"),
                "outstanding_amount": (t("invoices_outstanding_amount"), "amount"),
                "mean_days_to_pay": (t("invoices_mean_days_to_pay"), "days"),
            },
            key="invoices_months_table",
            file_stem="invoices_by_month",
        )
    if not ages.is_empty():
        st.subheader(t("invoices_open"))
        widgets.table(
            widgets.translate(queries.unpaid_invoices(filters), "invoice_status", "invoice_status"),
            {
                "invoice_number": (t("invoice_number"), "text"),
                "issued_date": (t("invoice_date"), "date"),
                "due_date": (t("invoice_due_date"), "date"),
                "partner_name": (t("partner"), "text"),
                "order_number": (t("order_number"), "text"),
                "invoice_status": (t("invoice_status"), "text"),
                "invoice_amount": (t("invoices_invoice_amount"), "amount"),
                "paid_amount": (t("invoices_paid_amount"), "amount"),
                "outstanding_amount": (t("invoices_outstanding_amount"), "amount"),
                "days_overdue": (t("invoice_days_overdue"), "int"),
            },
            key="invoices_open_table",
            file_stem="open_invoices",
        )

# Customers the registry check found going away (issue 20); an older publication without the
# mart just leaves the section out.
st.header(t("registry_risk"))
st.caption(t("registry_risk_caption"))
if queries.missing_tables("marts.dim_counterparty_statuses"):
    st.info(t("mart_missing", tables="marts.dim_counterparty_statuses"))
else:
    at_risk = queries.customers_at_risk(filters)
    if at_risk.is_empty():
        st.info(t("registry_risk_none"))
    else:
        widgets.table(
            widgets.translate(at_risk, "registry_status", "registry_status"),
            {
                "partner_name": (t("partner"), "text"),
                "legal_name": (t("legal_name"), "text"),
                "inn": (t("inn"), "text"),
                "registry_status": (t("registry_status"), "text"),
                "status_changed_at": (t("status_changed_at"), "datetime"),
                "open_deal_count": (t("open_deal_count"), "int"),
                "open_order_count": (t("open_order_count"), "int"),
                "debt_amount": (t("debt_amount"), "amount"),
            },
            key="registry_risk_table",
            file_stem="customers_registry_risk",
        )

st.header(t("debt"))
st.caption(t("debt_caption"))
debt = queries.debt_by_partner(filters)
ageing = queries.debt_ageing(filters)
# The figures of CONTRACT_DEBT.md: overdue debt is part of the debt (never more), advances and
# overdue scheduled payments are separate figures, never netted against or added to the debt.
debt_total, overdue_total, prepayment_total, overdue_payments_total = widgets.tile_columns(
    4, per_row=2
)
debt_total.metric(
    t("debt_amount"),
    format_compact(debt["debt_amount"].sum(), money=True),
    help=t("debt_amount_help"),
    border=True,
)
overdue_total.metric(
    t("overdue_amount"),
    format_compact(debt["overdue_amount"].sum(), money=True),
    help=t("overdue_amount_help"),
    border=True,
)
prepayment_total.metric(
    t("prepayment_amount"),
    format_compact(debt["prepayment_amount"].sum(), money=True),
    help=t("prepayment_amount_help"),
    border=True,
)
overdue_payments_total.metric(
    t("overdue_payment_amount"),
    format_compact(debt["overdue_payment_amount"].sum(), money=True),
    help=t("overdue_payment_amount_help"),
    border=True,
)
if debt.is_empty() and ageing.is_empty():
    st.info(t("no_data"))
    st.stop()

event = None
if not ageing.is_empty():
    st.subheader(t("debt_ageing"))
    as_of = ageing["as_of_date"].max()
    st.caption(t("as_of", date=format_day(as_of)))
    event = st.plotly_chart(
        charts.debt_ageing_chart(ageing),
        key="debt_ageing_chart",
        on_select="rerun",
        selection_mode="points",
    )
    pivot = (
        ageing.pivot("ageing_bucket", index=["partner_id", "partner_name"], values="overdue_amount")
        .fill_null(0)
        .with_columns(pl.sum_horizontal(pl.exclude("partner_id", "partner_name")).alias("total"))
        .sort("total", descending=True)
    )
    bucket_columns: dict[str, tuple[str, widgets.ColumnKind]] = {
        bucket: (t("overdue_days_bucket", bucket=bucket), "amount")
        for bucket in ("0-30", "31-60", "61-90", "90+")
        if bucket in pivot.columns
    }
    widgets.table(
        pivot,
        {"partner_name": (t("partner"), "text")}
        | bucket_columns
        | {"total": (t("overdue_amount"), "amount")},
        key="debt_ageing_table",
        file_stem="debt_ageing",
    )

st.subheader(t("debt_by_partner"))
widgets.table(
    debt,
    {
        "partner_name": (t("partner"), "text"),
        "orders": (t("orders"), "int"),
        "shipped_amount": (t("shipped_amount"), "amount"),
        "paid_amount": (t("paid_amount"), "amount"),
        "debt_amount": (t("debt_amount"), "amount"),
        "overdue_amount": (t("overdue_amount"), "amount"),
        "prepayment_amount": (t("prepayment_amount"), "amount"),
        "overdue_payment_amount": (t("overdue_payment_amount"), "amount"),
    },
    key="debt_table",
    file_stem="debt_by_partner",
)
partners = dict(zip(debt["partner_id"].to_list(), debt["partner_name"].to_list(), strict=True))
partner_id = widgets.drill_down(event, "debt_partner_pick", partners, t("show_orders_of_partner"))
if partner_id is not None:
    widgets.table(
        widgets.translate(queries.partner_orders(filters, partner_id), "status", "order_status"),
        {
            "order_number": (t("order_number"), "text"),
            "ordered_date": (t("ordered_date"), "date"),
            "status": (t("status"), "text"),
            "ordered_amount": (t("ordered_amount"), "amount"),
            "shipped_amount": (t("shipped_amount"), "amount"),
            "paid_amount": (t("paid_amount"), "amount"),
            "debt_amount": (t("debt_amount"), "amount"),
            "overdue_amount": (t("overdue_amount"), "amount"),
            "prepayment_amount": (t("prepayment_amount"), "amount"),
            "overdue_payment_amount": (t("overdue_payment_amount"), "amount"),
            "planned_shipment_date": (t("planned_shipment_date"), "date"),
            "actual_shipment_date": (t("actual_shipment_date"), "date"),
            "planned_payment_date": (t("planned_payment_date"), "date"),
            "actual_payment_date": (t("actual_payment_date"), "date"),
        },
        key="partner_orders_table",
        file_stem="partner_orders",
    )
