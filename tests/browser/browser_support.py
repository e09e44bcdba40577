"""Helpers for the browser tests (a module of its own: test files cannot import conftest
reliably, several folders have one)."""

from __future__ import annotations

import os

import pytest

# Debian's Chromium; PORTAL_CHROMIUM points elsewhere (another distribution, or a check of the skip).
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "demo-portaal"
# Playwright's default of 30 s hides a hanging page for far too long.
TIMEOUT_MS = 10_000


def log_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Logs in through the real login form and waits for the page after it."""
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def serious_axe_violations(page) -> str:
    """Runs axe-core on the page; describes its serious and critical violations ("" if none)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    if not serious:
        return ""
    size = page.viewport_size or {}
    lines = [f"axe: serious/critical violations on {page.url} at {size.get('width')}x{size.get('height')}:"]
    for violation in serious:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    target {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            details = [c["message"] for c in node.get("any", []) + node.get("all", []) + node.get("none", [])]
            if details:
                lines.append(f"      {details[0]}")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page) -> None:
    """Fails the test on axe violations with impact serious or critical, listing rule ids and targets."""
    report = serious_axe_violations(page)
    if report:
        pytest.fail(report, pytrace=False)
