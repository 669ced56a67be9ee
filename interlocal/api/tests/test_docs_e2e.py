"""/api/v1/docs renders its operations in a real browser with no network beyond the server itself."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest


@pytest.mark.e2e
def test_it_renders_the_operations_offline(browser: Any, live_server: Any, transactional_db: None) -> None:
    server = urlsplit(live_server.url).netloc
    page = browser.new_page()
    refused: list[str] = []
    violations: list[str] = []
    errors: list[str] = []

    def only_the_server(route: Any) -> None:
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)

    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/initiatives" in operations and "/api/v1/kpis/{kpi_id}/measurements" in operations
    assert page.locator(".info .title").inner_text().startswith("Interlocal API")
    # The bearer-token scheme is offered for trying operations out.
    assert page.locator(".btn.authorize").count() == 1
    assert refused == [] and errors == [] and violations == []
