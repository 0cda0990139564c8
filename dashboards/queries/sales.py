"""Overview, sales funnel and deal efficiency: deals, stages, win rate and the weighted pipeline."""

from __future__ import annotations

from typing import Literal

import polars as pl

from dashboards.queries.core import (
    _DEAL_DIMENSIONS_SQL,
    _DEAL_STAGE_DIMENSIONS_SQL,
    _DIMENSIONS_SQL,
    Filters,
    _dimensions,
    _id_list,
    _in_period_sql,
    _month_period,
    _period,
    _query,
    previous_period,
)

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


def _deal_outcomes_sql(closed: str, suffix: str = "") -> str:
    """The outcome measures of the deals for which the SQL condition `closed` holds: the one
    definition of deals won and lost, win rate (won / (won + lost) among the deals closed), won
    amount and cycle that every page shows (as rpt_deal_efficiency defines them per month)."""
    return f"""
        count(*) filter (where is_won and {closed}) as deals_won{suffix},
        count(*) filter (where is_lost and {closed}) as deals_lost{suffix},
        count(*) filter (where is_won and {closed})
            / nullif(count(*) filter (where (is_won or is_lost) and {closed}), 0)
            as win_rate{suffix},
        coalesce(sum(won_amount) filter (where is_won and {closed}), 0)::double
            as won_amount{suffix},
        avg(cycle_days) filter (where {closed}) as mean_cycle_days{suffix},
        median(cycle_days) filter (where {closed})::double as median_cycle_days{suffix},
    """


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
            {_deal_outcomes_sql("is_closed_in_period")}
            {_deal_outcomes_sql("is_closed_in_previous", suffix="_previous")}
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


FUNNEL_CELLS_MART = "marts.rpt_sales_funnel_cells"


def funnel(filters: Filters, deal_kind_id: int | None = None) -> pl.DataFrame:
    """The sales funnel per deal kind and stage over deals created in the period.

    Sums rpt_sales_funnel_cells (the funnel's additive counts, whose sums over all cells are
    rpt_sales_funnel) over the cells the filters keep, and divides the conversions and the mean
    days again from the sums, as rpt_sales_funnel does; medians come from fct_deal_stages.
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
                sum(deals_entered) as deals_entered,
                sum(deals_skipped) as deals_skipped,
                sum(deals_advanced) as deals_advanced,
                sum(deals_lost) as deals_lost,
                sum(deals_won) as deals_won,
                sum(deals_in_progress) as deals_in_progress,
                sum(days_in_stage_total) / nullif(sum(days_in_stage_counted), 0)
                    as mean_days_in_stage,
                sum(potential_amount_entered)::double as potential_amount_entered,
            from marts.rpt_sales_funnel_cells
            where {_in_period_sql("deal_created_date")}
            group by 1
        ),

        stage_medians as (
            select
                stage_id,
                median(days_in_stage) filter (where not was_skipped) as median_days_in_stage,
            from marts.fct_deal_stages
            where {_in_period_sql("deal_created_date")}
            group by 1
        ),

        stages_joined_to_totals as (
            select
                stages.*,
                coalesce(stage_totals.deals_entered, 0)::bigint as deals_entered,
                coalesce(stage_totals.deals_skipped, 0)::bigint as deals_skipped,
                coalesce(stage_totals.deals_advanced, 0)::bigint as deals_advanced,
                coalesce(stage_totals.deals_lost, 0)::bigint as deals_lost,
                coalesce(stage_totals.deals_won, 0)::bigint as deals_won,
                coalesce(stage_totals.deals_in_progress, 0)::bigint as deals_in_progress,
                stage_totals.mean_days_in_stage,
                stage_medians.median_days_in_stage,
                coalesce(stage_totals.potential_amount_entered, 0) as potential_amount_entered,
            from stages
            left join stage_totals on stages.stage_id = stage_totals.stage_id
            left join stage_medians on stages.stage_id = stage_medians.stage_id
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
            count(*) filter (where is_open) as deals_in_progress,
            {_deal_outcomes_sql("is_closed_in_period")}
            coalesce(sum(potential_amount) filter (where is_open), 0)::double as potential_amount,
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
                {_deal_outcomes_sql("true")}
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


# -- interactions and actual amount per deal (rpt_deal_interactions) -----------------------

_INTERACTION_GROUPS: dict[str, tuple[str, str, str]] = {
    # dimension -> (id column of rpt_deal_interactions, name table, name column)
    "manager": ("manager_id", "dim_managers", "manager_name"),
    "business_region": ("business_region_id", "dim_business_regions", "business_region_name"),
    "deal_kind": ("deal_kind_id", "dim_deal_kinds", "deal_kind_name"),
}


def deal_interactions_by(filters: Filters, by: EfficiencyDimension = "manager") -> pl.DataFrame:
    """Deals created in the months of the period (rpt_deal_interactions' grain is the deal, its
    period the creation month) per manager, business region or deal kind: their interactions,
    orders, potential and actual (shipped) amounts; per-deal and actual/potential ratios are
    divided again from the sums."""
    id_column, name_table, name_column = _INTERACTION_GROUPS[by]  # KeyError: not whitelisted
    return _query(
        f"""
        with per_group as (
            select
                rpt_deal_interactions.{id_column} as group_id,
                count(*) as deals,
                sum(rpt_deal_interactions.interactions_total) as interactions_total,
                sum(rpt_deal_interactions.interactions_done) as interactions_done,
                sum(rpt_deal_interactions.order_count) as order_count,
                sum(rpt_deal_interactions.potential_amount)::double as potential_amount,
                sum(rpt_deal_interactions.ordered_amount)::double as ordered_amount,
                sum(rpt_deal_interactions.actual_amount)::double as actual_amount,
            from marts.rpt_deal_interactions
            where {_month_period("rpt_deal_interactions.created_month")}
                and {
            _dimensions(
                deal_kind="rpt_deal_interactions.deal_kind_id",
                manager="rpt_deal_interactions.manager_id",
                region="rpt_deal_interactions.business_region_id",
                partner="rpt_deal_interactions.partner_id",
            )
        }
            group by 1
        )

        select
            per_group.group_id,
            {name_table}.{name_column} as group_name,
            per_group.deals,
            per_group.interactions_total,
            per_group.interactions_done,
            per_group.interactions_total / per_group.deals as interactions_per_deal,
            per_group.order_count,
            per_group.potential_amount,
            per_group.ordered_amount,
            per_group.actual_amount,
            per_group.actual_amount / nullif(per_group.potential_amount, 0)
                as actual_to_potential_share,
        from per_group
        left join marts.{name_table} on per_group.group_id = {name_table}.{id_column}
        order by per_group.actual_amount desc, per_group.deals desc, group_name
        """,
        filters.params(),
    )
