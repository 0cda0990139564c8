from __future__ import annotations

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
