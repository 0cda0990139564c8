"""Every dashboard page in a real browser: `streamlit run` against the fixture warehouse, opened
with Debian's chromium through Playwright; screenshots go to data/screenshots/dash_<page>.png."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboards.conftest import build_warehouse
from tests.dashboards.signin import build_oltp_with_sessions
from tests.e2e.serving import free_port

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
    "client_base": True,
    "plan_fact": True,
    "marketing": False,
    "data_freshness": False,
}
TIMEOUT_MS = 90_000


def _scale_amounts(path: Path, factor: int) -> None:
    """Money figures the size of a real company's (tens of millions), so the tiles are checked
    with the long values that used to be cut ("155 1…")."""
    import duckdb

    with duckdb.connect(str(path)) as connection:
        columns = connection.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and column_name like '%amount' "
            "and data_type not in ('VARCHAR') order by 1, 2"
        ).fetchall()
        for table, column in columns:
            connection.execute(
                f"update marts.{table} set {column} = {column} * {factor}"  # names from the catalog
            )


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
    _scale_amounts(warehouse_dir / "crm.duckdb", 1000)
    port = free_port()
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


def _signed_in_context(
    browser: object, manager_session: tuple[str, str], dashboards_url: str, width: int
) -> object:
    """A browser context at `width` px carrying a manager's app session (the dashboards ask
    for the app's sign-in)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")  # type: ignore[attr-defined]
    context.add_cookies(
        [{"name": "crm_session", "value": manager_session[1], "url": dashboards_url}]
    )
    return context


@pytest.mark.parametrize(("page", "has_chart"), PAGES.items())
def test_page_renders_in_the_browser(
    dashboards_url: str,
    manager_session: tuple[str, str],
    browser: object,
    page: str,
    has_chart: bool,
) -> None:
    context = _signed_in_context(browser, manager_session, dashboards_url, width=1280)
    try:
        tab = context.new_page()
        _open(tab, dashboards_url, page, has_chart)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # The page scrolls inside Streamlit's main block, not the document: grow the window
        # to the content's height so the screenshot shows the whole page at 1280 px.
        height = tab.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        tab.set_viewport_size({"width": 1280, "height": min(max(height, 900), 8000)})
        tab.wait_for_timeout(500)
        tab.screenshot(path=str(SCREENSHOTS / f"dash_{page}.png"), full_page=True)

        assert tab.locator('[data-testid="stException"]').count() == 0
        assert tab.locator('[data-testid="stAlertContentError"]').count() == 0
        assert "from=2023-07-01" in tab.url  # the filters stay in the URL
        # A reader's view: no Deploy button (client.toolbarMode = "viewer").
        assert tab.locator('[data-testid="stAppDeployButton"]').count() == 0
    finally:
        context.close()


def _open(tab: Any, url: str, page: str, has_chart: bool) -> None:
    path = "" if page == "overview" else page
    tab.goto(f"{url}/{path}?from=2023-07-01&to=2024-06-20", timeout=TIMEOUT_MS)
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


# Every element inside a KPI tile whose text is wider than its box (cut or ellipsised).
_CUT_TILE_TEXT = """
() => [...document.querySelectorAll('[data-testid="stMetric"], [data-testid="stMetric"] *')]
    .filter(el => el.clientWidth > 0 && el.textContent.trim()
        && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.textContent.trim())
"""


@pytest.mark.parametrize("width", [1280, 1440])
def test_kpi_tiles_are_never_cut(
    dashboards_url: str, manager_session: tuple[str, str], browser: object, width: int
) -> None:
    context = _signed_in_context(browser, manager_session, dashboards_url, width=width)
    try:
        tab = context.new_page()
        cut: dict[str, list[str]] = {}
        tiles = 0
        for page, has_chart in PAGES.items():
            _open(tab, dashboards_url, page, has_chart)
            tiles += tab.locator('[data-testid="stMetric"]').count()
            texts = tab.evaluate(_CUT_TILE_TEXT)
            if texts:
                cut[page] = texts
        assert tiles >= 20  # the check saw the tiles
        assert not cut
    finally:
        context.close()
