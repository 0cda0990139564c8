"""Extract the OLTP database into Arrow tables (DESIGN.md §1).

DuckDB's sqlite/postgres scanner extensions cannot be downloaded here, so tables travel as Arrow
through connectorx, which reads SQLite at about a million rows a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import connectorx as cx
import duckdb
import pyarrow as pa
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from ingestion.load import RAW_OLTP_SCHEMA, LoadResult, record_load, replace_table

# Alembic's own bookkeeping is not business data.
EXCLUDED_TABLES = frozenset({"alembic_version"})


class SourceUnavailable(RuntimeError):
    """The OLTP database cannot be read (missing file, refused connection)."""


@dataclass(frozen=True)
class ExtractedTable:
    name: str
    data: pa.Table
    seconds: float

    @property
    def row_count(self) -> int:
        return self.data.num_rows


def connectorx_url(sqlalchemy_url: str) -> str:
    """Translate a SQLAlchemy URL into the form connectorx expects."""
    url = make_url(sqlalchemy_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise SourceUnavailable("an in-memory SQLite database cannot be extracted")
        path = Path(url.database).resolve()
        if not path.exists():
            raise SourceUnavailable(f"OLTP database file {path} does not exist; run `crm seed`")
        return f"sqlite://{path}"
    if backend == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    raise SourceUnavailable(f"unsupported OLTP backend {backend!r}: use SQLite or PostgreSQL")


def list_source_tables(sqlalchemy_url: str) -> list[str]:
    """The OLTP tables to copy, discovered from the live schema so raw mirrors it exactly."""
    engine = create_engine(sqlalchemy_url)
    try:
        names = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    return sorted(name for name in names if name not in EXCLUDED_TABLES)


def extract_table(sqlalchemy_url: str, table_name: str) -> ExtractedTable:
    if not table_name.isidentifier():
        raise ValueError(f"not a table name: {table_name!r}")
    started = time.perf_counter()
    data = cx.read_sql(
        connectorx_url(sqlalchemy_url), f"select * from {table_name}", return_type="arrow"
    )
    return ExtractedTable(table_name, data, time.perf_counter() - started)


def extract_tables(sqlalchemy_url: str, table_names: list[str]) -> Iterator[ExtractedTable]:
    """Yield tables one at a time so only one is held in memory while it is loaded."""
    for table_name in table_names:
        yield extract_table(sqlalchemy_url, table_name)


def copy_oltp_to_duckdb(
    sqlalchemy_url: str,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    table_names: list[str] | None = None,
    on_table: Callable[[LoadResult], None] | None = None,
) -> list[LoadResult]:
    """Full refresh of `raw_oltp` from the OLTP database, one table at a time."""
    names = list_source_tables(sqlalchemy_url) if table_names is None else table_names
    results = []
    for extracted in extract_tables(sqlalchemy_url, names):
        result = replace_table(con, RAW_OLTP_SCHEMA, extracted.name, extracted.data)
        record_load(con, run_id, result, extracted.seconds)
        results.append(result)
        if on_table is not None:
            on_table(result)
    return results
