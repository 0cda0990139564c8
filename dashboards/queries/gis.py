"""GIS exchange health (ЕГАИС, ВетИС, ГИС МТ) and the open document backlog."""

from __future__ import annotations

from typing import Any

import polars as pl

from dashboards.queries.core import Filters, _period, _query

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
