"""Returns (Возвраты) and portal adoption."""

from __future__ import annotations

from typing import Literal

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _month_period, _query

# -- returns (Возвраты) and portal adoption ---------------------------------------------------

ReturnDimension = Literal["return_reason", "product", "partner", "month"]

_RETURN_COLUMNS: dict[str, tuple[str, str]] = {
    "return_reason": ("cast(return_reason_id as varchar)", "return_reason_name"),
    "product": ("cast(product_id as varchar)", "product_name"),
    "partner": ("cast(partner_id as varchar)", "partner_name"),
    "month": ("strftime(return_month, '%Y-%m-%d')", "strftime(return_month, '%Y-%m-%d')"),
}

# rpt_returns has the partner's region and the partner (industry), no manager or deal kind.
_RETURN_DIMENSIONS_SQL = _dimensions(region="business_region_id", partner="partner_id")

_RETURN_FIGURES_SQL = """
            coalesce(sum(return_request_count), 0)::bigint as return_request_count,
            coalesce(sum(portal_return_request_count), 0)::bigint as portal_return_request_count,
            coalesce(sum(return_line_count), 0)::bigint as return_line_count,
            coalesce(sum(requested_quantity), 0)::double as requested_quantity,
            coalesce(sum(requested_amount), 0)::double as requested_amount,
            coalesce(sum(rejected_amount), 0)::double as rejected_amount,
            coalesce(sum(received_quantity), 0)::double as received_quantity,
            coalesce(sum(received_amount), 0)::double as received_amount,
            sum(received_amount) / nullif(sum(requested_amount), 0) as received_share,
"""


def returns_kpis(filters: Filters) -> pl.DataFrame:
    """One row over the return requests registered in the months of the period."""
    return _query(
        f"""
        select
            {_RETURN_FIGURES_SQL}
            sum(portal_return_request_count) / nullif(sum(return_request_count), 0)
                as portal_return_share,
        from marts.rpt_returns
        where {_month_period("return_month")} and {_RETURN_DIMENSIONS_SQL}
        """,
        filters.params(),
    )


def returns_by(filters: Filters, by: ReturnDimension = "return_reason") -> pl.DataFrame:
    """Return requests, requested and received per reason, product, partner or month."""
    key_sql, name_sql = _RETURN_COLUMNS[by]  # KeyError for anything not whitelisted
    order = "group_key" if by == "month" else "requested_amount desc, group_name nulls last"
    return _query(
        f"""
        select
            coalesce({key_sql}, '') as group_key,
            {name_sql} as group_name,
            {_RETURN_FIGURES_SQL}
        from marts.rpt_returns
        where {_month_period("return_month")} and {_RETURN_DIMENSIONS_SQL}
        group by 1, 2
        order by {order}
        """,
        filters.params(),
    )


def portal_adoption(filters: Filters) -> pl.DataFrame:
    """rpt_portal_adoption's months of the period (its figures are for every partner)."""
    return _query(
        f"""
        select
            adoption_month as month,
            claim_count,
            portal_claim_count,
            portal_claim_share,
            portal_claim_answered_count,
            portal_claim_median_hours_to_first_response,
            portal_claim_mean_hours_to_first_response,
            return_request_count,
            portal_return_request_count,
            portal_return_share,
            portal_return_decided_count,
            portal_return_median_hours_to_decision,
            portal_return_mean_hours_to_decision,
        from marts.rpt_portal_adoption
        where {_month_period("adoption_month")}
        order by adoption_month
        """,
        filters.params(),
    )


def portal_adoption_totals(filters: Filters) -> pl.DataFrame:
    """One row over the months of the period: counts summed, shares of the sums, and mean
    hours weighted by each month's answered claims (decided requests)."""
    return _query(
        f"""
        select
            coalesce(sum(claim_count), 0)::bigint as claim_count,
            coalesce(sum(portal_claim_count), 0)::bigint as portal_claim_count,
            sum(portal_claim_count) / nullif(sum(claim_count), 0) as portal_claim_share,
            sum(portal_claim_mean_hours_to_first_response * portal_claim_answered_count)
                / nullif(sum(portal_claim_answered_count), 0)
                as portal_claim_mean_hours_to_first_response,
            coalesce(sum(return_request_count), 0)::bigint as return_request_count,
            coalesce(sum(portal_return_request_count), 0)::bigint
                as portal_return_request_count,
            sum(portal_return_request_count) / nullif(sum(return_request_count), 0)
                as portal_return_share,
            sum(portal_return_mean_hours_to_decision * portal_return_decided_count)
                / nullif(sum(portal_return_decided_count), 0)
                as portal_return_mean_hours_to_decision,
        from marts.rpt_portal_adoption
        where {_month_period("adoption_month")}
        """,
        filters.params(),
    )
