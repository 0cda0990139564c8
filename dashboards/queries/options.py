"""The sidebar's options and the default period: deal kinds, managers, regions, industries."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.queries.core import Filters, _id_list, _query, missing_tables

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
