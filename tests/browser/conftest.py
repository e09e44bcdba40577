"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

One Chromium per test session (per xdist worker), one fresh browser context per test.
Every test in this folder gets the ``browser`` marker, so ``-m "not browser"`` skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread; Django would
# otherwise refuse ORM calls in test bodies with SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from pbx.simulator import RunningSimulator

from browser_support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, TIMEOUT_MS

BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); "
                "CI is set, and CI must not pass with skipped browser tests"
            )
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, live_server):
    page = context.new_page()
    # Uncaught JavaScript errors and anything the Content-Security-Policy refused (an inline
    # style or script in a template) fail the test.
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    assert not errors, "JavaScript errors or CSP refusals on the page:\n" + "\n".join(errors)


@pytest.fixture
def simulator(tmp_path, settings):
    """A real PBX simulator the portal pushes to, so a page's status line reaches "doorgevoerd"."""
    running = RunningSimulator(tmp_path / "pbx.sqlite3", "test-pbx-token").start()
    settings.PBX_URL = running.base_url
    settings.PBX_TOKEN = "test-pbx-token"
    try:
        yield running
    finally:
        running.stop()
