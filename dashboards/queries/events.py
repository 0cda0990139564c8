"""Events calendar: planned and overdue interactions."""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _period, _query

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
