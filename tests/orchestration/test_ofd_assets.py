"""The ОФД asset (data/inbox/ofd -> raw_ofd): loads, reports, quarantines; no inbox still
creates the tables dbt reads."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.assets.ofd import OFD_RECEIPTS_KEY, raw_ofd_tables
from orchestration.resources import WarehouseResource
from tests.ingestion.ofd.test_receipts import SALE, _receipt


def _warehouse(tmp_path: Path, inbox: Path | None) -> WarehouseResource:
    return WarehouseResource(
        oltp_url="sqlite://",
        build_database_path=str(tmp_path / "build" / "crm_build.duckdb"),
        published_database_path=str(tmp_path / "crm.duckdb"),
        parquet_dir=str(tmp_path / "parquet"),
        ofd_inbox_dir=None if inbox is None else str(inbox),
        ofd_quarantine_dir=None if inbox is None else str(tmp_path / "quarantine"),
    )


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    (materialization,) = [
        m
        for m in result.asset_materializations_for_node("raw_ofd_tables")
        if m.asset_key == OFD_RECEIPTS_KEY
    ]
    return {
        name: getattr(value, "value", value) for name, value in materialization.metadata.items()
    }


def test_loads_the_inbox_once_and_quarantines(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox" / "ofd"
    inbox.mkdir(parents=True)
    (inbox / "good.json").write_text(json.dumps([SALE]), encoding="utf-8")
    (inbox / "bad.json").write_text(json.dumps(_receipt(totalSum=7)), encoding="utf-8")
    warehouse = _warehouse(tmp_path, inbox)
    first = dg.materialize([raw_ofd_tables], resources={"warehouse": warehouse})
    assert first.success
    metadata = _metadata(first)
    assert (metadata["files_loaded"], metadata["files_quarantined"]) == (1, 1)
    assert metadata["dagster/row_count"] == 1
    assert "ofd/bad.json" in str(metadata["quarantined"])
    again = dg.materialize([raw_ofd_tables], resources={"warehouse": warehouse})
    assert _metadata(again)["files_loaded"] == 0
    assert _metadata(again)["dagster/row_count"] == 1


def test_no_inbox_creates_the_tables(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path, None)
    assert dg.materialize([raw_ofd_tables], resources={"warehouse": warehouse}).success
    with duckdb.connect(warehouse.build_database_path, read_only=True) as con:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw_ofd'"
            ).fetchall()
        }
    assert {"receipts", "receipt_lines", "quarantine", "loaded_files"} <= tables
