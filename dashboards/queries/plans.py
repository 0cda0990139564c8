"""Queries of the «План-факт» page and the Overview's plan tiles (issue 26): sums of
marts.rpt_plan_fact, which owns every definition (plan, fact, forecast). Pages divide the sums
again for completion, never average the mart's percentages.

rpt_plan_fact has no partner, so the industry filter does not apply; the period selects the
months that overlap it.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _month_period, _query

PlanDimension = Literal["manager", "business_region", "deal_kind"]

_PLAN_DIMENSIONS_SQL = _dimensions(
    deal_kind="rpt_plan_fact.deal_kind_id",
    manager="rpt_plan_fact.manager_id",
    region="rpt_plan_fact.business_region_id",
)
_SUMS = """
            coalesce(sum(rpt_plan_fact.planned_amount), 0)::double as planned_amount,
            coalesce(sum(rpt_plan_fact.won_amount), 0)::double as won_amount,
            coalesce(sum(rpt_plan_fact.open_weighted_amount), 0)::double as open_weighted_amount,
            coalesce(sum(rpt_plan_fact.forecast_amount), 0)::double as forecast_amount,
            coalesce(sum(rpt_plan_fact.planned_won_deals), 0)::bigint as planned_won_deals,
            coalesce(sum(rpt_plan_fact.won_deals), 0)::bigint as won_deals,
"""
_GROUPS: dict[str, tuple[str, str]] = {
    "manager": ("manager_id", "manager_name"),
    "business_region": ("business_region_id", "business_region_name"),
    "deal_kind": ("deal_kind_id", "deal_kind_name"),
}


def with_completion(frame: pl.DataFrame) -> pl.DataFrame:
    """Completion shares (0..1 and above) from the summed columns: fact / plan, null without
    a plan."""

    def share(numerator: str, denominator: str) -> pl.Expr:
        return (
            pl.when(pl.col(denominator) > 0)
            .then(pl.col(numerator) / pl.col(denominator))
            .otherwise(None)
        )

    return frame.with_columns(
        share("won_amount", "planned_amount").alias("amount_completion"),
        share("forecast_amount", "planned_amount").alias("forecast_completion"),
        share("won_deals", "planned_won_deals").alias("won_deals_completion"),
    )


def plan_fact_totals(filters: Filters) -> pl.DataFrame:
    """Plan, fact and forecast summed over the months overlapping the period: one row."""
    return with_completion(
        _query(
            f"""
            select {_SUMS}
            from marts.rpt_plan_fact
            where {_month_period("rpt_plan_fact.period_month")}
                and {_PLAN_DIMENSIONS_SQL}
            """,
            filters.params(),
        )
    )


def plan_fact_as_of_month(filters: Filters) -> pl.DataFrame:
    """Plan, fact and forecast of the warehouse's as-of month (the current month of a live
    build), whatever the period: zero or one row, with the month."""
    return with_completion(
        _query(
            f"""
            select
                rpt_plan_fact.period_month as month,
                {_SUMS}
            from marts.rpt_plan_fact
            where rpt_plan_fact.is_as_of_month and {_PLAN_DIMENSIONS_SQL}
            group by 1
            """,
            filters.params(),
        )
    )


def plan_fact_by_month(filters: Filters) -> pl.DataFrame:
    """Plan, fact and forecast per month overlapping the period."""
    return with_completion(
        _query(
            f"""
            select
                rpt_plan_fact.period_month as month,
                bool_or(rpt_plan_fact.is_as_of_month) as is_as_of_month,
                {_SUMS}
            from marts.rpt_plan_fact
            where {_month_period("rpt_plan_fact.period_month")}
                and {_PLAN_DIMENSIONS_SQL}
            group by 1
            order by 1
            """,
            filters.params(),
        )
    )


def plan_fact_by(filters: Filters, by: PlanDimension = "manager") -> pl.DataFrame:
    """Plan, fact and forecast over the period per manager, business region or deal kind."""
    id_column, name_column = _GROUPS[by]
    return with_completion(
        _query(
            f"""
            select
                rpt_plan_fact.{id_column} as group_id,
                rpt_plan_fact.{name_column} as group_name,
                {_SUMS}
            from marts.rpt_plan_fact
            where {_month_period("rpt_plan_fact.period_month")}
                and {_PLAN_DIMENSIONS_SQL}
            group by 1, 2
            order by planned_amount desc, won_amount desc, group_name
            """,
            filters.params(),
        )
    )
