"""Settings the dashboards read (CRM_APP_URL, CRM_TIMEZONE), the `crm dashboards` command's
reader view, the default period on an old warehouse, and the manager filter's people."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from crm import cli
from crm.commands import serve
from crm.settings import get_settings
from dashboards import filters, queries
from dashboards.filters import MANAGERS_KEY
from dashboards.formatting import format_datetime, to_local
from dashboards.widgets import card_url


def test_app_url_and_timezone_default_and_override() -> None:
    defaults = get_settings({})
    assert (defaults.app_url, defaults.timezone) == ("http://127.0.0.1:8000", "Europe/Moscow")

    chosen = get_settings({"CRM_APP_URL": "https://crm.example/", "CRM_TIMEZONE": "Asia/Omsk"})
    assert (chosen.app_url, chosen.timezone) == ("https://crm.example", "Asia/Omsk")


def test_an_unknown_timezone_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="CRM_TIMEZONE must be an IANA time zone name"):
        get_settings({"CRM_TIMEZONE": "Mars/Olympus"})


def test_times_are_shown_in_the_configured_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_LANG", raising=False)
    monkeypatch.delenv("CRM_TIMEZONE", raising=False)
    utc = datetime(2024, 6, 20, 2, 10)

    assert to_local(utc) == datetime(2024, 6, 20, 5, 10)  # Moscow: UTC+3
    assert format_datetime(utc) == "20.06.2024 05:10"
    monkeypatch.setenv("CRM_TIMEZONE", "Asia/Novosibirsk")
    assert format_datetime(utc) == "20.06.2024 09:10"


def test_card_links_follow_the_app_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_APP_URL", "https://crm.example/base")
    assert card_url("deal", 7, "СД-00007") == "https://crm.example/base/deals/7#СД-00007"
    assert (
        card_url("partner", 101, "Партнёр 1") == "https://crm.example/base/partners/101#Партнёр 1"
    )
    assert card_url("order", None, "ЗК-1") is None


def test_crm_dashboards_starts_streamlit_in_reader_view(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(serve.subprocess, "call", lambda command: calls.append(command) or 0)

    assert cli.main(["dashboards"]) == 0

    (command,) = calls
    assert "--client.toolbarMode=viewer" in command  # no Deploy button, no developer menu
    config = (Path(cli.REPO_ROOT) / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'toolbarMode = "viewer"' in config


def test_an_old_history_opens_on_its_own_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warehouse of 2016-2017 imported history opens on 2017, whatever today is."""
    warehouse_dir = tmp_path / "warehouse"
    warehouse_dir.mkdir()
    with duckdb.connect(str(warehouse_dir / "crm.duckdb")) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_deals (created_date date, closed_date date)")
        connection.execute(
            "insert into marts.fct_deals values "
            "('2016-02-10', '2016-05-01'), ('2017-03-01', '2017-09-14'), ('2017-08-01', null)"
        )
        connection.execute("create table marts.fct_orders (ordered_date date)")
        connection.execute("insert into marts.fct_orders values ('2017-10-02')")
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(warehouse_dir))

    assert queries.data_date_range() == (date(2016, 2, 10), date(2017, 10, 2))
    assert filters.data_default_period() == (date(2016, 11, 1), date(2017, 10, 2))


def test_default_period_never_starts_before_the_data() -> None:
    assert filters.default_period(date(2017, 9, 30), date(2017, 3, 15)) == (
        date(2017, 3, 15),
        date(2017, 9, 30),
    )


def test_the_manager_filter_lists_only_people_with_deals(warehouse: Any, app_path: str) -> None:
    app = AppTest.from_file(app_path, default_timeout=60).run()

    options = app.multiselect(key=MANAGERS_KEY).options
    assert not [name for name in options if "Администратор" in name or "Оператор" in name]
    assert set(queries.managers()["manager_id"]) == {1, 2, 3}
