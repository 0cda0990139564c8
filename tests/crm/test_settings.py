from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crm.settings import get_settings


def test_defaults_live_under_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = get_settings({})
    assert settings.data_dir == tmp_path / "data"
    assert settings.oltp_url == f"sqlite:///{tmp_path / 'data' / 'oltp' / 'crm.sqlite3'}"
    assert settings.published_database_path == tmp_path / "data" / "warehouse" / "crm.duckdb"
    assert settings.build_database_path.parent == tmp_path / "data" / "warehouse" / "build"
    assert settings.lang == "ru"


def test_environment_overrides(tmp_path: Path) -> None:
    settings = get_settings(
        {
            "CRM_DATA_DIR": str(tmp_path / "d"),
            "CRM_WAREHOUSE_DIR": str(tmp_path / "w"),
            "CRM_OLTP_URL": "postgresql://postgres@127.0.0.1/crm",
            "CRM_LANG": "EN",
        }
    )
    assert settings.gis_inbox_dir == tmp_path / "d" / "inbox" / "gis"
    assert settings.gis_quarantine_dir == tmp_path / "d" / "quarantine" / "gis"
    assert settings.published_database_path == tmp_path / "w" / "crm.duckdb"
    assert settings.parquet_dir == tmp_path / "w" / "parquet"
    assert settings.oltp_url == "postgresql://postgres@127.0.0.1/crm"
    assert not settings.is_sqlite
    assert settings.lang == "en"


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="CRM_LANG"):
        get_settings({"CRM_LANG": "de"})


def test_as_of_is_unset_by_default() -> None:
    assert get_settings({}).as_of is None
    assert get_settings({"CRM_AS_OF": " "}).as_of is None


def test_as_of_takes_a_date_or_a_timestamp() -> None:
    # A date: the end of that day, so everything dated that day has happened.
    end_of_day = get_settings({"CRM_AS_OF": "2026-06-30"}).as_of
    assert end_of_day == dt.datetime(2026, 6, 30, 23, 59, 59, 999999)
    assert get_settings({"CRM_AS_OF": "2026-06-30T18:30:00"}).as_of == dt.datetime(
        2026, 6, 30, 18, 30
    )
    # An offset is converted to UTC (the warehouse's timestamps are naive UTC).
    assert get_settings({"CRM_AS_OF": "2026-07-01 02:00:00+03:00"}).as_of == dt.datetime(
        2026, 6, 30, 23, 0
    )


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "30.06.2026"])
def test_a_bad_as_of_is_rejected_with_its_name(value: str) -> None:
    with pytest.raises(ValueError, match=r"CRM_AS_OF must be an ISO date .* got '"):
        get_settings({"CRM_AS_OF": value})


def test_dbt_engine_is_duckdb_unless_spark_is_asked_for(tmp_path: Path) -> None:
    assert get_settings({"CRM_DATA_DIR": str(tmp_path)}).dbt_engine == "duckdb"
    settings = get_settings({"CRM_DATA_DIR": str(tmp_path), "CRM_DBT_ENGINE": " Spark "})
    assert settings.dbt_engine == "spark"
    assert settings.spark_dir == tmp_path / "warehouse" / "build" / "spark"
    with pytest.raises(ValueError, match="CRM_DBT_ENGINE"):
        get_settings({"CRM_DBT_ENGINE": "snowflake"})
