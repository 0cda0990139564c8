"""Orders, shipments, payments and debt."""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import _PARTNER_DIMENSIONS_SQL, Filters, _dimensions, _period, _query

# -- orders, shipments, payments and debt --------------------------------------------------

_ORDER_DIMENSIONS_SQL = _dimensions(
    manager="fct_orders.manager_id",
    region="fct_orders.business_region_id",
    partner="fct_orders.partner_id",
)


def order_kpis(filters: Filters) -> pl.DataFrame:
    """One row over the live orders placed in the period (cancelled ones left out)."""
    return _query(
        f"""
        select
            count(*) as orders,
            coalesce(sum(ordered_amount), 0)::double as ordered_amount,
            coalesce(sum(shipped_amount), 0)::double as shipped_amount,
            coalesce(sum(paid_amount), 0)::double as paid_amount,
            coalesce(sum(debt_amount), 0)::double as debt_amount,
            coalesce(sum(overdue_amount), 0)::double as overdue_amount,
            coalesce(sum(prepayment_amount), 0)::double as prepayment_amount,
            coalesce(sum(overdue_payment_amount), 0)::double as overdue_payment_amount,
            count(*) filter (where is_shipped_on_time)
                / nullif(count(is_shipped_on_time), 0) as shipped_on_time_share,
            count(*) filter (where is_paid_on_time)
                / nullif(count(is_paid_on_time), 0) as paid_on_time_share,
        from marts.fct_orders
        where not is_cancelled
            and {_period("ordered_date")}
            and {_ORDER_DIMENSIONS_SQL}
        """,
        filters.params(),
    )


def order_fulfilment_by_month(filters: Filters) -> pl.DataFrame:
    """Planned vs actual per month of ordering: shipped / paid on time, late, or not yet."""
    return _query(
        f"""
        select
            ordered_month as month,
            count(*) as orders,
            count(*) filter (where is_shipped_on_time) as shipped_on_time,
            count(*) filter (where not is_shipped_on_time) as shipped_late,
            count(*) filter (where is_shipped_on_time is null) as shipped_unknown,
            count(*) filter (where is_paid_on_time) as paid_on_time,
            count(*) filter (where not is_paid_on_time) as paid_late,
            count(*) filter (where is_paid_on_time is null) as paid_unknown,
            coalesce(sum(ordered_amount), 0)::double as ordered_amount,
            coalesce(sum(shipped_amount), 0)::double as shipped_amount,
            coalesce(sum(paid_amount), 0)::double as paid_amount,
        from marts.fct_orders
        where not is_cancelled
            and {_period("ordered_date")}
            and {_ORDER_DIMENSIONS_SQL}
        group by 1
        order by 1
        """,
        filters.params(),
    )


def debt_by_partner(filters: Filters) -> pl.DataFrame:
    """Debt and overdue debt per partner over all live orders (as of the publication)."""
    return _query(
        f"""
        select
            partner_id,
            partner_name,
            count(*) as orders,
            coalesce(sum(shipped_amount), 0)::double as shipped_amount,
            coalesce(sum(paid_amount), 0)::double as paid_amount,
            coalesce(sum(debt_amount), 0)::double as debt_amount,
            coalesce(sum(overdue_amount), 0)::double as overdue_amount,
            coalesce(sum(prepayment_amount), 0)::double as prepayment_amount,
            coalesce(sum(overdue_payment_amount), 0)::double as overdue_payment_amount,
        from marts.fct_orders
        where not is_cancelled and {_ORDER_DIMENSIONS_SQL}
        group by 1, 2
        having sum(debt_amount) <> 0
            or sum(overdue_amount) <> 0
            or sum(prepayment_amount) <> 0
            or sum(overdue_payment_amount) <> 0
        order by overdue_amount desc, debt_amount desc, partner_name
        """,
        filters.params(),
    )


def customers_at_risk(filters: Filters) -> pl.DataFrame:
    """Customers whose registry status is not active while deals, orders or debt are open
    (dim_counterparty_statuses.is_customer_at_risk: the mart owns the rule)."""
    return _query(
        f"""
        select
            dim_counterparty_statuses.partner_id,
            dim_counterparty_statuses.partner_name,
            dim_counterparty_statuses.legal_name,
            dim_counterparty_statuses.inn,
            dim_counterparty_statuses.registry_status,
            dim_counterparty_statuses.status_changed_at,
            dim_counterparty_statuses.open_deal_count,
            dim_counterparty_statuses.open_order_count,
            dim_counterparty_statuses.debt_amount::double as debt_amount,
        from marts.dim_counterparty_statuses
        left join marts.dim_partners
            on dim_counterparty_statuses.partner_id = dim_partners.partner_id
        where dim_counterparty_statuses.is_customer_at_risk and {_PARTNER_DIMENSIONS_SQL}
        order by debt_amount desc, dim_counterparty_statuses.partner_name
        """,
        filters.params(),
    )


def debt_ageing(filters: Filters) -> pl.DataFrame:
    """Overdue receivables per partner and ageing bucket (rpt_debt_ageing)."""
    return _query(
        f"""
        select
            rpt_debt_ageing.partner_id,
            rpt_debt_ageing.partner_name,
            rpt_debt_ageing.ageing_bucket,
            rpt_debt_ageing.bucket_order,
            rpt_debt_ageing.overdue_items,
            rpt_debt_ageing.overdue_orders,
            rpt_debt_ageing.overdue_amount::double as overdue_amount,
            rpt_debt_ageing.max_days_overdue,
            rpt_debt_ageing.as_of_date,
        from marts.rpt_debt_ageing
        left join marts.dim_partners on rpt_debt_ageing.partner_id = dim_partners.partner_id
        where {_PARTNER_DIMENSIONS_SQL}
        order by rpt_debt_ageing.partner_name, rpt_debt_ageing.bucket_order
        """,
        filters.params(),
    )


def partner_orders(filters: Filters, partner_id: int) -> pl.DataFrame:
    """The live orders of one partner (drill-down from the debt chart)."""
    return _query(
        f"""
        select
            order_id,
            order_number,
            ordered_date,
            status,
            ordered_amount::double as ordered_amount,
            shipped_amount::double as shipped_amount,
            paid_amount::double as paid_amount,
            debt_amount::double as debt_amount,
            overdue_amount::double as overdue_amount,
            prepayment_amount::double as prepayment_amount,
            overdue_payment_amount::double as overdue_payment_amount,
            planned_shipment_date,
            actual_shipment_date,
            is_shipped_on_time,
            planned_payment_date,
            actual_payment_date,
            is_paid_on_time,
        from marts.fct_orders
        where not is_cancelled
            and partner_id = $partner_id::bigint
            and {_ORDER_DIMENSIONS_SQL}
        order by ordered_date desc, order_id desc
        """,
        filters.params() | {"partner_id": partner_id},
    )
