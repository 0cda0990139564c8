"""Организации и комиссия: group revenue with inter-company sales eliminated, revenue by selling
and by owning organization, inter-company settlements, commissioners and committents, stock per
organization and holder (issue 22)."""

import streamlit as st

from dashboards import charts_intercompany, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact
from dashboards.i18n import t

filters = require_filters()
st.title(t("page_intercompany"))
widgets.require_marts(
    "marts.rpt_organization_revenue",
    "marts.fct_intercompany_settlements",
    "marts.rpt_commission_partners",
    "marts.fct_stock_positions",
    "marts.dim_organizations",
)
st.caption(t("intercompany_caption"))

compare = comparison.for_page(filters)
comparison.show_caption(compare)
kpis = queries.organization_kpis(filters).row(0, named=True)
other = compare.row(queries.organization_kpis) or {}
PERIOD_FIGURES = ("group_revenue", "intercompany_revenue")
for column, (key, label, help_key) in zip(
    widgets.tile_columns(6),
    [
        ("group_revenue", t("group_revenue"), "group_revenue_help"),
        ("intercompany_revenue", t("intercompany_eliminated"), None),
        ("commissioner_sales", t("commissioner_sales"), None),
        ("commissioner_fees", t("commissioner_fees"), None),
        ("commissioner_debt", t("commissioner_debt"), "commissioner_debt_help"),
        ("value_at_commissioners", t("value_at_commissioners"), None),
    ],
    strict=True,
):
    if key in PERIOD_FIGURES:
        compare.metric(
            column,
            label,
            kpis[key],
            other.get(key),
            lambda value: format_compact(value, money=True),
            help=t(help_key) if help_key else None,
            delta_color="normal" if key == "group_revenue" else "off",
        )
    else:  # commission figures are the commissioners' reports to date: no period to compare
        column.metric(
            label,
            format_compact(kpis[key], money=True),
            help=t(help_key) if help_key else None,
            border=True,
        )

revenue_tab, settlements_tab, commission_tab, stock_tab = st.tabs(
    [t("revenue_by_organization"), t("intercompany_settlements"), t("commission"), t("stock")]
)

with revenue_tab:
    revenue = queries.revenue_by_organization(filters)
    if revenue.is_empty():
        st.info(t("no_data"))
    else:
        st.plotly_chart(
            charts_intercompany.organization_revenue_chart(revenue), key="organization_revenue"
        )
        revenue_rows, revenue_columns = compare.add_deltas(
            revenue,
            compare.rerun(queries.revenue_by_organization),
            ["organization_id"],
            {
                "organization_name": (t("organization"), "text"),
                "revenue_as_seller": (t("revenue_as_seller"), "amount"),
                "intercompany_revenue": (t("intercompany_revenue"), "amount"),
                "external_revenue": (t("external_revenue"), "amount"),
                "revenue_as_owner": (t("revenue_as_owner"), "amount"),
            },
            ["revenue_as_seller", "external_revenue"],
        )
        widgets.table(
            revenue_rows,
            revenue_columns,
            key="organization_revenue_table",
            file_stem="organization_revenue",
        )

with settlements_tab:
    st.caption(t("intercompany_settlements_caption"))
    settlements = queries.intercompany_settlements(filters)
    if settlements.is_empty():
        st.info(t("no_data"))
    else:
        widgets.table(
            settlements,
            {
                "organization_name": (t("organization"), "text"),
                "counter_organization_name": (t("counter_organization"), "text"),
                "sent_amount": (t("intercompany_sent"), "amount"),
                "received_amount": (t("intercompany_received"), "amount"),
                "closing_balance": (t("intercompany_balance"), "amount"),
            },
            key="intercompany_settlements_table",
            file_stem="intercompany_settlements",
        )

with commission_tab:
    st.caption(t("commission_caption"))
    partners = queries.commission_partners()
    if partners.is_empty():
        st.info(t("no_data"))
    else:
        widgets.table(
            widgets.translate(partners, "partner_role", "commission_role"),
            {
                "organization_name": (t("organization"), "text"),
                "partner_name": (t("partner"), "text"),
                "partner_role": (t("commission_partner_role"), "text"),
                "quantity_handed_over": (t("quantity_handed_over"), "int"),
                "handed_over_amount": (t("handed_over_amount"), "amount"),
                "quantity_sold": (t("quantity_sold"), "int"),
                "sales_amount": (t("commission_sales_amount"), "amount"),
                "fee_amount": (t("commission_fee"), "amount"),
                "quantity_written_off": (t("quantity_written_off"), "int"),
                "quantity_held": (t("quantity_held"), "int"),
                "paid_amount": (t("commission_paid"), "amount"),
                "receivable_amount": (t("commissioner_debt"), "amount"),
                "payable_amount": (t("committent_debt"), "amount"),
            },
            key="commission_partners_table",
            file_stem="commission_partners",
        )

with stock_tab:
    st.caption(t("ownership_stock_caption"))
    stock = queries.stock_by_organization_and_holder()
    if stock.is_empty():
        st.info(t("no_data"))
    else:
        widgets.table(
            widgets.translate(stock, "holder_kind", "stock_holder"),
            {
                "organization_name": (t("organization"), "text"),
                "holder_kind": (t("stock_holder_kind"), "text"),
                "holder_name": (t("stock_holder_name"), "text"),
                "is_committent_goods": (t("is_committent_goods"), "bool"),
                "product_count": (t("product_count"), "int"),
                "quantity": (t("quantity"), "int"),
                "cost_value": (t("cost_value"), "amount"),
            },
            key="ownership_stock_table",
            file_stem="stock_by_organization",
        )
