"""Real Chromium through Playwright. The browser is Debian's: no downloaded browser builds."""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium():
    if Path(CHROMIUM).exists():
        return
    # CI installs Chromium and sets REQUIRE_BROWSER so a missing browser fails instead of skipping.
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture
def page():
    require_chromium()
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are ordinary synchronous ones.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The browser's own locale is left as is (en-US): Vietnamese must be the default anyway.
        context = browser.new_context(viewport={"width": 412, "height": 860})
        yield context.new_page()
        context.close()
        browser.close()
        # ORM calls made while Playwright's greenlet was current used their own connection;
        # left open, it stops PostgreSQL from dropping the test database.
        connections.close_all()
