from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from sqlalchemy import create_engine

from ingestion.publish import publish_warehouse
from operational_app.db.models import Base
from orchestration.assets.ingestion import oltp_table_names, raw_oltp_asset_key
from orchestration.checks import (
    ROW_COUNT_CHECK,
    SOURCES_FRESH_CHECK,
    published_sources_fresh,
    raw_oltp_row_counts,
    reconcile_row_counts,
    row_count_check_result,
    stale_sources,
)
from orchestration.publish import PUBLISHED_WAREHOUSE_KEY
from orchestration.resources import WarehouseResource


def make_oltp(path: Path, tables: dict[str, list[int]]) -> str:
    with sqlite3.connect(path) as connection:
        for table, ids in tables.items():
            connection.execute(f"create table {table} (id integer primary key, name text)")
            connection.executemany(
                f"insert into {table} values (?, 'x')", [(row_id,) for row_id in ids]
            )
    return f"sqlite:///{path}"


def make_raw(con: duckdb.DuckDBPyConnection, tables: dict[str, list[int]]) -> None:
    con.execute("create schema if not exists raw_oltp")
    for table, ids in tables.items():
        con.execute(f"create table raw_oltp.{table} (id bigint, name varchar)")
        for row_id in ids:
            con.execute(f"insert into raw_oltp.{table} values (?, 'x')", [row_id])


def test_reconciliation_ignores_rows_added_after_the_extract(tmp_path: Path) -> None:
    url = make_oltp(tmp_path / "oltp.sqlite3", {"deals": [1, 2, 3, 4, 5], "users": [1, 2]})
    con = duckdb.connect()
    make_raw(con, {"deals": [1, 2, 3], "users": [1, 2]})  # deals 4 and 5 arrived later

    deals, users = reconcile_row_counts(url, con, ["deals", "users"])
    assert (deals.raw_rows, deals.oltp_rows, deals.oltp_rows_up_to_raw_max_id) == (3, 5, 3)
    assert deals.matches and deals.oltp_rows_since_extract == 2
    assert users.matches and users.oltp_rows_since_extract == 0
    result = row_count_check_result(deals)
    assert result.passed and result.asset_key == raw_oltp_asset_key("deals")
    assert result.metadata["oltp_rows_since_extract"].value == 2


def test_reconciliation_fails_on_a_row_missing_from_raw(tmp_path: Path) -> None:
    url = make_oltp(tmp_path / "oltp.sqlite3", {"deals": [1, 2, 3, 4], "users": [1]})
    con = duckdb.connect()
    make_raw(con, {"deals": [1, 2, 4]})  # deal 3 was lost; users never loaded

    deals, users = reconcile_row_counts(url, con, ["deals", "users"])
    assert not deals.matches
    result = row_count_check_result(deals)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert "raw holds 3 rows but the OLTP has 4" in (result.description or "")
    assert users.raw_rows is None and not users.matches
    assert "does not exist" in (row_count_check_result(users).description or "")
    with pytest.raises(ValueError):
        reconcile_row_counts(url, con, ["deals; drop table deals"])


def test_row_count_checks_run_as_asset_checks_of_the_raw_tables(tmp_path: Path) -> None:
    oltp = tmp_path / "oltp.sqlite3"
    engine = create_engine(f"sqlite:///{oltp}")
    Base.metadata.create_all(engine)  # the real schema, every table empty
    engine.dispose()
    build = tmp_path / "build.duckdb"
    con = duckdb.connect(str(build))
    make_raw(con, {name: [] for name in oltp_table_names() if name != "deals"})
    con.close()
    warehouse = WarehouseResource(
        oltp_url=f"sqlite:///{oltp}",
        build_database_path=str(build),
        published_database_path=str(tmp_path / "crm.duckdb"),
        parquet_dir=str(tmp_path / "parquet"),
    )
    check_spec = next(iter(raw_oltp_row_counts.check_specs))
    assert not check_spec.blocking  # see the module docstring for why

    result = dg.materialize(
        [*(dg.AssetSpec(raw_oltp_asset_key(name)) for name in oltp_table_names())]
        + [raw_oltp_row_counts],
        resources={"warehouse": warehouse},
        selection=dg.AssetSelection.checks(raw_oltp_row_counts),
    )
    evaluations = {
        evaluation.asset_key.path[-1]: evaluation
        for evaluation in result.get_asset_check_evaluations()
    }
    assert set(evaluations) == set(oltp_table_names())
    assert all(e.check_name == ROW_COUNT_CHECK for e in evaluations.values())
    assert not evaluations["deals"].passed  # raw_oltp.deals is missing
    assert all(e.passed for name, e in evaluations.items() if name != "deals")


def test_stale_sources_are_those_loaded_longer_ago_than_the_limit() -> None:
    now = dt.datetime(2026, 6, 30, 12, 0)
    freshness = [
        ("raw_oltp.deals", now - dt.timedelta(minutes=20)),
        ("raw_gis.vetis", now - dt.timedelta(hours=50)),
        ("raw_gis.egais", now - dt.timedelta(hours=26, minutes=30)),
    ]
    assert stale_sources(freshness, now, dt.timedelta(hours=26)) == [
        ("raw_gis.egais", 26.5),
        ("raw_gis.vetis", 50.0),
    ]
    assert stale_sources(freshness, now, dt.timedelta(hours=72)) == []


def published_with_loads(tmp_path: Path, loads: dict[str, dt.datetime]) -> WarehouseResource:
    build = tmp_path / "build.duckdb"
    con = duckdb.connect(str(build))
    con.execute("create schema marts")
    con.execute("create table marts.fct_deals as select 1 as deal_id")
    con.execute("create schema meta")
    con.execute(
        "create table meta.load_log (run_id varchar, source_schema varchar, table_name varchar,"
        " row_count bigint, extract_seconds double, load_seconds double, loaded_at timestamp)"
    )
    for table, loaded_at in loads.items():
        con.execute(
            "insert into meta.load_log values ('r', 'raw_oltp', ?, 1, 0, 0, ?)", [table, loaded_at]
        )
    con.close()
    published = tmp_path / "wh" / "crm.duckdb"
    publish_warehouse(build, published)
    return WarehouseResource(
        oltp_url="sqlite://",
        build_database_path=str(build),
        published_database_path=str(published),
        parquet_dir=str(tmp_path / "parquet"),
    )


def test_sources_fresh_check_warns_about_a_stale_source(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    warehouse = published_with_loads(
        tmp_path, {"deals": now - dt.timedelta(hours=1), "users": now - dt.timedelta(days=3)}
    )
    result = dg.materialize(
        [dg.AssetSpec(PUBLISHED_WAREHOUSE_KEY), published_sources_fresh],
        resources={"warehouse": warehouse},
        selection=dg.AssetSelection.checks(published_sources_fresh),
    )
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == SOURCES_FRESH_CHECK
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["stale_sources"].value == {"raw_oltp.users": 72.0}

    relaxed = dg.materialize(
        [dg.AssetSpec(PUBLISHED_WAREHOUSE_KEY), published_sources_fresh],
        resources={"warehouse": warehouse},
        selection=dg.AssetSelection.checks(published_sources_fresh),
        run_config={
            "ops": {published_sources_fresh.node_def.name: {"config": {"max_age_hours": 100}}}
        },
    )
    assert relaxed.get_asset_check_evaluations()[0].passed
