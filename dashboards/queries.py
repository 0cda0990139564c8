"""The only module that touches DuckDB: read-only queries over the published marts.

Every query opens the published warehouse read-only, runs, and closes the connection again, so
a republish (an atomic file swap by the pipeline) is seen on the next query and no lock is ever
held. Results are cached for a minute, keyed on the SQL, its parameters and the file's identity
(mtime, inode, size), so a republish invalidates them at once. User values always travel as
bound parameters; SQL is only ever assembled from column names fixed in this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import duckdb
import polars as pl
import streamlit as st

from crm.settings import get_settings

EfficiencyDimension = Literal["manager", "business_region", "deal_kind"]

_EFFICIENCY_COLUMNS: dict[str, tuple[str, str]] = {
    "manager": ("manager_id", "manager_name"),
    "business_region": ("business_region_id", "business_region_name"),
    "deal_kind": ("deal_kind_id", "deal_kind_name"),
}


class NotPublishedError(RuntimeError):
    """The pipeline has not published a warehouse yet."""


@dataclass(frozen=True)
class Filters:
    """What the sidebar narrows every page to; empty tuples and ``None`` dates mean "all"."""

    start: date | None = None
    end: date | None = None
    deal_kind_ids: tuple[int, ...] = ()
    manager_ids: tuple[int, ...] = ()
    business_region_ids: tuple[int, ...] = ()

    def params(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "deal_kind_ids": _id_list(self.deal_kind_ids),
            "manager_ids": _id_list(self.manager_ids),
            "business_region_ids": _id_list(self.business_region_ids),
        }


def _id_list(ids: tuple[int, ...]) -> tuple[int, ...] | None:
    # None (not an empty list) means "no filter", so the SQL can test `is null`.
    return tuple(ids) or None


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length (in days, both ends included) right before ``start``."""
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


# Dimension filters shared by every filtered query; fct_deals and fct_deal_stages both carry
# deal_kind_id, manager_id and business_region_id.
_DIMENSIONS_SQL = """
    ($deal_kind_ids::bigint[] is null or list_contains($deal_kind_ids::bigint[], deal_kind_id))
    and ($manager_ids::bigint[] is null or list_contains($manager_ids::bigint[], manager_id))
    and ($business_region_ids::bigint[] is null
        or list_contains($business_region_ids::bigint[], business_region_id))
"""


def _in_period_sql(column: str) -> str:
    return f"""
    ($start::date is null or {column} >= $start::date)
    and ($end::date is null or {column} <= $end::date)
    and {_DIMENSIONS_SQL}
"""


def is_published() -> bool:
    return get_settings().published_database_path.is_file()


def _query(sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    path = get_settings().published_database_path
    try:
        stat = path.stat()
    except FileNotFoundError as error:
        raise NotPublishedError(str(path)) from error
    items = tuple(sorted((params or {}).items()))
    return _cached_query(sql, items, str(path), (stat.st_mtime_ns, stat.st_ino, stat.st_size))


@st.cache_data(ttl=60, show_spinner=False)
def _cached_query(
    sql: str, params: tuple[tuple[str, Any], ...], path: str, file_identity: tuple[int, int, int]
) -> pl.DataFrame:
    # file_identity only keys the cache: a republished file gets a new inode and mtime.
    del file_identity
    bound = {name: list(value) if isinstance(value, tuple) else value for name, value in params}
    connection = duckdb.connect(path, read_only=True)
    try:
        return connection.sql(sql, params=bound or None).pl()
    finally:
        connection.close()


# -- filter options ------------------------------------------------------------------------


def data_date_range() -> tuple[date | None, date | None]:
    """Earliest and latest date in the deals (created or closed), for the default period."""
    row = _query(
        """
        select
            min(created_date) as first_date,
            greatest(max(created_date), max(closed_date)) as last_date,
        from marts.fct_deals
        """
    ).row(0)
    return row[0], row[1]


def deal_kinds() -> pl.DataFrame:
    return _query(
        """
        select deal_kind_id, deal_kind_name, has_stages,
        from marts.dim_deal_kinds
        order by deal_kind_name
        """
    )


def managers() -> pl.DataFrame:
    return _query(
        """
        select manager_id, manager_name, is_active,
        from marts.dim_managers
        order by is_active desc, manager_name
        """
    )


def business_regions() -> pl.DataFrame:
    return _query(
        """
        select business_region_id, business_region_name,
        from marts.dim_business_regions
        order by business_region_name
        """
    )


def staged_deal_kinds(filters: Filters) -> pl.DataFrame:
    """Deal kinds that have a sales process (the only ones with a funnel)."""
    return _query(
        """
        select deal_kind_id, deal_kind_name,
        from marts.dim_deal_kinds
        where has_stages
            and ($deal_kind_ids::bigint[] is null
                or list_contains($deal_kind_ids::bigint[], deal_kind_id))
        order by deal_kind_name
        """,
        {"deal_kind_ids": _id_list(filters.deal_kind_ids)},
    )


# -- overview ------------------------------------------------------------------------------


def overview_kpis(filters: Filters) -> pl.DataFrame:
    """One row: the KPIs for the period (by closed_date) and for the previous period.

    Open deals are counted now and, for the delta, as they stood when the period began.
    Win rate = won / (won + lost) among deals closed in the period.
    """
    if filters.start is None or filters.end is None:
        raise ValueError("overview_kpis needs a period")
    previous_start, previous_end = previous_period(filters.start, filters.end)
    params = filters.params() | {"previous_start": previous_start, "previous_end": previous_end}
    return _query(
        f"""
        with deals as (
            select
                *,
                closed_date between $start::date and $end::date as is_closed_in_period,
                closed_date between $previous_start::date and $previous_end::date
                    as is_closed_in_previous,
            from marts.fct_deals
            where {_DIMENSIONS_SQL}
        )

        select
            count(*) filter (where is_open) as open_deals,
            count(*) filter (
                where created_date < $start::date
                    and (closed_date is null or closed_date >= $start::date)
            ) as open_deals_previous,
            coalesce(sum(won_amount) filter (where is_won and is_closed_in_period), 0)::double
                as won_amount,
            coalesce(sum(won_amount) filter (where is_won and is_closed_in_previous), 0)::double
                as won_amount_previous,
            count(*) filter (where is_won and is_closed_in_period) as deals_won,
            count(*) filter (where is_lost and is_closed_in_period) as deals_lost,
            count(*) filter (where is_won and is_closed_in_period)
                / nullif(count(*) filter (where (is_won or is_lost) and is_closed_in_period), 0)
                as win_rate,
            count(*) filter (where is_won and is_closed_in_previous)
                / nullif(count(*) filter (where (is_won or is_lost) and is_closed_in_previous), 0)
                as win_rate_previous,
            median(cycle_days) filter (where is_closed_in_period)::double as median_cycle_days,
            median(cycle_days) filter (where is_closed_in_previous)::double
                as median_cycle_days_previous,
        from deals
        """,
        params,
    )


def won_by_month(filters: Filters) -> pl.DataFrame:
    """Won amount and won deals per month of closing, within the period."""
    return _query(
        f"""
        select
            date_trunc('month', closed_date)::date as month,
            count(*) as deals_won,
            sum(won_amount)::double as won_amount,
        from marts.fct_deals
        where is_won and {_in_period_sql("closed_date")}
        group by 1
        order by 1
        """,
        filters.params(),
    )


# -- sales funnel --------------------------------------------------------------------------


def funnel(filters: Filters, deal_kind_id: int | None = None) -> pl.DataFrame:
    """The sales funnel per deal kind and stage over deals created in the period.

    Same definitions as ``rpt_sales_funnel`` (DESIGN.md §6), which it equals with no filters:
    a skipped stage counts as entered; days in stage are over stages actually entered.
    """
    params = filters.params() | {"deal_kind_id": deal_kind_id}
    return _query(
        f"""
        with stages as (
            select
                dim_sales_stages.deal_kind_id,
                dim_deal_kinds.deal_kind_name,
                dim_sales_stages.stage_id,
                dim_sales_stages.stage_name,
                dim_sales_stages.stage_sequence,
            from marts.dim_sales_stages
            inner join marts.dim_deal_kinds
                on dim_sales_stages.deal_kind_id = dim_deal_kinds.deal_kind_id
            where dim_deal_kinds.has_stages
                and ($deal_kind_id::bigint is null
                    or dim_sales_stages.deal_kind_id = $deal_kind_id::bigint)
                and ($deal_kind_ids::bigint[] is null
                    or list_contains($deal_kind_ids::bigint[], dim_sales_stages.deal_kind_id))
        ),

        stage_totals as (
            select
                stage_id,
                count(*) as deals_entered,
                count(*) filter (where was_skipped) as deals_skipped,
                count(*) filter (where is_advanced) as deals_advanced,
                count(*) filter (where outcome_at_stage = 'lost') as deals_lost,
                count(*) filter (where outcome_at_stage = 'won') as deals_won,
                count(*) filter (where outcome_at_stage = 'in_progress') as deals_in_progress,
                avg(days_in_stage) filter (where not was_skipped) as mean_days_in_stage,
                median(days_in_stage) filter (where not was_skipped) as median_days_in_stage,
                sum(potential_amount)::double as potential_amount_entered,
            from marts.fct_deal_stages
            where {_in_period_sql("deal_created_date")}
            group by 1
        ),

        stages_joined_to_totals as (
            select
                stages.*,
                coalesce(stage_totals.deals_entered, 0) as deals_entered,
                coalesce(stage_totals.deals_skipped, 0) as deals_skipped,
                coalesce(stage_totals.deals_advanced, 0) as deals_advanced,
                coalesce(stage_totals.deals_lost, 0) as deals_lost,
                coalesce(stage_totals.deals_won, 0) as deals_won,
                coalesce(stage_totals.deals_in_progress, 0) as deals_in_progress,
                stage_totals.mean_days_in_stage,
                stage_totals.median_days_in_stage,
                coalesce(stage_totals.potential_amount_entered, 0) as potential_amount_entered,
            from stages
            left join stage_totals on stages.stage_id = stage_totals.stage_id
        )

        select
            deal_kind_id,
            deal_kind_name,
            stage_id,
            stage_name,
            stage_sequence,
            deals_entered,
            deals_skipped,
            deals_advanced,
            deals_lost,
            deals_won,
            deals_in_progress,
            lead(deals_entered) over by_kind / nullif(deals_entered, 0) as conversion_to_next,
            deals_entered / nullif(first_value(deals_entered) over by_kind, 0)
                as cumulative_conversion,
            mean_days_in_stage,
            median_days_in_stage,
            potential_amount_entered,
        from stages_joined_to_totals
        window by_kind as (partition by deal_kind_id order by stage_sequence)
        order by deal_kind_name, stage_sequence
        """,
        params,
    )


def losses_by_stage_and_reason(filters: Filters, deal_kind_id: int | None = None) -> pl.DataFrame:
    """Deals lost at each stage, split by loss reason (null when none was recorded)."""
    params = filters.params() | {"deal_kind_id": deal_kind_id}
    return _query(
        f"""
        select
            deal_kind_id,
            stage_id,
            stage_name,
            stage_sequence,
            loss_reason_name,
            count(*) as deals_lost,
            sum(potential_amount)::double as potential_amount_lost,
        from marts.fct_deal_stages
        where outcome_at_stage = 'lost'
            and ($deal_kind_id::bigint is null or deal_kind_id = $deal_kind_id::bigint)
            and {_in_period_sql("deal_created_date")}
        group by all
        order by stage_sequence, deals_lost desc, loss_reason_name
        """,
        params,
    )


def days_in_stage(filters: Filters, deal_kind_id: int | None = None) -> pl.DataFrame:
    """One row per deal × stage actually entered (not skipped), for distributions."""
    params = filters.params() | {"deal_kind_id": deal_kind_id}
    return _query(
        f"""
        select deal_id, stage_id, stage_name, stage_sequence, days_in_stage,
        from marts.fct_deal_stages
        where not was_skipped
            and days_in_stage is not null
            and ($deal_kind_id::bigint is null or deal_kind_id = $deal_kind_id::bigint)
            and {_in_period_sql("deal_created_date")}
        order by stage_sequence, deal_id
        """,
        params,
    )


# -- deal efficiency -----------------------------------------------------------------------


def efficiency(filters: Filters, by: EfficiencyDimension = "manager") -> pl.DataFrame:
    """Deals created in the period, grouped by manager, business region or deal kind.

    Computed from fct_deals rather than rpt_deal_efficiency because medians over a period
    cannot be rebuilt from monthly medians.
    """
    id_column, name_column = _EFFICIENCY_COLUMNS[by]  # KeyError for anything not whitelisted
    return _query(
        f"""
        select
            {id_column} as group_id,
            {name_column} as group_name,
            count(*) as deals_total,
            count(*) filter (where is_won) as deals_won,
            count(*) filter (where is_lost) as deals_lost,
            count(*) filter (where is_open) as deals_in_progress,
            count(*) filter (where is_won) / nullif(count(*) filter (where is_won or is_lost), 0)
                as win_rate,
            coalesce(sum(won_amount) filter (where is_won), 0)::double as won_amount,
            sum(potential_amount)::double as potential_amount,
            avg(cycle_days) as mean_cycle_days,
            median(cycle_days)::double as median_cycle_days,
        from marts.fct_deals
        where {_in_period_sql("created_date")}
        group by 1, 2
        order by won_amount desc, deals_total desc, group_name
        """,
        filters.params(),
    )


def stage_win_probability(filters: Filters) -> pl.DataFrame:
    """Historical win share by stage (all time; only the deal-kind filter applies)."""
    return _query(
        """
        select
            rpt_stage_win_probability.deal_kind_id,
            dim_deal_kinds.deal_kind_name,
            rpt_stage_win_probability.stage_id,
            rpt_stage_win_probability.stage_name,
            rpt_stage_win_probability.stage_sequence,
            rpt_stage_win_probability.deals_closed_after_reaching,
            rpt_stage_win_probability.deals_won_after_reaching,
            rpt_stage_win_probability.win_share,
        from marts.rpt_stage_win_probability
        left join marts.dim_deal_kinds
            on rpt_stage_win_probability.deal_kind_id = dim_deal_kinds.deal_kind_id
        where $deal_kind_ids::bigint[] is null
            or list_contains($deal_kind_ids::bigint[], rpt_stage_win_probability.deal_kind_id)
        order by dim_deal_kinds.deal_kind_name, rpt_stage_win_probability.stage_sequence
        """,
        {"deal_kind_ids": _id_list(filters.deal_kind_ids)},
    )
