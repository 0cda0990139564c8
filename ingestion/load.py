"""Load Arrow tables into the DuckDB build database and record each load (DESIGN.md §1)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import duckdb
import pyarrow as pa

RAW_OLTP_SCHEMA = "raw_oltp"
META_SCHEMA = "meta"


@dataclass(frozen=True)
class LoadResult:
    schema: str
    table_name: str
    row_count: int
    seconds: float


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
            loaded_at timestamp not null
        )
        """
    )


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


def record_load(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    result: LoadResult,
    extract_seconds: float | None,
) -> None:
    ensure_meta_schema(con)
    con.execute(
        f"insert into {META_SCHEMA}.load_log values (?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            result.schema,
            result.table_name,
            result.row_count,
            extract_seconds,
            result.seconds,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ],
    )
