from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from crm.cli import main
from crm.sql import SqlError, run_query


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "warehouse" / "crm.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.fct_deals as select 1 as deal_id, 'won' as status")
    con.close()
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(path.parent))
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    return path


def test_query_formats(warehouse: Path) -> None:
    assert "won" in run_query(warehouse, "select * from marts.fct_deals")
    assert run_query(warehouse, "select * from marts.fct_deals", "csv") == "deal_id,status\n1,won\n"
    rows = json.loads(run_query(warehouse, "select * from marts.fct_deals", "json"))
    assert rows == [{"deal_id": 1, "status": "won"}]


def test_warehouse_is_read_only(warehouse: Path) -> None:
    with pytest.raises(SqlError, match="read-only"):
        run_query(warehouse, "delete from marts.fct_deals")
    assert run_query(warehouse, "select count(*) as n from marts.fct_deals", "csv") == "n\n1\n"


def test_cli_reports_errors_and_exit_codes(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "-c", "select status from marts.fct_deals", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "status\nwon\n"
    assert main(["sql", "-c", "select * from marts.no_such_table"]) == 1
    assert "no_such_table" in capsys.readouterr().err


def test_cli_without_published_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(tmp_path / "nothing"))
    assert main(["sql", "-c", "select 1"]) == 2
    assert "crm pipeline" in capsys.readouterr().err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ["seed", "pipeline", "app", "dashboards", "sql", "bench"]:
        with pytest.raises(SystemExit) as exited:
            main([command, "--help"])
        assert exited.value.code == 0
        assert "usage: crm" in capsys.readouterr().out
