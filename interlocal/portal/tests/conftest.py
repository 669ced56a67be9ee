"""Fixtures shared by the portal's end-to-end tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from interlocal.portal.tests.test_e2e import CHROMIUM, CHROMIUM_ARGS, _missing


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """A headless Chromium; skips with a reason where Chromium or Playwright is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    if CHROMIUM is None:
        _missing("Chromium is not installed (Debian: apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are plain setup.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
