"""The Spark hand-over's DuckDB side and pure helpers; Spark itself is exercised by
tests/dbt/test_spark_portability.py (marker `spark`)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion import spark
from orchestration.assets.dbt import spark_build_args


def test_raw_tables_are_written_as_parquet_per_schema(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("create schema raw_oltp; create schema marts")
    con.execute(
        "create table raw_oltp.deals as select range as id, 'x' || range as name from range(5)"
    )
    con.execute("create table marts.fct_deals as select 1 as deal_id")
    stale = tmp_path / "raw_oltp" / "gone.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")

    files = spark.export_tables_to_parquet(con, ["raw_oltp", "raw_gis"], tmp_path)

    assert list(files) == ["raw_oltp.deals"]
    assert con.execute(f"select count(*), max(id) from '{files['raw_oltp.deals']}'").fetchone() == (
        5,
        4,
    )
    assert not stale.exists()


def test_contract_types_are_read_from_the_marts_models() -> None:
    manifest = {
        "nodes": {
            "model.p.fct_deals": {
                "resource_type": "model",
                "schema": "marts",
                "name": "fct_deals",
                "alias": "fct_deals",
                "columns": {
                    "deal_id": {"data_type": "bigint"},
                    "deal_name": {"data_type": "varchar"},
                    "note": {},
                },
            },
            "model.p.stg_deals": {
                "resource_type": "model",
                "schema": "staging",
                "name": "stg_deals",
                "alias": "stg_deals",
                "columns": {"deal_id": {"data_type": "bigint"}},
            },
        }
    }
    assert spark.contract_column_types(manifest) == {
        "fct_deals": {"deal_id": "bigint", "deal_name": "varchar"}
    }


def test_spark_build_targets_spark_without_the_snapshot_and_unit_tests() -> None:
    args = spark_build_args(None)
    assert args[:3] == ["build", "--target", "spark"]
    assert set(args[args.index("--exclude") + 1].split()) == {
        "resource_type:snapshot",
        "resource_type:unit_test",
    }
    assert "--vars" not in args
    import datetime as dt

    pinned = spark_build_args(dt.datetime(2026, 6, 30, 23, 59, 59))
    assert pinned[-2:] == ["--vars", '{"as_of": "2026-06-30 23:59:59.000000"}']


def test_session_settings_keep_timestamps_naive_utc(tmp_path: Path) -> None:
    config = spark.session_config(tmp_path)
    assert config["spark.sql.timestampType"] == "TIMESTAMP_NTZ"
    assert config["spark.sql.session.timeZone"] == "UTC"
    assert config["spark.sql.warehouse.dir"] == str(tmp_path.resolve() / "warehouse")


def test_the_driver_memory_comes_from_the_settings(tmp_path: Path) -> None:
    from crm.settings import get_settings
    from orchestration.resources import warehouse_resource

    settings = get_settings({"CRM_DATA_DIR": str(tmp_path), "CRM_SPARK_DRIVER_MEMORY": "6g"})
    assert settings.spark_driver_memory == "6g"
    assert get_settings({"CRM_DATA_DIR": str(tmp_path)}).spark_driver_memory == "4g"
    memory = warehouse_resource(settings).spark_driver_memory
    assert spark.session_config(tmp_path, memory)["spark.driver.memory"] == "6g"
