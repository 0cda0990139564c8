"""Publish the finished marts as a read-only warehouse with one atomic file replace.

Readers (dashboards, analysts) open the published file read-only per query. Because the new file
is complete before `os.replace` swaps it in, a reader sees either the previous run or this one,
never a half-built table or a mix of two runs, and never a lock held by the pipeline.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "meta")


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: list[str]
    seconds: float


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish_warehouse(
    build_path: Path,
    published_path: Path,
    parquet_dir: Path | None = None,
    run_id: str = "manual",
    schemas: tuple[str, ...] = PUBLISHED_SCHEMAS,
) -> PublishResult:
    """Copy the published schemas of the build database into a fresh file, then swap it in."""
    started = time.perf_counter()
    if not build_path.exists():
        raise FileNotFoundError(f"build database {build_path} does not exist; run the pipeline")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    staging_path = published_path.with_name(f".{published_path.name}.{os.getpid()}.publishing")
    staging_path.unlink(missing_ok=True)
    copied: list[str] = []
    try:
        con = duckdb.connect(str(staging_path))
        try:
            con.execute(f"attach {_literal(str(build_path))} as build (read_only)")
            tables = con.sql(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = 'build' and list_contains(?, schema_name) order by 1, 2",
                params=[list(schemas)],
            ).fetchall()
            if not any(schema == "marts" for schema, _ in tables):
                raise RuntimeError("the build database has no marts to publish; run dbt first")
            for schema, table in tables:
                con.execute(f"create schema if not exists {_quote(schema)}")
                qualified = f"{_quote(schema)}.{_quote(table)}"
                con.execute(f"create table {qualified} as select * from build.{qualified}")
                copied.append(f"{schema}.{table}")
            con.execute("create schema if not exists meta")
            con.execute(
                "create or replace table meta.publication as "
                "select ?::varchar as run_id, ?::timestamp as published_at",
                [run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            con.execute("detach build")
            if parquet_dir is not None:
                _export_parquet(con, tables, parquet_dir)
            con.execute("checkpoint")
        finally:
            con.close()
        # The atomic step: readers holding the old file keep their open handle until they close.
        os.replace(staging_path, published_path)
    finally:
        staging_path.unlink(missing_ok=True)
    return PublishResult(published_path, copied, time.perf_counter() - started)


def _export_parquet(
    con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]], parquet_dir: Path
) -> None:
    """Write the marts as Parquet into a fresh folder, then swap the folder in."""
    fresh_dir = parquet_dir.with_name(f".{parquet_dir.name}.{os.getpid()}.publishing")
    shutil.rmtree(fresh_dir, ignore_errors=True)
    fresh_dir.mkdir(parents=True)
    for schema, table in tables:
        if schema != "marts":
            continue
        target = fresh_dir / f"{table}.parquet"
        con.execute(
            f"copy {_quote(schema)}.{_quote(table)} to {_literal(str(target))} (format parquet)"
        )
    retired_dir = parquet_dir.with_name(f".{parquet_dir.name}.retired")
    shutil.rmtree(retired_dir, ignore_errors=True)
    if parquet_dir.exists():
        parquet_dir.rename(retired_dir)
    fresh_dir.rename(parquet_dir)
    shutil.rmtree(retired_dir, ignore_errors=True)
