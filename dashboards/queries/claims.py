"""Claims (Претензии): satisfaction, structure and the claims list."""

from __future__ import annotations

from typing import Literal

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _month_period, _period, _query

# -- claims --------------------------------------------------------------------------------

ClaimDimension = Literal["claim_reason", "parent_claim_reason", "partner", "manager", "source"]

# group key (as text, '' for "not set") and group name per claim dimension.
_CLAIM_COLUMNS: dict[str, tuple[str, str]] = {
    "claim_reason": ("fct_claims.claim_reason_id", "fct_claims.claim_reason_name"),
    "parent_claim_reason": (
        "fct_claims.parent_claim_reason_id",
        "fct_claims.parent_claim_reason_name",
    ),
    "partner": ("fct_claims.partner_id", "fct_claims.partner_name"),
    "manager": ("fct_claims.manager_id", "dim_managers.manager_name"),
    "source": ("fct_claims.source", "fct_claims.source"),
}

_CLAIM_DIMENSIONS_SQL = _dimensions(
    manager="fct_claims.manager_id",
    region="fct_claims.business_region_id",
    partner="fct_claims.partner_id",
)

_CLAIMS_FROM = """
        from marts.fct_claims
        left join marts.dim_managers on fct_claims.manager_id = dim_managers.manager_id
"""


def _claim_group(by: ClaimDimension) -> tuple[str, str]:
    key_column, name_column = _CLAIM_COLUMNS[by]  # KeyError for anything not whitelisted
    return f"coalesce(cast({key_column} as varchar), '')", name_column


def claim_kpis(filters: Filters) -> pl.DataFrame:
    """One row: claims registered in the period and resolved in it (with satisfaction)."""
    return _query(
        f"""
        select
            count(*) filter (where {_period("registered_date")}) as claims_registered,
            coalesce(sum(claimed_amount) filter (where {_period("registered_date")}), 0)::double
                as claimed_amount,
            count(*) filter (where is_resolved and {_period("resolved_date")})
                as claims_resolved,
            count(*) filter (where is_satisfied and {_period("resolved_date")})
                as claims_satisfied,
            count(*) filter (where is_satisfied and {_period("resolved_date")})
                / nullif(count(*) filter (where is_resolved and {_period("resolved_date")}), 0)
                as satisfied_share,
            median(days_to_resolve) filter (where is_resolved and {_period("resolved_date")})
                ::double as median_days_to_resolve,
            count(*) filter (where not is_resolved) as claims_open,
        from marts.fct_claims
        where {_CLAIM_DIMENSIONS_SQL}
        """,
        filters.params(),
    )


def claim_satisfaction(filters: Filters, by: ClaimDimension = "claim_reason") -> pl.DataFrame:
    """Satisfied share = satisfied / resolved among claims resolved in the period, per group.

    Computed from fct_claims (not rpt_claim_satisfaction) so the period is exact to the day,
    the region filter applies and medians are over the period; with whole months and no
    filters the counts equal the report's.
    """
    key_sql, name_sql = _claim_group(by)
    return _query(
        f"""
        select
            {key_sql} as group_key,
            {name_sql} as group_name,
            count(*) as claims_resolved,
            count(*) filter (where fct_claims.is_satisfied) as claims_satisfied,
            count(*) filter (where fct_claims.is_satisfied) / count(*) as satisfied_share,
            coalesce(sum(fct_claims.claimed_amount), 0)::double as claimed_amount,
            avg(fct_claims.days_to_resolve) as mean_days_to_resolve,
            median(fct_claims.days_to_resolve)::double as median_days_to_resolve,
        {_CLAIMS_FROM}
        where fct_claims.is_resolved
            and {_period("fct_claims.resolved_date")}
            and {_CLAIM_DIMENSIONS_SQL}
        group by 1, 2
        order by claims_resolved desc, group_name nulls last
        """,
        filters.params(),
    )


def claim_satisfaction_by_month(filters: Filters) -> pl.DataFrame:
    """Resolved and satisfied claims per month of resolution."""
    return _query(
        f"""
        select
            date_trunc('month', resolved_date)::date as month,
            count(*) as claims_resolved,
            count(*) filter (where is_satisfied) as claims_satisfied,
            count(*) filter (where is_satisfied) / count(*) as satisfied_share,
            median(days_to_resolve)::double as median_days_to_resolve,
        from marts.fct_claims
        where is_resolved and {_period("resolved_date")} and {_CLAIM_DIMENSIONS_SQL}
        group by 1
        order by 1
        """,
        filters.params(),
    )


def claim_structure(filters: Filters) -> pl.DataFrame:
    """Claims registered in the period per reason, with the share of all claims registered."""
    key_sql, _ = _claim_group("claim_reason")
    return _query(
        f"""
        with per_reason as (
            select
                {key_sql} as group_key,
                fct_claims.claim_reason_name as group_name,
                fct_claims.parent_claim_reason_name,
                count(*) as claims_registered,
                coalesce(sum(fct_claims.claimed_amount), 0)::double as claimed_amount,
            from marts.fct_claims
            where {_period("fct_claims.registered_date")} and {_CLAIM_DIMENSIONS_SQL}
            group by 1, 2, 3
        )

        select
            *,
            claims_registered / sum(claims_registered) over () as share_of_claims,
        from per_reason
        order by claims_registered desc, group_name nulls last
        """,
        filters.params(),
    )


def claim_structure_by_month(filters: Filters) -> pl.DataFrame:
    """Claims registered per month and reason, with the reason's share of the month."""
    key_sql, _ = _claim_group("claim_reason")
    return _query(
        f"""
        with per_month as (
            select
                fct_claims.registered_month as month,
                {key_sql} as group_key,
                fct_claims.claim_reason_name as group_name,
                count(*) as claims_registered,
            from marts.fct_claims
            where {_period("fct_claims.registered_date")} and {_CLAIM_DIMENSIONS_SQL}
            group by 1, 2, 3
        )

        select
            *,
            claims_registered / sum(claims_registered) over (partition by month)
                as share_of_month,
        from per_month
        order by month, claims_registered desc, group_name nulls last
        """,
        filters.params(),
    )


ClaimBasis = Literal["registered", "resolved"]


def claims_list(
    filters: Filters, by: ClaimDimension, group_key: str, basis: ClaimBasis = "registered"
) -> pl.DataFrame:
    """The claims behind one group of a chart: registered (or resolved) in the period."""
    key_sql, _ = _claim_group(by)
    date_column = {"registered": "registered_date", "resolved": "resolved_date"}[basis]
    return _query(
        f"""
        select
            fct_claims.claim_id,
            fct_claims.claim_number,
            fct_claims.registered_date,
            fct_claims.resolved_date,
            fct_claims.status,
            fct_claims.result,
            fct_claims.claim_reason_name,
            fct_claims.partner_id,
            fct_claims.partner_name,
            dim_managers.manager_name,
            fct_claims.source,
            fct_claims.claimed_amount::double as claimed_amount,
            fct_claims.days_to_resolve,
        {_CLAIMS_FROM}
        where {key_sql} = $group_key
            and {_period(f"fct_claims.{date_column}")}
            and {_CLAIM_DIMENSIONS_SQL}
        order by fct_claims.registered_date, fct_claims.claim_id
        """,
        filters.params() | {"group_key": group_key},
    )


def claim_structure_report(filters: Filters) -> pl.DataFrame:
    """Структура возникновения претензий as marts.rpt_claim_structure states it: per month of
    registration and reason, the reason's and its parent's share of the month and the change
    from the month before. Its grain has no manager, region or partner: only the period (the
    months it overlaps) applies."""
    return _query(
        f"""
        select
            rpt_claim_structure.registered_month as month,
            rpt_claim_structure.claim_reason_name,
            rpt_claim_structure.parent_claim_reason_name,
            rpt_claim_structure.claims_registered,
            rpt_claim_structure.claims_in_month,
            rpt_claim_structure.share_of_month,
            rpt_claim_structure.parent_share_of_month,
            rpt_claim_structure.claims_registered_previous_month,
            rpt_claim_structure.change_from_previous_month,
            rpt_claim_structure.claimed_amount::double as claimed_amount,
        from marts.rpt_claim_structure
        where {_month_period("rpt_claim_structure.registered_month")}
        order by month desc, claims_registered desc, claim_reason_name nulls last
        """,
        filters.params(),
    )
