"""Every dashboard page in a real browser: `streamlit run` against the fixture warehouse, opened
with Debian's chromium through Playwright; screenshots go to data/screenshots/dash_<page>.png."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboards.conftest import build_warehouse
from tests.dashboards.signin import build_oltp_with_sessions

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "data" / "screenshots"
# url path -> whether the page draws a plotly chart
PAGES = {
    "overview": True,
    "sales_funnel": True,
    "deal_efficiency": True,
    "claims": True,
    "events_calendar": True,
    "orders": True,
    "regions": True,
    "gis_exchange": True,
    "data_freshness": False,
}
TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def manager_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The dashboards need sign-in: an OLTP database with a manager's session (its URL) and the
    session cookie each test's browser sends (its value)."""
    path = tmp_path_factory.mktemp("signin") / "crm.sqlite3"
    return f"sqlite:///{path}", build_oltp_with_sessions(path)["manager"]


@pytest.fixture(scope="module")
def dashboards_url(
    tmp_path_factory: pytest.TempPathFactory, manager_session: tuple[str, str]
) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium to run browser tests)")
    warehouse_dir = tmp_path_factory.mktemp("browser") / "warehouse"
    warehouse_dir.mkdir()
    build_warehouse(warehouse_dir / "crm.duckdb")
    port = _free_port()
    env = os.environ | {
        "CRM_WAREHOUSE_DIR": str(warehouse_dir),
        "CRM_LANG": "ru",
        "CRM_OLTP_URL": manager_session[0],
    }
    log = (warehouse_dir / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "dashboards" / "streamlit_app.py"),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, time.monotonic() + 90)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium to run browser tests)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.parametrize(("page", "has_chart"), PAGES.items())
def test_page_renders_in_the_browser(
    dashboards_url: str,
    manager_session: tuple[str, str],
    browser: object,
    page: str,
    has_chart: bool,
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ru-RU")  # type: ignore[attr-defined]
    context.add_cookies(
        [{"name": "crm_session", "value": manager_session[1], "url": dashboards_url}]
    )
    try:
        tab = context.new_page()
        path = "" if page == "overview" else page
        tab.goto(f"{dashboards_url}/{path}?from=2023-07-01&to=2024-06-20", timeout=TIMEOUT_MS)
        tab.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=TIMEOUT_MS)
        tab.wait_for_selector("h1", timeout=TIMEOUT_MS)
        if has_chart:
            tab.wait_for_selector(".js-plotly-plot", timeout=TIMEOUT_MS)
        else:
            tab.wait_for_selector('[data-testid="stDataFrame"]', timeout=TIMEOUT_MS)
        # Let the script run finish (no "running" status widget left).
        tab.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=TIMEOUT_MS,
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"dash_{page}.png"), full_page=True)

        assert tab.locator('[data-testid="stException"]').count() == 0
        assert tab.locator('[data-testid="stAlertContentError"]').count() == 0
        assert "from=2023-07-01" in tab.url  # the filters stay in the URL
    finally:
        context.close()
