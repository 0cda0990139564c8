"""Regions (territorial analysis): revenue and shipments by business region."""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _month_period, _query

# -- regions (territorial analysis) ---------------------------------------------------------


def region_revenue(filters: Filters) -> pl.DataFrame:
    """Revenue and margin per business region over the months of the period."""
    return _query(
        f"""
        select
            business_region_id,
            business_region_name,
            sum(shipment_count)::bigint as shipment_count,
            coalesce(sum(revenue_amount), 0)::double as revenue_amount,
            coalesce(sum(cost_amount), 0)::double as cost_amount,
            coalesce(sum(margin_amount), 0)::double as margin_amount,
            sum(margin_amount) / nullif(sum(revenue_amount), 0) as margin_share,
            coalesce(sum(returns_amount), 0)::double as returns_amount,
            coalesce(sum(net_revenue_amount), 0)::double as net_revenue_amount,
        from marts.rpt_region_revenue
        where {_month_period("revenue_month")}
            and {_dimensions(region="business_region_id")}
        group by 1, 2
        order by revenue_amount desc, business_region_name
        """,
        filters.params(),
    )


def region_revenue_by_month(filters: Filters) -> pl.DataFrame:
    return _query(
        f"""
        select
            revenue_month as month,
            business_region_id,
            business_region_name,
            shipment_count,
            revenue_amount::double as revenue_amount,
            cost_amount::double as cost_amount,
            margin_amount::double as margin_amount,
            margin_share,
            returns_amount::double as returns_amount,
            net_revenue_amount::double as net_revenue_amount,
        from marts.rpt_region_revenue
        where {_month_period("revenue_month")}
            and {_dimensions(region="business_region_id")}
        order by revenue_month, business_region_name
        """,
        filters.params(),
    )


def region_shipments(filters: Filters, business_region_id: int) -> pl.DataFrame:
    """The shipments behind one region's revenue (drill-down), in the months of the period."""
    return _query(
        f"""
        select
            fct_shipments.shipment_id,
            fct_shipments.shipment_number,
            fct_shipments.shipped_date,
            fct_shipments.order_id,
            fct_shipments.order_number,
            fct_orders.partner_id,
            fct_orders.partner_name,
            fct_shipments.shipped_amount::double as shipped_amount,
            fct_shipments.cost_amount::double as cost_amount,
            fct_shipments.margin_amount::double as margin_amount,
        from marts.fct_shipments
        left join marts.fct_orders on fct_shipments.order_id = fct_orders.order_id
        where fct_shipments.business_region_id = $business_region_id::bigint
            and {_month_period("fct_shipments.shipped_month")}
        order by fct_shipments.shipped_date desc, fct_shipments.shipment_id desc
        """,
        filters.params() | {"business_region_id": business_region_id},
    )
