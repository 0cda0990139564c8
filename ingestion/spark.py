"""Spark as the dbt engine (issue #23): raw tables out to Parquet, marts back into DuckDB.

The pipeline still extracts into the DuckDB build database and still publishes from it. With
Spark as the engine, the raw schemas are written as Parquet files, registered in Spark's
catalog as external tables under the same names (`raw_oltp.deals`, ...), and dbt builds the
models in a local Spark session (profile target `spark`, `method: session`, running inside this
process). The marts Spark built are then written as Parquet and loaded back into the build
database's `marts` schema, cast to the types the DuckDB build gives them, so publish and the
dashboards stay as they are.

The Spark catalog (Hive metastore in embedded Derby) and its warehouse live under one
directory, `spark_dir`; dbt's profile reads the same paths from CRM_DBT_SPARK_DIR, so a
`dbt build --target spark` run by hand after a pipeline run finds the raw tables.

pyspark is an optional dependency (`make install-spark`): it is imported only here, when asked.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

RAW_SCHEMAS = ("raw_oltp", "raw_gis", "raw_ofd")
# The snapshot keeps history across runs, which needs MERGE: plain Parquet tables on Spark have
# none (Delta, Iceberg and Hudi do). It is built on DuckDB and Spark reads it as a table.
SNAPSHOT_SCHEMA = "snapshots"
MARTS_SCHEMA = "marts"
SPARK_DIR_VARIABLE = "CRM_DBT_SPARK_DIR"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def spark_available() -> str | None:
    """None when pyspark and a Java runtime are there, else the reason why not."""
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as error:
        return f"the optional spark group is not installed (make install-spark): {error}"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and not shutil.which("java"):
        return "no Java runtime (java on PATH or JAVA_HOME); Spark 4 needs Java 17 or later"
    return None


def session_config(spark_dir: Path, driver_memory: str = "4g") -> dict[str, str]:
    """The Spark settings of a local session; dbt's profile (target `spark`) repeats them, so
    whichever starts the session first, both see the same catalog."""
    spark_dir = spark_dir.resolve()
    return {
        "spark.master": "local[*]",
        "spark.app.name": "crm-warehouse-dbt",
        "spark.ui.enabled": "false",
        "spark.sql.warehouse.dir": str(spark_dir / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={spark_dir}",
        # The warehouse keeps naive UTC timestamps: `timestamp` means TIMESTAMP_NTZ, as in DuckDB.
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.timestampType": "TIMESTAMP_NTZ",
        # Small data on one machine: the default 200 shuffle partitions cost more than they give.
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.ansi.enabled": "false",
        "spark.driver.memory": driver_memory,
    }


def spark_session(spark_dir: Path, driver_memory: str = "4g") -> SparkSession:
    """The process's Spark session (started on first use), with the catalog under spark_dir."""
    from pyspark.sql import SparkSession

    spark_dir.mkdir(parents=True, exist_ok=True)
    os.environ[SPARK_DIR_VARIABLE] = str(spark_dir.resolve())
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in session_config(spark_dir, driver_memory).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def export_tables_to_parquet(
    con: duckdb.DuckDBPyConnection, schemas: Iterable[str], directory: Path
) -> dict[str, Path]:
    """Write every table of `schemas` as `<directory>/<schema>/<table>.parquet`; return them by
    `schema.table`. Files of tables no longer there are removed."""
    schemas = list(schemas)
    written: dict[str, Path] = {}
    for schema in schemas:
        shutil.rmtree(directory / schema, ignore_errors=True)
    tables = con.sql(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() and list_contains(?, schema_name) "
        "order by 1, 2",
        params=[schemas],
    ).fetchall()
    for schema, table in tables:
        target = directory / schema / f"{table}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy {_quote(schema)}.{_quote(table)} to '{target}' (format parquet)")
        written[f"{schema}.{table}"] = target
    return written


def register_parquet_tables(session: SparkSession, files: dict[str, Path]) -> None:
    """Make each `schema.table` a Spark external table over its Parquet file."""
    for schema in sorted({name.split(".", 1)[0] for name in files}):
        session.sql(f"create database if not exists `{schema}`")
    for name, path in files.items():
        schema, table = name.split(".", 1)
        session.sql(f"drop table if exists `{schema}`.`{table}`")
        session.sql(f"create table `{schema}`.`{table}` using parquet location '{path.resolve()}'")


def drop_built_schemas(session: SparkSession, schemas: Iterable[str]) -> None:
    """Drop the schemas dbt builds, so a run starts from an empty catalog as a full build."""
    for schema in schemas:
        session.sql(f"drop database if exists `{schema}` cascade")


def spark_tables(session: SparkSession, schema: str) -> list[str]:
    return sorted(
        row.tableName
        for row in session.sql(f"show tables in `{schema}`").collect()
        if not row.isTemporary
    )


def import_marts_to_duckdb(
    session: SparkSession,
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    column_types: dict[str, dict[str, str]] | None = None,
    schema: str = MARTS_SCHEMA,
) -> dict[str, int]:
    """Write every table of `schema` in Spark as Parquet under `directory`, then replace the
    same tables in DuckDB with it; return rows per table.

    `column_types` (table -> column -> DuckDB type) casts columns back to the types the DuckDB
    build gives them (Spark has no unsized varchar, and writes some sums as wider decimals);
    other columns keep the Parquet types. Column order is Spark's, which is the model's."""
    column_types = column_types or {}
    shutil.rmtree(directory / schema, ignore_errors=True)
    con.execute(f"create schema if not exists {_quote(schema)}")
    loaded: dict[str, int] = {}
    for table in spark_tables(session, schema):
        target = directory / schema / table
        session.table(f"`{schema}`.`{table}`").write.mode("overwrite").parquet(str(target))
        casts = column_types.get(table, {})
        columns = [
            row[0] for row in con.sql(f"describe select * from '{target}/*.parquet'").fetchall()
        ]
        select_list = ", ".join(
            f"cast({_quote(column)} as {casts[column]}) as {_quote(column)}"
            if column in casts
            else _quote(column)
            for column in columns
        )
        con.execute(
            f"create or replace table {_quote(schema)}.{_quote(table)} as "
            f"select {select_list} from read_parquet('{target}/*.parquet')"
        )
        # fetchall: DuckDB 2 keeps a result fetched with fetchone open on the connection
        [(loaded[table],)] = con.execute(
            f"select count(*) from {_quote(schema)}.{_quote(table)}"
        ).fetchall()
    return loaded


def contract_column_types(
    manifest: dict[str, Any], schema: str = MARTS_SCHEMA
) -> dict[str, dict[str, str]]:
    """table -> column -> declared data_type of every model in `schema` with a contract: the
    types the marts have in DuckDB, to cast Spark's output back to."""
    types: dict[str, dict[str, str]] = {}
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model" or node.get("schema") != schema:
            continue
        columns = {
            name: column["data_type"]
            for name, column in node.get("columns", {}).items()
            if column.get("data_type")
        }
        if columns:
            types[node["alias"] or node["name"]] = columns
    return types
