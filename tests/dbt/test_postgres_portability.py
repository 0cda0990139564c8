"""The dbt project builds on PostgreSQL (`--target postgres`) with the same results as on DuckDB.

One tiny raw warehouse (tests/dbt/raw_build.py) is built in DuckDB and copied table by table
into a temporary PostgreSQL database; `dbt build` (models, snapshots, tests, unit tests) then runs
on both targets, and every mart table must hold the same rows on both.
Skipped with the reason when no PostgreSQL server is configured (CRM_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pytest
from sqlalchemy.engine import make_url

from operational_app.seed import Scale
from tests.dbt.raw_build import AS_OF, build_raw_duckdb
from tests.postgres import temporary_postgres_database

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
RAW_SCHEMAS = ("raw_oltp", "raw_gis", "raw_ofd")
# Large enough that the seed files claims, shipments and payments (a tiny seed has no claims).
SCALE = Scale(deals=1_500, partners=120, managers=4, operators=2)
# DuckDB column types → PostgreSQL, for copying the raw schemas across.
PG_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BLOB": "bytea",
}


# The incremental deal models and the change their second run must follow.
INCREMENTAL_DEAL_MODELS = (
    "int_deal_stages_collapsed_to_first_reach",
    "fct_deals",
    "fct_deal_stages",
)
RENAMED_SUFFIX = " (переименован)"
RENAME_MANAGER = (
    f"update raw_oltp.users set full_name = full_name || '{RENAMED_SUFFIX}' "
    "where id = (select min(manager_id) from raw_oltp.deals)"
)


def postgres_type(duckdb_type: str) -> str:
    if decimal := re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", duckdb_type):
        return f"numeric({decimal[1]},{decimal[2]})"
    return PG_TYPES[duckdb_type]


def copy_raw_schemas(source: Path, dsn: str) -> dict[str, int]:
    """Copy every raw_* table from the DuckDB file into PostgreSQL; return rows per table."""
    copied: dict[str, int] = {}
    with duckdb.connect(str(source), read_only=True) as con, psycopg.connect(dsn) as pg:
        tables = con.sql(
            "select schema_name, table_name from duckdb_tables() "
            "where list_contains(?, schema_name) order by 1, 2",
            params=[list(RAW_SCHEMAS)],
        ).fetchall()
        for schema in RAW_SCHEMAS:
            pg.execute(f"create schema if not exists {schema}")
        for schema, table in tables:
            columns = con.sql(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                params=[schema, table],
            ).fetchall()
            definition = ", ".join(f'"{name}" {postgres_type(kind)}' for name, kind in columns)
            pg.execute(f'create table {schema}."{table}" ({definition})')
            names = ", ".join(f'"{name}"' for name, _ in columns)
            rows = con.sql(f'select * from {schema}."{table}"').fetchall()
            with pg.cursor().copy(f'copy {schema}."{table}" ({names}) from stdin') as copy:
                for row in rows:
                    copy.write_row(row)
            copied[f"{schema}.{table}"] = len(rows)
    return copied


def dbt_build(
    target: str, work: Path, env: dict[str, str], command: tuple[str, ...] = ("build",)
) -> list[tuple[str, str, str]]:
    """`dbt build` (or `command`) on one target; return the (node, status, message) of every
    node that did not succeed."""
    from dbt.cli.main import dbtRunner

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        result = dbtRunner().invoke(
            [
                *command,
                "--target",
                target,
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(work / f"target-{target}"),
                "--log-path",
                str(work / f"logs-{target}"),
                "--no-partial-parse",
                "--quiet",
                # both targets compute overdue figures for the same moment, whenever each runs
                "--vars",
                f'{{as_of: "{AS_OF.isoformat()} 23:59:59.999999"}}',
            ]
        )
    assert result.result is not None, result.exception
    return [
        (node.node.unique_id, str(node.status), node.message or "")
        for node in result.result
        # exposures (the dashboards' lineage) have nothing to build: no-op
        if str(node.status) not in ("success", "pass") and node.node.resource_type != "exposure"
    ]


def normalised(value: object) -> object:
    """One representation per value on both engines: numbers as rounded Decimals (PostgreSQL
    returns numeric where DuckDB returns double for some averages), timestamps without zone."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return round(Decimal(str(value)), 6).normalize() + 0
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def sorted_rows(rows: list[tuple]) -> list[tuple]:
    converted = [tuple(normalised(value) for value in row) for row in rows]
    return sorted(converted, key=lambda row: tuple((v is None, str(v)) for v in row))


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, dict]]:
    work = tmp_path_factory.mktemp("portability")
    with temporary_postgres_database("crm_dbt_portability") as url:
        raw = build_raw_duckdb(work / "raw.duckdb", workdir=work, scale=SCALE)
        pg_url = make_url(url)
        dsn = pg_url.set(drivername="postgresql").render_as_string(hide_password=False)
        copied = copy_raw_schemas(raw, dsn)

        duck_env = {"CRM_DBT_DUCKDB_PATH": str(raw)}
        pg_env = {
            "CRM_DBT_PG_HOST": pg_url.host or "127.0.0.1",
            "CRM_DBT_PG_PORT": str(pg_url.port or 5432),
            "CRM_DBT_PG_USER": pg_url.username or "postgres",
            "CRM_DBT_PG_PASSWORD": pg_url.password or "",
            "CRM_DBT_PG_DBNAME": pg_url.database or "",
        }
        duck_failures = dbt_build("duckdb", work, duck_env)
        pg_failures = dbt_build("postgres", work, pg_env)
        # Then an incremental run of the deal models on both, after the same manager rename:
        # their pre-hook (a temporary table of the deals to rebuild, then a delete) runs on
        # PostgreSQL too, and the renamed manager's deals carry the new name on both.
        with duckdb.connect(str(raw)) as con:
            con.execute(RENAME_MANAGER)
        with psycopg.connect(dsn) as pg:
            pg.execute(RENAME_MANAGER)
        incremental = ("run", "--select", *INCREMENTAL_DEAL_MODELS)
        duck_failures += dbt_build("duckdb", work, duck_env, incremental)
        pg_failures += dbt_build("postgres", work, pg_env, incremental)
        yield raw, dsn, {"copied": copied, "duckdb": duck_failures, "postgres": pg_failures}


def test_raw_schemas_reach_postgres_whole(both_builds: tuple[Path, str, dict]) -> None:
    _, _, outcome = both_builds
    copied = outcome["copied"]
    assert copied["raw_oltp.deals"] > 0
    assert copied["raw_gis.exchange_events"] > 0
    assert copied["raw_ofd.receipts"] > 0
    assert copied["raw_oltp.claims"] > 0


def test_dbt_build_passes_on_both_targets(both_builds: tuple[Path, str, dict]) -> None:
    _, _, outcome = both_builds
    assert outcome["duckdb"] == [], outcome["duckdb"]
    assert outcome["postgres"] == [], outcome["postgres"]


def test_every_mart_holds_the_same_rows_on_both_targets(
    both_builds: tuple[Path, str, dict],
) -> None:
    raw, dsn, _ = both_builds
    # Not read_only: the in-process dbt run still holds a read-write connection to this file,
    # and DuckDB refuses a second connection with another configuration.
    with duckdb.connect(str(raw)) as con:
        duck_tables = [
            name
            for (name,) in con.sql(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        duck_rows = {
            table: (
                [row[0] for row in con.sql(f"describe marts.{table}").fetchall()],
                con.sql(f"select * from marts.{table}").fetchall(),
            )
            for table in duck_tables
        }
    with psycopg.connect(dsn) as pg:
        pg_tables = [
            name
            for (name,) in pg.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert pg_tables == duck_tables
        assert len(duck_tables) >= 20
        mismatched = []
        for table, (columns, rows) in duck_rows.items():
            column_list = ", ".join(f'"{column}"' for column in columns)
            pg_rows = pg.execute(f"select {column_list} from marts.{table}").fetchall()
            if sorted_rows(pg_rows) != sorted_rows(rows):
                mismatched.append((table, len(rows), len(pg_rows)))
    assert mismatched == [], mismatched


def test_incremental_deal_models_follow_a_renamed_manager_on_both_targets(
    both_builds: tuple[Path, str, dict],
) -> None:
    raw, dsn, outcome = both_builds
    assert outcome["duckdb"] == [] and outcome["postgres"] == [], outcome
    query = (
        "select count(*), count(case when manager_name like '%{suffix}' then 1 end) "
        "from marts.{table} where manager_id = (select min(manager_id) from raw_oltp.deals)"
    )
    with duckdb.connect(str(raw)) as con, psycopg.connect(dsn) as pg:
        for table in ("fct_deals", "fct_deal_stages"):
            sql = query.format(suffix=RENAMED_SUFFIX, table=table)
            ((rows, renamed),) = con.sql(sql).fetchall()
            assert rows > 0 and renamed == rows, (table, rows, renamed)
            assert pg.execute(sql).fetchall() == [(rows, renamed)], table
