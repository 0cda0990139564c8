"""Load Arrow tables into the DuckDB build database and record each load (DESIGN.md §1)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import duckdb
import pyarrow as pa

RAW_OLTP_SCHEMA = "raw_oltp"
META_SCHEMA = "meta"

FULL = "full"
INCREMENTAL = "incremental"


@dataclass(frozen=True)
class LoadResult:
    schema: str
    table_name: str
    # Rows written by this load: the whole table for a full load, the merged rows otherwise.
    row_count: int
    seconds: float
    mode: str = FULL
    # Rows in the raw table after the load (equal to row_count for a full load).
    table_rows: int | None = None
    # The raw table's max(updated_at) after the load: the next incremental extract starts here.
    watermark: dt.datetime | None = None
    # Rows that are new or differ from the stored version (all rows for a full load): the
    # safety overlap re-reads unchanged rows, which must not count as a change downstream.
    changed_rows: int | None = None


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_meta_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"""
        create table if not exists {META_SCHEMA}.load_log (
            run_id varchar not null,
            source_schema varchar not null,
            table_name varchar not null,
            row_count bigint not null,
            extract_seconds double,
            load_seconds double not null,
            loaded_at timestamp not null,
            mode varchar
        )
        """
    )
    # Build databases written before incremental loads have a load_log without these columns.
    con.execute(f"alter table {META_SCHEMA}.load_log add column if not exists mode varchar")
    con.execute(f"alter table {META_SCHEMA}.load_log add column if not exists changed_rows bigint")
    con.execute(
        f"""
        create table if not exists {META_SCHEMA}.watermarks (
            table_name varchar not null,
            max_updated_at timestamp,
            rows_merged bigint not null,
            loaded_at timestamp not null,
            run_id varchar not null
        )
        """
    )


def read_watermark(con: duckdb.DuckDBPyConnection, table_name: str) -> dt.datetime | None:
    """The max(updated_at) the last successful load of `table_name` left in raw, if any."""
    ensure_meta_schema(con)
    rows = con.execute(
        f"select max_updated_at from {META_SCHEMA}.watermarks where table_name = ?",
        [table_name],
    ).fetchall()
    return rows[0][0] if rows else None


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table_name: str) -> list[str]:
    """Column names of an existing table in order; empty when the table does not exist."""
    rows = con.execute(
        "select column_name from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and table_name = ? "
        "order by column_index",
        [schema, table_name],
    ).fetchall()
    return [name for (name,) in rows]


def column_types(con: duckdb.DuckDBPyConnection, schema: str, table_name: str) -> dict[str, str]:
    """DuckDB type of every column of an existing table; empty when the table does not exist."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and table_name = ? "
        "order by column_index",
        [schema, table_name],
    ).fetchall()
    return dict(rows)


def arrow_column_types(con: duckdb.DuckDBPyConnection, data: pa.Table) -> dict[str, str]:
    """The DuckDB type each column of `data` would get in a table created from it."""
    con.register("typed_arrow", data)
    try:
        rows = con.execute("describe select * from typed_arrow").fetchall()
    finally:
        con.unregister("typed_arrow")
    return {row[0]: row[1] for row in rows}


def replace_table(
    con: duckdb.DuckDBPyConnection, schema: str, table_name: str, data: pa.Table
) -> LoadResult:
    """Full refresh of one raw table, swapped in within a transaction so it is never half-loaded."""
    started = time.perf_counter()
    con.execute(f"create schema if not exists {schema}")
    con.register("incoming_arrow", data)
    try:
        con.execute("begin transaction")
        con.execute(
            f"create or replace table {schema}.{table_name} as select * from incoming_arrow"
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("incoming_arrow")
    return LoadResult(schema, table_name, data.num_rows, time.perf_counter() - started)


def load_with_watermark(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    schema: str,
    table_name: str,
    data: pa.Table,
    mode: str,
    extract_seconds: float | None,
    key: str = "id",
) -> LoadResult:
    """Replace (`full`) or merge by `key` (`incremental`) one raw table, in one transaction with
    its watermark and load-log row: a crash leaves either all three or none of them, so a
    watermark never runs ahead of the rows actually loaded.

    The merge deletes the stored versions of the incoming keys and inserts the incoming rows,
    so the raw table ends up equal to a full copy of the source (updates and soft deletes are
    just newer versions of a row) and loading the same rows twice changes nothing.
    """
    if mode not in (FULL, INCREMENTAL):
        raise ValueError(f"unknown load mode {mode!r}")
    started = time.perf_counter()
    qualified = f"{schema}.{table_name}"
    ensure_meta_schema(con)
    con.execute(f"create schema if not exists {schema}")
    con.register("incoming_arrow", data)
    try:
        con.execute("begin transaction")
        if mode == FULL:
            changed_rows = data.num_rows
            con.execute(f"create or replace table {qualified} as select * from incoming_arrow")
        else:
            columns = ", ".join(f'"{name}"' for name in data.schema.names)
            changed_rows = con.execute(
                f"select count(*) from (select {columns} from incoming_arrow except all "
                f"select {columns} from {qualified} "
                f"where {key} in (select {key} from incoming_arrow))"
            ).fetchall()[0][0]
            con.execute(
                f"delete from {qualified} where {key} in (select {key} from incoming_arrow)"
            )
            con.execute(f"insert into {qualified} by name select * from incoming_arrow")
        table_rows, watermark = con.execute(
            f"select count(*), max(updated_at) from {qualified}"
        ).fetchall()[0]
        loaded_at = _utc_now()
        seconds = time.perf_counter() - started
        con.execute(f"delete from {META_SCHEMA}.watermarks where table_name = ?", [table_name])
        con.execute(
            f"insert into {META_SCHEMA}.watermarks "
            "(table_name, max_updated_at, rows_merged, loaded_at, run_id) values (?, ?, ?, ?, ?)",
            [table_name, watermark, data.num_rows, loaded_at, run_id],
        )
        result = LoadResult(
            schema, table_name, data.num_rows, seconds, mode, table_rows, watermark, changed_rows
        )
        _insert_load_log(con, run_id, result, extract_seconds, loaded_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("incoming_arrow")
    return result


def _insert_load_log(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    result: LoadResult,
    extract_seconds: float | None,
    loaded_at: dt.datetime,
) -> None:
    con.execute(
        f"insert into {META_SCHEMA}.load_log (run_id, source_schema, table_name, row_count, "
        "extract_seconds, load_seconds, loaded_at, mode, changed_rows) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            result.schema,
            result.table_name,
            result.row_count,
            extract_seconds,
            result.seconds,
            loaded_at,
            result.mode,
            result.row_count if result.changed_rows is None else result.changed_rows,
        ],
    )


def record_load(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    result: LoadResult,
    extract_seconds: float | None,
) -> None:
    ensure_meta_schema(con)
    _insert_load_log(con, run_id, result, extract_seconds, _utc_now())
