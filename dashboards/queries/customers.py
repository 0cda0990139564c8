"""Client base (Анализ клиентской базы) and offer conversion."""

from __future__ import annotations

from datetime import date
from typing import Literal

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _month_period, _query

# -- client base (Анализ клиентской базы) and offer conversion ------------------------------
# The marts own every definition (dbt_project/models/marts/customers): ABC/XYZ classes, the
# lifecycle flags, lifetime figures and offer outcomes; these queries filter and sum.

_CUSTOMER_DIMENSIONS_SQL = _dimensions(
    manager="manager_id", region="business_region_id", partner="partner_id"
)


def customer_class_month(filters: Filters) -> date | None:
    """The month the ABC/XYZ matrix shows: the latest classified month up to the period's end."""
    return _query(
        f"""
        select max(class_month) as class_month
        from marts.rpt_customer_abc_xyz
        where ($end::date is null or class_month <= $end::date)
            and {_CUSTOMER_DIMENSIONS_SQL}
        """,
        filters.params(),
    ).item()


def customer_abc_xyz(filters: Filters, class_month: date) -> pl.DataFrame:
    """Each customer's classes in ``class_month`` (rpt_customer_abc_xyz), largest first."""
    return _query(
        f"""
        select
            partner_id,
            partner_name,
            abc_class,
            xyz_class,
            previous_abc_class,
            previous_xyz_class,
            is_class_changed,
            revenue_rank,
            window_revenue_amount::double as window_revenue_amount,
            month_revenue_amount::double as month_revenue_amount,
            revenue_share,
            cumulative_revenue_share,
            monthly_revenue_cv,
        from marts.rpt_customer_abc_xyz
        where class_month = $class_month::date
            and {_CUSTOMER_DIMENSIONS_SQL}
        order by window_revenue_amount desc, partner_id
        """,
        filters.params() | {"class_month": class_month},
    )


def customer_abc_xyz_matrix(filters: Filters, class_month: date) -> pl.DataFrame:
    """Customers and their window revenue per ABC × XYZ cell in ``class_month``."""
    return _query(
        f"""
        select
            abc_class,
            xyz_class,
            count(*)::bigint as customers,
            sum(window_revenue_amount)::double as window_revenue_amount,
        from marts.rpt_customer_abc_xyz
        where class_month = $class_month::date
            and {_CUSTOMER_DIMENSIONS_SQL}
        group by 1, 2
        order by 1, 2 nulls last
        """,
        filters.params() | {"class_month": class_month},
    )


def customer_lifecycle_by_month(filters: Filters) -> pl.DataFrame:
    """New, active, returned and lost customers per month of the period."""
    return _query(
        f"""
        select
            lifecycle_month as month,
            count(*) filter (where is_new)::bigint as new_customers,
            count(*) filter (where is_active)::bigint as active_customers,
            count(*) filter (where is_returned)::bigint as returned_customers,
            count(*) filter (where is_lost)::bigint as lost_customers,
        from marts.rpt_customer_lifecycle
        where {_month_period("lifecycle_month")}
            and {_CUSTOMER_DIMENSIONS_SQL}
        group by 1
        order by 1
        """,
        filters.params(),
    )


def top_customers_by_lifetime_revenue(filters: Filters, limit: int = 20) -> pl.DataFrame:
    """The customers with the largest lifetime revenue, with days since their last purchase
    (as of the warehouse's as-of date, not the period: lifetime figures)."""
    return _query(
        f"""
        select
            partner_id,
            partner_name,
            manager_name,
            business_region_name,
            first_purchase_date,
            last_purchase_date,
            days_since_last_purchase,
            is_lost,
            abc_class,
            xyz_class,
            order_count,
            lifetime_revenue_amount::double as lifetime_revenue_amount,
        from marts.dim_customer_lifetime
        where {_CUSTOMER_DIMENSIONS_SQL}
        order by lifetime_revenue_amount desc, partner_id
        limit $limit
        """,
        filters.params() | {"limit": limit},
    )


OfferDimension = Literal["manager", "deal_kind"]
_OFFER_GROUPS: dict[str, tuple[str, str]] = {
    "manager": ("manager_id", "manager_name"),
    "deal_kind": ("deal_kind_id", "deal_kind_name"),
}
_OFFER_DIMENSIONS_SQL = _dimensions(deal_kind="deal_kind_id", manager="manager_id")


def offer_conversion(filters: Filters, by: OfferDimension = "manager") -> pl.DataFrame:
    """Offers of the period's months by manager or deal kind: counts, and the shares and mean
    days to order re-derived from the mart's additive columns (rpt_offer_conversion)."""
    id_column, name_column = _OFFER_GROUPS[by]
    return _query(
        f"""
        select
            {id_column} as group_id,
            max({name_column}) as group_name,
            sum(offer_count)::bigint as offers,
            sum(sent_offer_count)::bigint as sent_offers,
            sum(accepted_offer_count)::bigint as accepted_offers,
            sum(converted_offer_count)::bigint as converted_offers,
            sum(lost_offer_count)::bigint as lost_offers,
            sum(open_offer_count)::bigint as open_offers,
            sum(accepted_offer_count) / nullif(sum(sent_offer_count), 0) as acceptance_share,
            sum(converted_offer_count) / nullif(sum(sent_offer_count), 0) as conversion_share,
            sum(days_to_order_sum) / nullif(sum(converted_offer_count), 0) as mean_days_to_order,
            coalesce(sum(ordered_amount), 0)::double as ordered_amount,
        from marts.rpt_offer_conversion
        where {_month_period("offered_month")}
            and {_OFFER_DIMENSIONS_SQL}
        group by 1
        order by sent_offers desc, group_name
        """,
        filters.params(),
    )


def lost_offers_by_reason(filters: Filters) -> pl.DataFrame:
    """Rejected and expired offers of the period by reason (fct_commercial_offers.lost_reason:
    the lost deal's reason, else the status)."""
    return _query(
        f"""
        select
            lost_reason,
            count(*)::bigint as lost_offers,
            count(*) filter (where status = 'rejected')::bigint as rejected_offers,
            count(*) filter (where status = 'expired')::bigint as expired_offers,
            coalesce(sum(offer_amount), 0)::double as offer_amount,
        from marts.fct_commercial_offers
        where is_lost
            and {_month_period("offered_month")}
            and {_OFFER_DIMENSIONS_SQL}
        group by 1
        order by lost_offers desc, lost_reason
        """,
        filters.params(),
    )
