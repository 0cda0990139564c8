"""Debian's chromium driven by Playwright, for the browser tests: where it is, how it starts, and
the skip with the reason when it cannot."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "ru-RU"}


def require_browser() -> None:
    """Skip the test, saying why, where chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium to run browser tests)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@contextlib.contextmanager
def launched_chromium() -> Iterator[tuple[Any, Any]]:
    """(playwright, browser) until the block ends; Playwright's own browser download is never
    used (it fails offline)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield playwright, browser
        finally:
            browser.close()


@contextlib.contextmanager
def new_page(browser: Any, **context_options: Any) -> Iterator[Any]:
    """A page in a context of its own (a desktop at 1280 px in Russian unless told otherwise)."""
    context = browser.new_context(**(context_options or DESKTOP))
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
