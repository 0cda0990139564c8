"""The only module that touches DuckDB: read-only queries over the published marts.

Each version of the published warehouse is opened read-only once and every query runs on a
cursor of it (opening the file costs more than most queries). The file's
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
from datetime import date
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from crm.settings import get_settings

# Re-exported: the Overview's query and the pages' comparisons shift periods alike.
from dashboards.periods import previous_period as previous_period


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
