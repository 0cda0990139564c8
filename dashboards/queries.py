"""The only module that touches DuckDB: read-only queries over the published marts.

Each version of the published warehouse is opened read-only once and every query runs on a
cursor of it (opening the file costs ~40 ms at scale large, more than most queries). The file's
identity (mtime, inode, size) is read on every query, so a republish (an atomic file swap by the
pipeline) is seen on the next query: the new file is opened, and the pipeline never writes into
a file readers hold, so no lock is ever met (see `_PublishedVersion`). Results are cached for a
minute, keyed on the SQL, its parameters and the file's identity, so a republish invalidates
them at once. User values always travel as bound parameters; SQL is only ever assembled from
column names fixed in this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import duckdb
import polars as pl
import streamlit as st

from crm.settings import get_settings

EfficiencyDimension = Literal[
    "manager", "business_region", "deal_kind", "industry", "regional_office", "department"
]

_EFFICIENCY_COLUMNS: dict[str, tuple[str, str]] = {
    "manager": ("manager_id", "manager_name"),
    "business_region": ("business_region_id", "business_region_name"),
    "deal_kind": ("deal_kind_id", "deal_kind_name"),
    # The partner's industry (dim_partners.industry; null when unknown): the id is the name.
    "industry": ("industry", "industry"),
    # The manager's place in the sales structure now (dim_managers; null when not placed).
    "regional_office": ("regional_office_id", "regional_office_name"),
    "department": ("department_id", "department_name"),
}
_MANAGER_STRUCTURE = ("regional_office", "department")


class NotPublishedError(RuntimeError):
    """The pipeline has not published a warehouse yet."""


class MissingMartError(RuntimeError):
    """The published warehouse predates a mart a page reads (or lost it)."""


@dataclass(frozen=True)
class Filters:
    """What the sidebar narrows every page to; empty tuples and ``None`` dates mean "all"."""

    start: date | None = None
    end: date | None = None
    deal_kind_ids: tuple[int, ...] = ()
    manager_ids: tuple[int, ...] = ()
    business_region_ids: tuple[int, ...] = ()
    industries: tuple[str, ...] = ()

    def params(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "deal_kind_ids": _id_list(self.deal_kind_ids),
            "manager_ids": _id_list(self.manager_ids),
            "business_region_ids": _id_list(self.business_region_ids),
            "industries": tuple(self.industries) or None,
        }


def _id_list(ids: tuple[int, ...]) -> tuple[int, ...] | None:
    # None (not an empty list) means "no filter", so the SQL can test `is null`.
    return tuple(ids) or None


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length (in days, both ends included) right before ``start``."""
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


# The industry filter reads dim_partners.industry, which a warehouse published before it (or
# before dim_partners) lacks. The clause sits between these markers and `_query` drops it when
# no industry is chosen, so such a warehouse still answers every unfiltered query.
_INDUSTRY_BEGIN, _INDUSTRY_END = "/* industries */", "/* end industries */"
_INDUSTRY_CLAUSE = re.compile(re.escape(_INDUSTRY_BEGIN) + ".*?" + re.escape(_INDUSTRY_END), re.S)


def _industry_sql(partner_column: str) -> str:
    """Rows whose partner is in one of the chosen industries (dim_partners.industry)."""
    return (
        f"{_INDUSTRY_BEGIN}($industries::varchar[] is null or {partner_column} in ("
        "select dim_partners.partner_id from marts.dim_partners"
        f" where list_contains($industries::varchar[], dim_partners.industry))){_INDUSTRY_END}"
    )


# Dimension filters shared by every filtered query; fct_deals and fct_deal_stages both carry
# deal_kind_id, manager_id, business_region_id and partner_id.
_DIMENSIONS_SQL = f"""
    ($deal_kind_ids::bigint[] is null or list_contains($deal_kind_ids::bigint[], deal_kind_id))
    and ($manager_ids::bigint[] is null or list_contains($manager_ids::bigint[], manager_id))
    and ($business_region_ids::bigint[] is null
        or list_contains($business_region_ids::bigint[], business_region_id))
    and {_industry_sql("partner_id")}
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
    if not (params or {}).get("industries"):
        sql = _INDUSTRY_CLAUSE.sub("true", sql)
    # DuckDB refuses parameters a statement does not use; shared filter dicts carry extra ones.
    used = set(re.findall(r"\$(\w+)", sql))
    items = tuple(sorted((name, value) for name, value in (params or {}).items() if name in used))
    return _cached_query(sql, items, str(path), (stat.st_mtime_ns, stat.st_ino, stat.st_size))


class _PublishedVersion:
    """One version of the published file, attached read-only once.

    Not `duckdb.connect(path)`: DuckDB shares one database instance per path within a process,
    so connecting again after a republish would return the old file's instance. Each version is
    attached to its own in-memory instance instead; it reads exactly the file that was there
    when it was attached, and the next version gets a fresh instance.
    """

    ALIAS = "published"

    def __init__(self, path: str) -> None:
        self.connection = duckdb.connect(":memory:")
        quoted = path.replace("'", "''")
        self.connection.execute(f"attach '{quoted}' as {self.ALIAS} (read_only)")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self.connection.cursor()
        cursor.execute(f"use {self.ALIAS}")
        return cursor

    def close(self) -> None:
        self.connection.close()


@st.cache_resource(max_entries=2, show_spinner=False, on_release=_PublishedVersion.close)
def _published_version(path: str, file_identity: tuple[int, int, int]) -> _PublishedVersion:
    # file_identity keys the resource: a republished file gets a new inode and mtime. The newest
    # two versions stay open so that queries still running on the previous one finish.
    del file_identity
    return _PublishedVersion(path)


def _run(
    path: str, file_identity: tuple[int, int, int], sql: str, bound: dict[str, Any]
) -> pl.DataFrame:
    cursor = _published_version(path, file_identity).cursor()
    try:
        return cursor.sql(sql, params=bound or None).pl()
    finally:
        cursor.close()


@st.cache_data(ttl=60, show_spinner=False)
def _cached_query(
    sql: str, params: tuple[tuple[str, Any], ...], path: str, file_identity: tuple[int, int, int]
) -> pl.DataFrame:
    bound = {name: list(value) if isinstance(value, tuple) else value for name, value in params}
    try:
        return _run(path, file_identity, sql, bound)
    except duckdb.CatalogException as error:
        raise MissingMartError(str(error)) from error


def missing_tables(*tables: str) -> list[str]:
    """Which of ``schema.table`` names the published warehouse lacks (an older publication)."""
    present = set(
        _query(
            """
            select schema_name || '.' || table_name as name, from duckdb_tables()
            union all
            select schema_name || '.' || view_name, from duckdb_views() where not internal
            """
        )["name"].to_list()
    )
    return [table for table in tables if table not in present]


# -- filter options ------------------------------------------------------------------------


def data_date_range() -> tuple[date | None, date | None]:
    """Earliest and latest business date in the marts (deals created or closed, orders placed,
    claims registered), for the default period: a warehouse of 2016-2017 history opens on 2017,
    not on an empty current year. Marts an older publication lacks are left out."""
    sources = {
        "marts.fct_deals": "select min(created_date) as first_date, "
        "greatest(max(created_date), max(closed_date)) as last_date from marts.fct_deals",
        "marts.fct_orders": "select min(ordered_date), max(ordered_date) from marts.fct_orders",
        "marts.fct_claims": "select min(registered_date), max(registered_date) "
        "from marts.fct_claims",
    }
    present = [sql for table, sql in sources.items() if table not in missing_tables(table)]
    if not present:
        return None, None
    row = _query(
        "select min(first_date) as first_date, max(last_date) as last_date from ("
        + " union all ".join(present)
        + ")"
    ).row(0)
    return row[0], row[1]


def last_planned_event_date() -> date | None:
    """The latest planned day in the events calendar (planned interactions lie ahead)."""
    if missing_tables("marts.rpt_events_calendar"):
        return None
    return _query("select max(planned_date) as last_date from marts.rpt_events_calendar").item()


def deal_kinds() -> pl.DataFrame:
    return _query(
        """
        select deal_kind_id, deal_kind_name, has_stages,
        from marts.dim_deal_kinds
        order by deal_kind_name
        """
    )


def managers() -> pl.DataFrame:
    """The people who manage deals: managers, and anyone else who is responsible for a deal
    (an administrator or operator without deals is not offered in the filter)."""
    return _query(
        """
        select manager_id, manager_name, is_active,
        from marts.dim_managers
        where role = 'manager'
            or manager_id in (select manager_id from marts.fct_deals where manager_id is not null)
        order by is_active desc, manager_name
        """
    )


def has_sales_structure() -> bool:
    """Whether the managers are placed in departments (dim_managers.department_id, which a
    warehouse published before the departments lacks): the pages then break down by office
    and team."""
    has_column = _query(
        """
        select count(*) as found, from duckdb_columns()
        where schema_name = 'marts' and table_name = 'dim_managers'
            and column_name = 'regional_office_id'
        """
    )
    if not has_column["found"][0]:
        return False
    placed = _query(
        "select count(*) as placed, from marts.dim_managers where regional_office_id is not null"
    )
    return bool(placed["placed"][0])


def industries() -> list[str]:
    """The partners' industries (dim_partners.industry), for the industry filter; none when the
    warehouse was published before dim_partners or its industry column."""
    has_column = _query(
        """
        select count(*) as found, from duckdb_columns()
        where schema_name = 'marts' and table_name = 'dim_partners' and column_name = 'industry'
        """
    )["found"][0]
    if not has_column:
        return []
    return _query(
        """
        select distinct industry, from marts.dim_partners
        where industry is not null
        order by industry
        """
    )["industry"].to_list()


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
    """Distribution of days in each stage actually entered (not skipped, already left): one row
    per stage with the box-plot figures, computed here rather than by the chart so that a
    million deal-stages do not travel to the browser.

    Whiskers follow Tukey: the furthest values within 1.5 IQR of the quartiles.
    """
    params = filters.params() | {"deal_kind_id": deal_kind_id}
    return _query(
        f"""
        with days as (
            select stage_id, stage_name, stage_sequence, days_in_stage
            from marts.fct_deal_stages
            where not was_skipped
                and days_in_stage is not null
                and ($deal_kind_id::bigint is null or deal_kind_id = $deal_kind_id::bigint)
                and {_in_period_sql("deal_created_date")}
        ),
        quartiles as (
            select
                stage_id,
                quantile_cont(days_in_stage, 0.25) as q1,
                quantile_cont(days_in_stage, 0.75) as q3
            from days
            group by stage_id
        )
        select
            days.stage_id,
            any_value(days.stage_name) as stage_name,
            any_value(days.stage_sequence) as stage_sequence,
            count(*) as deal_stages,
            min(days.days_in_stage) as min_days,
            any_value(quartiles.q1) as q1_days,
            median(days.days_in_stage) as median_days,
            any_value(quartiles.q3) as q3_days,
            max(days.days_in_stage) as max_days,
            avg(days.days_in_stage) as mean_days,
            min(days.days_in_stage) filter (
                where days.days_in_stage >= quartiles.q1 - 1.5 * (quartiles.q3 - quartiles.q1)
            ) as lower_whisker_days,
            max(days.days_in_stage) filter (
                where days.days_in_stage <= quartiles.q3 + 1.5 * (quartiles.q3 - quartiles.q1)
            ) as upper_whisker_days
        from days
        inner join quartiles on days.stage_id = quartiles.stage_id
        group by days.stage_id
        order by stage_sequence
        """,
        params,
    )


# -- deal efficiency -----------------------------------------------------------------------


def efficiency(filters: Filters, by: EfficiencyDimension = "manager") -> pl.DataFrame:
    """Deal outcomes grouped by manager, business region, deal kind, the partner's industry or
    the manager's regional office or team (group null when unknown), on the Overview's basis,
    so the same figure is the same on every page (summed over the groups they equal
    `overview_kpis`): won, lost, win rate, won amount and cycle over the deals *closed* in the
    period; in progress (and its potential amount) over the deals open now.

    Computed from fct_deals rather than rpt_deal_efficiency because medians over a period
    cannot be rebuilt from monthly medians.
    """
    id_column, name_column = _EFFICIENCY_COLUMNS[by]  # KeyError for anything not whitelisted
    # Only the industry grouping reads dim_partners (an older publication may lack it), only
    # the office and team groupings dim_managers' structure columns.
    lookup_sql = (
        "(select dim_partners.industry from marts.dim_partners"
        " where dim_partners.partner_id = fct_deals.partner_id) as industry,"
        if by == "industry"
        else ""
    )
    if by in _MANAGER_STRUCTURE:
        # Like the industry: read from dim_managers only for these groupings.
        lookup_sql = "".join(
            f"(select dim_managers.{column} from marts.dim_managers"
            f" where dim_managers.manager_id = fct_deals.manager_id) as {column},"
            for column in (id_column, name_column)
        )
    return _query(
        f"""
        with deals as (
            select
                *,
                closed_date between $start::date and $end::date as is_closed_in_period,
                {lookup_sql}
            from marts.fct_deals
            where {_DIMENSIONS_SQL}
        )

        select
            {id_column} as group_id,
            {name_column} as group_name,
            count(*) filter (where (is_won or is_lost) and is_closed_in_period or is_open)
                as deals_total,
            count(*) filter (where is_won and is_closed_in_period) as deals_won,
            count(*) filter (where is_lost and is_closed_in_period) as deals_lost,
            count(*) filter (where is_open) as deals_in_progress,
            count(*) filter (where is_won and is_closed_in_period)
                / nullif(count(*) filter (where (is_won or is_lost) and is_closed_in_period), 0)
                as win_rate,
            coalesce(sum(won_amount) filter (where is_won and is_closed_in_period), 0)::double
                as won_amount,
            coalesce(sum(potential_amount) filter (where is_open), 0)::double as potential_amount,
            avg(cycle_days) filter (where is_closed_in_period) as mean_cycle_days,
            median(cycle_days) filter (where is_closed_in_period)::double as median_cycle_days,
        from deals
        group by 1, 2
        having deals_total > 0
        order by won_amount desc, deals_total desc, group_name
        """,
        filters.params(),
    )


def outcome_totals(efficiency_rows: pl.DataFrame) -> dict[str, float | int | None]:
    """Deals won, won amount and win rate over the groups of an `efficiency` result (what the
    Regions page shows for all regions, and what equals `overview_kpis`)."""
    won = int(efficiency_rows["deals_won"].sum()) if efficiency_rows.height else 0
    lost = int(efficiency_rows["deals_lost"].sum()) if efficiency_rows.height else 0
    return {
        "deals_won": won,
        "deals_lost": lost,
        "won_amount": float(efficiency_rows["won_amount"].sum()) if efficiency_rows.height else 0.0,
        "win_rate": won / (won + lost) if won + lost else None,
    }


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


# -- shared helpers for the marts that carry only some of the filter columns ----------------


def _dimensions(
    *,
    deal_kind: str | None = None,
    manager: str | None = None,
    region: str | None = None,
    partner: str | None = None,
) -> str:
    """The dimension filters for the columns a mart has (a filter it lacks does not apply);
    ``partner`` is the partner id column the industry filter goes through."""
    parts = ["true"]
    for column, parameter in (
        (deal_kind, "deal_kind_ids"),
        (manager, "manager_ids"),
        (region, "business_region_ids"),
    ):
        if column is not None:
            parts.append(
                f"(${parameter}::bigint[] is null"
                f" or list_contains(${parameter}::bigint[], {column}))"
            )
    if partner is not None:
        parts.append(_industry_sql(partner))
    return "\n    and ".join(parts)


_DEAL_STAGE_DIMENSIONS_SQL = _dimensions(
    deal_kind="fct_deal_stages.deal_kind_id",
    manager="fct_deal_stages.manager_id",
    region="fct_deal_stages.business_region_id",
    partner="fct_deal_stages.partner_id",
)
_DEAL_DIMENSIONS_SQL = _dimensions(
    deal_kind="fct_deals.deal_kind_id",
    manager="fct_deals.manager_id",
    region="fct_deals.business_region_id",
    partner="fct_deals.partner_id",
)
_PARTNER_DIMENSIONS_SQL = _dimensions(
    manager="dim_partners.manager_id",
    region="dim_partners.business_region_id",
    partner="dim_partners.partner_id",
)


def _period(column: str) -> str:
    return f"($start::date is null or {column} >= $start::date)" + (
        f" and ($end::date is null or {column} <= $end::date)"
    )


def _month_period(column: str) -> str:
    """Months that overlap the period (for marts at month grain)."""
    return (
        f"($start::date is null or {column} >= date_trunc('month', $start::date))"
        f" and ($end::date is null or {column} <= $end::date)"
    )


# -- overview sparklines -------------------------------------------------------------------


def kpis_by_month(filters: Filters) -> pl.DataFrame:
    """The overview KPIs per month of the period, for the sparklines under each metric.

    Open deals are counted as they stood at the end of each month; the others are over deals
    closed in the month, as the KPI row does for the whole period.
    """
    if filters.start is None or filters.end is None:
        raise ValueError("kpis_by_month needs a period")
    return _query(
        f"""
        with months as (
            select unnest(generate_series(
                date_trunc('month', $start::date), $end::date, interval 1 month
            ))::date as month
        ),

        deals as (
            select * from marts.fct_deals where {_DIMENSIONS_SQL}
        ),

        closed_per_month as (
            select
                date_trunc('month', closed_date)::date as month,
                coalesce(sum(won_amount) filter (where is_won), 0)::double as won_amount,
                count(*) filter (where is_won)
                    / nullif(count(*) filter (where is_won or is_lost), 0) as win_rate,
                median(cycle_days)::double as median_cycle_days,
            from deals
            where closed_date between $start::date and $end::date
            group by 1
        ),

        open_at_month_end as (
            select
                months.month,
                count(deals.deal_id) as open_deals,
            from months
            left join deals
                on deals.created_date <= last_day(months.month)
                and (deals.closed_date is null or deals.closed_date > last_day(months.month))
            group by 1
        )

        select
            months.month,
            open_at_month_end.open_deals,
            coalesce(closed_per_month.won_amount, 0) as won_amount,
            closed_per_month.win_rate,
            closed_per_month.median_cycle_days,
        from months
        left join open_at_month_end on months.month = open_at_month_end.month
        left join closed_per_month on months.month = closed_per_month.month
        order by 1
        """,
        filters.params(),
    )


# -- sales funnel drill-down ---------------------------------------------------------------


def deals_at_stage(filters: Filters, stage_id: int) -> pl.DataFrame:
    """The deals behind one funnel bar: created in the period and reached the stage."""
    return _query(
        f"""
        select
            fct_deals.deal_id,
            fct_deals.deal_number,
            fct_deals.deal_name,
            fct_deals.partner_id,
            fct_deals.partner_name,
            fct_deals.manager_name,
            fct_deals.created_date,
            fct_deals.status,
            fct_deals.current_stage_name,
            fct_deal_stages.was_skipped,
            fct_deal_stages.outcome_at_stage,
            fct_deal_stages.days_in_stage,
            fct_deals.potential_amount::double as potential_amount,
        from marts.fct_deal_stages
        inner join marts.fct_deals on fct_deal_stages.deal_id = fct_deals.deal_id
        where fct_deal_stages.stage_id = $stage_id::bigint
            and {_period("fct_deal_stages.deal_created_date")}
            and {_DEAL_STAGE_DIMENSIONS_SQL}
        order by fct_deals.created_date, fct_deals.deal_id
        """,
        filters.params() | {"stage_id": stage_id},
    )


# -- weighted pipeline forecast (deal efficiency) ------------------------------------------


FORECAST_LIST_LIMIT = 500


def pipeline_forecast_totals(filters: Filters) -> pl.DataFrame:
    """Open deals, their potential and weighted amounts: one row (rpt_pipeline_forecast)."""
    return _query(
        f"""
        select
            count(*) as open_deals,
            coalesce(sum(rpt_pipeline_forecast.potential_amount), 0)::double as potential_amount,
            coalesce(sum(rpt_pipeline_forecast.weighted_amount), 0)::double as weighted_amount
        from marts.rpt_pipeline_forecast
        inner join marts.fct_deals on rpt_pipeline_forecast.deal_id = fct_deals.deal_id
        where {_DEAL_DIMENSIONS_SQL}
        """,
        filters.params(),
    )


def pipeline_forecast(filters: Filters, limit: int = FORECAST_LIST_LIMIT) -> pl.DataFrame:
    """The open deals with the largest weighted amounts, with their forecast probability
    (rpt_pipeline_forecast); `pipeline_forecast_totals` sums all of them.

    The forecast is about deals open now, so the period does not apply; the deal kind,
    manager and region filters do (through fct_deals).
    """
    return _query(
        f"""
        select
            rpt_pipeline_forecast.deal_id,
            fct_deals.deal_number,
            fct_deals.deal_name,
            fct_deals.partner_id,
            fct_deals.partner_name,
            fct_deals.manager_id,
            fct_deals.manager_name,
            fct_deals.deal_kind_name,
            fct_deals.business_region_name,
            fct_deals.current_stage_name,
            rpt_pipeline_forecast.potential_amount::double as potential_amount,
            rpt_pipeline_forecast.forecast_probability,
            rpt_pipeline_forecast.weighted_amount::double as weighted_amount,
            rpt_pipeline_forecast.stage_win_share,
            rpt_pipeline_forecast.manager_win_share,
            rpt_pipeline_forecast.partner_win_share,
            rpt_pipeline_forecast.deal_kind_win_share,
            rpt_pipeline_forecast.shares_with_history,
        from marts.rpt_pipeline_forecast
        inner join marts.fct_deals on rpt_pipeline_forecast.deal_id = fct_deals.deal_id
        where {_DEAL_DIMENSIONS_SQL}
        order by weighted_amount desc, rpt_pipeline_forecast.deal_id
        limit $limit
        """,
        filters.params() | {"limit": limit},
    )


def pipeline_forecast_by(filters: Filters, by: EfficiencyDimension = "manager") -> pl.DataFrame:
    """The weighted pipeline summed per manager, business region or deal kind."""
    id_column, name_column = _EFFICIENCY_COLUMNS[by]
    return _query(
        f"""
        select
            fct_deals.{id_column} as group_id,
            fct_deals.{name_column} as group_name,
            count(*) as open_deals,
            sum(rpt_pipeline_forecast.potential_amount)::double as potential_amount,
            sum(rpt_pipeline_forecast.weighted_amount)::double as weighted_amount,
            sum(rpt_pipeline_forecast.weighted_amount)
                / nullif(sum(rpt_pipeline_forecast.potential_amount), 0) as weighted_share,
        from marts.rpt_pipeline_forecast
        inner join marts.fct_deals on rpt_pipeline_forecast.deal_id = fct_deals.deal_id
        where {_DEAL_DIMENSIONS_SQL}
        group by 1, 2
        order by weighted_amount desc, group_name
        """,
        filters.params(),
    )


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


# -- events calendar -----------------------------------------------------------------------


def events_calendar(filters: Filters) -> pl.DataFrame:
    """Interactions per responsible user and planned day (the manager filter picks users)."""
    return _query(
        f"""
        select
            rpt_events_calendar.responsible_user_id as user_id,
            dim_managers.manager_name as user_name,
            rpt_events_calendar.planned_date,
            rpt_events_calendar.interactions_total,
            rpt_events_calendar.interactions_planned,
            rpt_events_calendar.interactions_done,
            rpt_events_calendar.interactions_overdue,
            rpt_events_calendar.interactions_cancelled,
            rpt_events_calendar.interactions_unreviewed,
        from marts.rpt_events_calendar
        left join marts.dim_managers
            on rpt_events_calendar.responsible_user_id = dim_managers.manager_id
        where {_period("rpt_events_calendar.planned_date")}
            and {_dimensions(manager="rpt_events_calendar.responsible_user_id")}
        order by user_name nulls last, planned_date
        """,
        filters.params(),
    )


def events_by_user(filters: Filters) -> pl.DataFrame:
    """The calendar summed per responsible user over the period."""
    return _query(
        f"""
        select
            rpt_events_calendar.responsible_user_id as user_id,
            dim_managers.manager_name as user_name,
            count(*) as days_with_events,
            sum(rpt_events_calendar.interactions_total)::bigint as interactions_total,
            sum(rpt_events_calendar.interactions_planned)::bigint as interactions_planned,
            sum(rpt_events_calendar.interactions_done)::bigint as interactions_done,
            sum(rpt_events_calendar.interactions_overdue)::bigint as interactions_overdue,
            sum(rpt_events_calendar.interactions_cancelled)::bigint as interactions_cancelled,
            sum(rpt_events_calendar.interactions_unreviewed)::bigint as interactions_unreviewed,
        from marts.rpt_events_calendar
        left join marts.dim_managers
            on rpt_events_calendar.responsible_user_id = dim_managers.manager_id
        where {_period("rpt_events_calendar.planned_date")}
            and {_dimensions(manager="rpt_events_calendar.responsible_user_id")}
        group by 1, 2
        order by interactions_overdue desc, interactions_total desc, user_name nulls last
        """,
        filters.params(),
    )


# One row per live interaction with the overdue and unreviewed flags rpt_events_calendar counts
# (dbt_project/models/marts/interactions/fct_interactions.yml).
INTERACTIONS_MART = "marts.fct_interactions"


def attention_interactions(filters: Filters, limit: int = 500) -> pl.DataFrame:
    """The overdue and the unreviewed interactions themselves (who, what, since when), planned
    up to the period's end, oldest first; the manager filter picks the responsible users."""
    return _query(
        f"""
        select
            fct_interactions.interaction_id,
            dim_managers.manager_name as user_name,
            fct_interactions.interaction_kind,
            fct_interactions.interaction_topic_name,
            fct_interactions.summary,
            fct_interactions.partner_id,
            fct_interactions.partner_name,
            fct_interactions.planned_at,
            fct_interactions.status,
            fct_interactions.is_overdue,
            fct_interactions.is_unreviewed,
        from {INTERACTIONS_MART} as fct_interactions
        left join marts.dim_managers
            on fct_interactions.responsible_user_id = dim_managers.manager_id
        where (fct_interactions.is_overdue or fct_interactions.is_unreviewed)
            and ($end::date is null or cast(fct_interactions.planned_at as date) <= $end::date)
            and {
            _dimensions(
                manager="fct_interactions.responsible_user_id",
                partner="fct_interactions.partner_id",
            )
        }
        order by fct_interactions.planned_at, fct_interactions.interaction_id
        limit $limit
        """,
        filters.params() | {"limit": limit},
    )


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


# -- GIS exchange health -------------------------------------------------------------------

GIS_SYSTEMS = ("egais", "vetis", "gismt")


def _systems_sql(column: str) -> str:
    return f"($systems::varchar[] is null or list_contains($systems::varchar[], {column}))"


def _gis_params(filters: Filters, systems: tuple[str, ...]) -> dict[str, Any]:
    return filters.params() | {"systems": tuple(systems) or None}


def gis_kpis(filters: Filters, systems: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row over the GIS documents first submitted in the period."""
    return _query(
        f"""
        select
            count(*) as documents,
            count(*) filter (where latest_status_group = 'accepted') as documents_accepted,
            count(*) filter (where latest_status_group = 'rejected') as documents_rejected,
            count(*) filter (where latest_status_group = 'error') as documents_error,
            count(*) filter (where latest_status_group = 'rejected') / nullif(count(*), 0)
                as rejection_rate,
            count(*) filter (where latest_status_group = 'error') / nullif(count(*), 0)
                as error_rate,
            count(*) filter (where is_open) as open_backlog,
            avg(hours_to_acceptance) as mean_hours_to_acceptance,
            median(hours_to_acceptance)::double as median_hours_to_acceptance,
        from marts.fct_gis_documents
        where {_period("first_event_date")} and {_systems_sql("system")}
        """,
        _gis_params(filters, systems),
    )


def gis_daily(filters: Filters, systems: tuple[str, ...] = ()) -> pl.DataFrame:
    """Documents per day (of first submission) and latest status group."""
    return _query(
        f"""
        select
            exchange_date,
            status_group,
            sum(documents)::bigint as documents,
        from marts.rpt_gis_exchange_daily
        where {_period("exchange_date")} and {_systems_sql("system")}
        group by 1, 2
        order by 1, 2
        """,
        _gis_params(filters, systems),
    )


def gis_by_document_type(filters: Filters, systems: tuple[str, ...] = ()) -> pl.DataFrame:
    """Per system and document type: volumes, rejection and error rates, time to acceptance."""
    return _query(
        f"""
        select
            system,
            document_type,
            count(*) as documents,
            count(*) filter (where latest_status_group = 'accepted') as documents_accepted,
            count(*) filter (where latest_status_group = 'rejected') as documents_rejected,
            count(*) filter (where latest_status_group = 'error') as documents_error,
            count(*) filter (where is_open) as open_backlog,
            count(*) filter (where latest_status_group = 'rejected') / count(*) as rejection_rate,
            count(*) filter (where latest_status_group = 'error') / count(*) as error_rate,
            avg(hours_to_acceptance) as mean_hours_to_acceptance,
        from marts.fct_gis_documents
        where {_period("first_event_date")} and {_systems_sql("system")}
        group by 1, 2
        order by documents desc, system, document_type
        """,
        _gis_params(filters, systems),
    )


def gis_error_codes(systems: tuple[str, ...] = (), top: int = 10) -> pl.DataFrame:
    """The top error codes per system (all time, as ranked by rpt_gis_error_codes)."""
    return _query(
        f"""
        select
            system,
            error_code,
            error_events,
            documents_affected,
            rank_in_system,
            first_seen_at,
            last_seen_at,
        from marts.rpt_gis_error_codes
        where rank_in_system <= $top::integer and {_systems_sql("system")}
        order by system, rank_in_system, error_code
        """,
        {"systems": tuple(systems) or None, "top": top},
    )


def gis_documents(
    filters: Filters, systems: tuple[str, ...] = (), status_group: str | None = None
) -> pl.DataFrame:
    """The documents behind the daily chart, optionally of one latest status group."""
    return _query(
        f"""
        select
            system,
            document_id,
            document_type,
            direction,
            reference,
            latest_status,
            latest_status_group,
            latest_error_code,
            event_count,
            first_event_at,
            accepted_at,
            hours_to_acceptance,
        from marts.fct_gis_documents
        where {_period("first_event_date")}
            and {_systems_sql("system")}
            and ($status_group::varchar is null or latest_status_group = $status_group::varchar)
        order by first_event_at desc, system, document_id
        """,
        _gis_params(filters, systems) | {"status_group": status_group},
    )


# -- GIS document lifecycles: the open backlog and what to fix today ------------------------
# The backlog is a snapshot at the build's as_of (days_open counts to it), so the period filter
# does not apply: a document stuck since last year is the first one to fix.

GIS_PENDING_WITH = ("us", "counterparty", "system")


def gis_backlog_kpis(systems: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row: open GIS documents per whose move it is, and the oldest waiting on us."""
    return _query(
        f"""
        select
            coalesce(sum(open_documents) filter (where pending_with = 'us'), 0)::bigint
                as pending_with_us,
            coalesce(sum(open_documents) filter (where pending_with = 'counterparty'), 0)::bigint
                as pending_with_counterparty,
            coalesce(sum(open_documents) filter (where pending_with = 'system'), 0)::bigint
                as pending_with_system,
            max(max_days_open) filter (where pending_with = 'us') as max_days_open_with_us,
        from marts.rpt_gis_open_backlog
        where {_systems_sql("system")}
        """,
        {"systems": tuple(systems) or None},
    )


def gis_open_documents(systems: tuple[str, ...] = (), pending_with: str = "us") -> pl.DataFrame:
    """The open documents whose move is ``pending_with``'s, oldest first, with the partner and
    the order (card link) their reference names; a reference that is no order stays as text."""
    return _query(
        f"""
        select
            lifecycles.system,
            lifecycles.document_id,
            lifecycles.document_kind,
            documents.document_type,
            lifecycles.lifecycle_state,
            lifecycles.latest_status,
            lifecycles.organization_inn,
            coalesce(lifecycles.counterparty_inn, lifecycles.counterparty_gis_id)
                as counterparty_key,
            lifecycles.partner_id,
            partners.partner_name,
            orders.order_id,
            orders.order_number,
            case
                when orders.order_number is distinct from lifecycles.reference
                    then lifecycles.reference
            end as reference,
            lifecycles.opened_at,
            lifecycles.last_event_at,
            lifecycles.days_open,
        from marts.fct_gis_document_lifecycles as lifecycles
        left join marts.fct_gis_documents as documents
            on lifecycles.gis_document_id = documents.gis_document_id
        left join marts.fct_orders as orders
            on documents.order_id = orders.order_id
        left join marts.dim_partners as partners
            on lifecycles.partner_id = partners.partner_id
        where lifecycles.is_open
            and lifecycles.pending_with = $pending_with::varchar
            and {_systems_sql("lifecycles.system")}
        order by
            lifecycles.days_open desc nulls last,
            lifecycles.opened_at,
            lifecycles.system,
            lifecycles.document_id
        """,
        {"systems": tuple(systems) or None, "pending_with": pending_with},
    )


def gis_backlog_by_counterparty(systems: tuple[str, ...] = ()) -> pl.DataFrame:
    """Open documents per counterparty and whose move it is (rpt_gis_open_backlog summed over
    organisations, document kinds and states)."""
    return _query(
        f"""
        select
            backlog.counterparty_key,
            max(backlog.partner_id) as partner_id,
            max(partners.partner_name) as partner_name,
            backlog.pending_with,
            sum(backlog.open_documents)::bigint as open_documents,
            max(backlog.max_days_open) as max_days_open,
        from marts.rpt_gis_open_backlog as backlog
        left join marts.dim_partners as partners
            on backlog.partner_id = partners.partner_id
        where {_systems_sql("backlog.system")}
        group by backlog.counterparty_key, backlog.pending_with
        order by open_documents desc, backlog.counterparty_key nulls last, backlog.pending_with
        """,
        {"systems": tuple(systems) or None},
    )


# -- data freshness ------------------------------------------------------------------------


def data_freshness() -> pl.DataFrame:
    """When each source was last loaded (meta.data_freshness, written by the publish step)."""
    return _query(
        """
        select source, last_loaded_at, rows, published_at,
        from meta.data_freshness
        order by source
        """
    )


def publication() -> pl.DataFrame:
    """The run that published this warehouse and when (meta.publication)."""
    return _query("select run_id, published_at, from meta.publication")


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
