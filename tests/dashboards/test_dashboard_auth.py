"""The dashboards answer only a signed-in manager or administrator (#16 item 8).

The decision is tested on its own against sessions the app's rule created (signin.py), then
the whole app through AppTest with the cookie value handed over (AppTest cannot seed
`st.context.cookies`), and once in a real browser: sign in at the running app, then open the
running dashboards with the cookie the browser got.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import auth as dashboards_auth
from tests.dashboards.signin import build_oltp_with_sessions
from tests.e2e.serving import free_port

FIXED_NOW = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def sessions_at_fixed_time(tmp_path: Path) -> tuple[str, dict[str, str], Path]:
    path = tmp_path / "oltp.sqlite3"
    return f"sqlite:///{path}", build_oltp_with_sessions(path, now=FIXED_NOW), path


@pytest.mark.parametrize(
    ("visitor", "reason"),
    [
        ("manager", "signed_in"),
        ("administrator", "signed_in"),
        ("operator", "role"),
        ("inactive_manager", "no_session"),
        ("expired_manager", "no_session"),
        ("revoked_manager", "no_session"),
    ],
)
def test_decide_follows_the_apps_sessions_and_roles(
    sessions_at_fixed_time: tuple[str, dict[str, str], Path], visitor: str, reason: str
) -> None:
    url, tokens, _ = sessions_at_fixed_time
    verdict = dashboards_auth.decide(url, tokens[visitor], now=FIXED_NOW + dt.timedelta(hours=1))
    assert verdict.reason == reason
    assert verdict.allowed is (reason == "signed_in")
    if reason in ("signed_in", "role"):
        assert verdict.user is not None and verdict.user.login == visitor


def test_decide_refuses_missing_forged_and_stale_cookies(
    sessions_at_fixed_time: tuple[str, dict[str, str], Path],
) -> None:
    url, tokens, _ = sessions_at_fixed_time
    later = FIXED_NOW + dt.timedelta(hours=1)
    assert dashboards_auth.decide(url, None, now=later).reason == "no_cookie"
    assert dashboards_auth.decide(url, "", now=later).reason == "no_cookie"
    assert dashboards_auth.decide(url, "forged-token", now=later).reason == "no_session"
    assert dashboards_auth.decide(url, "x" * 10_000, now=later).reason == "no_session"
    # The same manager's session, looked at after it expired.
    after_expiry = FIXED_NOW + dashboards_auth_session_ttl() + dt.timedelta(seconds=1)
    assert dashboards_auth.decide(url, tokens["manager"], now=after_expiry).reason == "no_session"


def dashboards_auth_session_ttl() -> dt.timedelta:
    from operational_app.auth import SESSION_TTL

    return SESSION_TTL


def test_decide_never_writes_the_oltp_database(
    sessions_at_fixed_time: tuple[str, dict[str, str], Path], tmp_path: Path
) -> None:
    url, tokens, path = sessions_at_fixed_time

    def expiries() -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as connection:
            return connection.execute("select id, expires_at from user_sessions").fetchall()

    before = expiries()
    # Late in the session, when the app itself would slide the expiry forward.
    late = FIXED_NOW + dt.timedelta(hours=11)
    assert dashboards_auth.decide(url, tokens["manager"], now=late).allowed
    assert expiries() == before

    missing = tmp_path / "nowhere" / "crm.sqlite3"
    verdict = dashboards_auth.decide(f"sqlite:///{missing}", tokens["manager"], now=late)
    assert verdict.reason == "unavailable"
    assert not missing.exists() and not missing.parent.exists()


def test_login_link_points_at_the_configured_app() -> None:
    link = dashboards_auth.app_login_url(
        "https://crm.example.ru:8501/sales_funnel?from=x", "https://crm.example.ru/app/"
    )
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "crm.example.ru", "/app/login")
    assert parse_qs(parts.query)["next"] == ["https://crm.example.ru:8501/sales_funnel?from=x"]


# -- the whole app through AppTest ---------------------------------------------------------------


def _run(app_path: str, token: str | None, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setattr(dashboards_auth, "session_cookie", lambda: token)
    app = AppTest.from_file(app_path, default_timeout=60)
    app.context = {"url": "http://dash.example:8501/"}
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _figures(app: AppTest) -> list[object]:
    return [*app.metric, *app.get("plotly_chart"), *app.dataframe, *app.date_input]


def test_anonymous_visitor_sees_the_prompt_and_no_figures(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _run(app_path, None, monkeypatch)
    assert [title.value for title in app.title] == ["Вход в аналитику"]
    assert "после входа" in app.info[0].value
    (button,) = app.get("link_button")
    link = urlsplit(button.proto.url)
    assert (link.netloc, link.path) == ("127.0.0.1:8000", "/login")  # CRM_APP_URL default
    assert urlsplit(parse_qs(link.query)["next"][0]).netloc == "dash.example:8501"
    assert _figures(app) == []

    # Another page by its URL: the same prompt, no page runs.
    app.switch_page("app_pages/deal_efficiency.py").run()
    assert [title.value for title in app.title] == ["Вход в аналитику"]
    assert _figures(app) == []


@pytest.mark.parametrize("visitor", ["revoked_manager", "expired_manager", "inactive_manager"])
def test_dead_sessions_see_the_prompt(
    warehouse: Any,
    app_path: str,
    monkeypatch: pytest.MonkeyPatch,
    oltp_sessions: tuple[str, dict[str, str]],
    visitor: str,
) -> None:
    app = _run(app_path, oltp_sessions[1][visitor], monkeypatch)
    assert "Сеанс истёк" in app.info[0].value
    assert _figures(app) == []


def test_operator_is_told_the_role_is_missing(
    warehouse: Any,
    app_path: str,
    monkeypatch: pytest.MonkeyPatch,
    oltp_sessions: tuple[str, dict[str, str]],
) -> None:
    app = _run(app_path, oltp_sessions[1]["operator"], monkeypatch)
    assert "operator (роль: оператор)" in app.warning[0].value
    assert _figures(app) == []


def test_english_prompt(warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_LANG", "en")
    app = _run(app_path, None, monkeypatch)
    assert [title.value for title in app.title] == ["Sign in to the dashboards"]


@pytest.mark.parametrize("visitor", ["manager", "administrator"])
def test_signed_in_manager_sees_the_page(
    warehouse: Any,
    app_path: str,
    monkeypatch: pytest.MonkeyPatch,
    oltp_sessions: tuple[str, dict[str, str]],
    visitor: str,
) -> None:
    app = _run(app_path, oltp_sessions[1][visitor], monkeypatch)
    assert [title.value for title in app.title] == ["Обзор"]
    assert len(app.metric) >= 4
    assert not app.get("link_button")


# -- a real browser against the running app and dashboards ---------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 90_000
LOGIN, PASSWORD = "manager-dash", "Manager-dash-pass-1"


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing answered on {url}:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app and the dashboards on two loopback ports, sharing one OLTP database."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium to run browser tests)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from operational_app.accounts import add_user
    from tests.dashboards.conftest import build_warehouse

    root = tmp_path_factory.mktemp("signin")
    db_url = f"sqlite:///{root / 'oltp' / 'crm.sqlite3'}"
    add_user(db_url, LOGIN, role="manager", full_name="Менеджер Панелей", password=PASSWORD)
    (root / "warehouse").mkdir()
    build_warehouse(root / "warehouse" / "crm.duckdb")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRM_")}
    env |= {
        "CRM_DATA_DIR": str(root),
        "CRM_OLTP_URL": db_url,
        "CRM_WAREHOUSE_DIR": str(root / "warehouse"),
        "CRM_LANG": "ru",
    }
    app_port, dash_port = free_port(), free_port()
    commands = {
        "app": [sys.executable, "-m", "uvicorn", "operational_app.main:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(app_port)],
        "dashboards": [sys.executable, "-m", "streamlit", "run",
                       str(REPO / "dashboards" / "streamlit_app.py"), "--server.headless=true",
                       "--server.address=127.0.0.1", f"--server.port={dash_port}",
                       "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
    }  # fmt: skip
    processes = []
    try:
        for name, command in commands.items():
            log = root / f"{name}.log"
            with log.open("wb") as log_file:
                processes.append(
                    subprocess.Popen(
                        command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT
                    )
                )
        app_url, dash_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{dash_port}"
        _wait(f"{app_url}/login", processes[0], root / "app.log", time.monotonic() + 90)
        _wait(f"{dash_url}/_stcore/health", processes[1], root / "dashboards.log",
              time.monotonic() + 90)  # fmt: skip
        yield app_url, dash_url
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.browser
def test_browser_signs_in_at_the_app_then_sees_the_dashboards(running: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    app_url, dash_url = running
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(locale="ru-RU")
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            expect.set_options(timeout=TIMEOUT_MS)

            # Anonymous: the prompt with a link to the app's /login, no figures.
            page.goto(f"{dash_url}/?from=2023-07-01&to=2024-06-20")
            expect(page.locator("h1")).to_have_text("Вход в аналитику")
            link = page.get_by_role("link", name="Войти")
            expect(link).to_have_attribute("href", re.compile(r":8000/login\?next="))
            expect(page.locator('[data-testid="stMetric"]')).to_have_count(0)

            # Sign in at the app; the browser now holds its session cookie.
            page.goto(f"{app_url}/login")
            page.locator("input[name=login]").fill(LOGIN)
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("form button[type=submit]").click()
            page.wait_for_url(re.compile(r"^" + re.escape(app_url) + r"/(?!login)"))
            assert any(cookie["name"] == "crm_session" for cookie in context.cookies())

            # The dashboards read that cookie and show the page.
            page.goto(f"{dash_url}/?from=2023-07-01&to=2024-06-20")
            expect(page.locator("h1").first).to_have_text("Обзор")
            expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
            context.close()
        finally:
            browser.close()


@pytest.mark.postgres
def test_decide_on_postgresql_reads_through_a_read_only_connection(postgres_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    tokens = build_oltp_with_sessions(postgres_url, now=FIXED_NOW)
    later = FIXED_NOW + dt.timedelta(hours=1)
    assert dashboards_auth.decide(postgres_url, tokens["manager"], now=later).allowed
    assert dashboards_auth.decide(postgres_url, tokens["operator"], now=later).reason == "role"
    assert dashboards_auth.decide(postgres_url, "forged", now=later).reason == "no_session"
    engine = dashboards_auth._read_only_engine(postgres_url)
    with engine.connect() as connection, pytest.raises(DBAPIError, match="read-only"):
        connection.execute(text("update user_sessions set revoked_at = now()"))
    engine.dispose()
