"""Queries of the «Организации и комиссия» page (issue 22): read-only, cached, marts only.

Revenue and settlements follow the sidebar period (months that overlap it); commission and stock
are as of the publication (rpt_commission_partners and fct_stock_positions have no period). The
manager, region and industry filters do not apply: these figures belong to organizations.
"""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import Filters, _month_period, _query

_ORGANIZATION_NAME = "coalesce(dim_organizations.organization_name, '—')"


def organization_kpis(filters: Filters) -> pl.DataFrame:
    """One row: the group's revenue with inter-company sales eliminated, the inter-company
    sales eliminated, and commission figures (sales, fees, debt, goods still at commissioners)."""
    return _query(
        f"""
        with revenue as (
            select
                coalesce(sum(external_revenue), 0) as group_revenue,
                coalesce(sum(intercompany_revenue), 0) as intercompany_revenue
            from marts.rpt_organization_revenue
            where {_month_period("revenue_month")}
        ),
        commission as (
            select
                coalesce(sum(sales_amount) filter (where partner_role = 'commissioner'), 0)
                    as commissioner_sales,
                coalesce(sum(fee_amount) filter (where partner_role = 'commissioner'), 0)
                    as commissioner_fees,
                coalesce(sum(receivable_amount), 0) as commissioner_debt,
                coalesce(sum(payable_amount), 0) as committent_debt
            from marts.rpt_commission_partners
        ),
        at_commissioners as (
            select coalesce(sum(cost_value), 0) as value_at_commissioners
            from marts.fct_stock_positions
            where holder_kind = 'commissioner'
        )
        select * from revenue, commission, at_commissioners
        """,
        filters.params(),
    )


def revenue_by_organization(filters: Filters) -> pl.DataFrame:
    """Per organization: revenue as seller, of which inter-company, external, and as owner."""
    return _query(
        f"""
        select
            rpt_organization_revenue.organization_id,
            {_ORGANIZATION_NAME} as organization_name,
            sum(revenue_as_seller) as revenue_as_seller,
            sum(intercompany_revenue) as intercompany_revenue,
            sum(external_revenue) as external_revenue,
            sum(revenue_as_owner) as revenue_as_owner
        from marts.rpt_organization_revenue
        left join marts.dim_organizations
            on rpt_organization_revenue.organization_id = dim_organizations.organization_id
        where {_month_period("revenue_month")}
        group by 1, 2
        order by external_revenue desc, organization_name
        """,
        filters.params(),
    )


def intercompany_settlements(filters: Filters) -> pl.DataFrame:
    """Per pair of organizations: goods sent and received in the period and the balance at the
    end of its last month with documents (up to the period's end)."""
    return _query(
        f"""
        with in_period as (
            select
                organization_id,
                counter_organization_id,
                sum(sent_amount) as sent_amount,
                sum(received_amount) as received_amount
            from marts.fct_intercompany_settlements
            where {_month_period("settlement_month")}
            group by 1, 2
        ),
        latest as (
            select organization_id, counter_organization_id, closing_balance
            from marts.fct_intercompany_settlements
            where $end::date is null or settlement_month <= $end::date
            qualify row_number() over (
                partition by organization_id, counter_organization_id
                order by settlement_month desc
            ) = 1
        )
        select
            {_ORGANIZATION_NAME} as organization_name,
            coalesce(counter.organization_name, '—') as counter_organization_name,
            coalesce(in_period.sent_amount, 0) as sent_amount,
            coalesce(in_period.received_amount, 0) as received_amount,
            latest.closing_balance
        from latest
        left join in_period
            on latest.organization_id = in_period.organization_id
            and latest.counter_organization_id = in_period.counter_organization_id
        left join marts.dim_organizations
            on latest.organization_id = dim_organizations.organization_id
        left join marts.dim_organizations as counter
            on latest.counter_organization_id = counter.organization_id
        order by organization_name, counter_organization_name
        """,
        filters.params(),
    )


def commission_partners() -> pl.DataFrame:
    """rpt_commission_partners with names: commissioners first, then committents."""
    return _query(
        f"""
        select
            {_ORGANIZATION_NAME} as organization_name,
            rpt_commission_partners.partner_id,
            coalesce(dim_partners.partner_name, '—') as partner_name,
            partner_role,
            quantity_handed_over,
            handed_over_amount,
            quantity_sold,
            sales_amount,
            fee_amount,
            quantity_written_off,
            quantity_held,
            paid_amount,
            receivable_amount,
            payable_amount
        from marts.rpt_commission_partners
        left join marts.dim_organizations
            on rpt_commission_partners.organization_id = dim_organizations.organization_id
        left join marts.dim_partners
            on rpt_commission_partners.partner_id = dim_partners.partner_id
        order by partner_role desc, sales_amount desc, partner_name
        """
    )


def stock_by_organization_and_holder() -> pl.DataFrame:
    """fct_stock_positions per organization and holder (our warehouse or a commissioner),
    committent goods apart."""
    return _query(
        f"""
        select
            {_ORGANIZATION_NAME} as organization_name,
            fct_stock_positions.holder_kind,
            coalesce(dim_warehouses.warehouse_name, commissioners.partner_name, '—')
                as holder_name,
            fct_stock_positions.is_committent_goods,
            count(*) as product_count,
            sum(fct_stock_positions.quantity) as quantity,
            sum(fct_stock_positions.cost_value) as cost_value
        from marts.fct_stock_positions
        left join marts.dim_organizations
            on fct_stock_positions.organization_id = dim_organizations.organization_id
        left join marts.dim_warehouses
            on fct_stock_positions.warehouse_id = dim_warehouses.warehouse_id
        left join marts.dim_partners as commissioners
            on fct_stock_positions.commissioner_id = commissioners.partner_id
        group by 1, 2, 3, 4
        order by organization_name, holder_kind desc, cost_value desc
        """
    )
