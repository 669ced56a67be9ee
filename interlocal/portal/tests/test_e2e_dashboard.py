"""End-to-end: the collaborative dashboard, the index pages and the search at desktop and phone widths."""

from __future__ import annotations

from typing import Any

import pytest

from interlocal.demo import DEMO_PASSWORD, load_demo
from interlocal.portal.tests.test_e2e import _serious_violations

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 390)
PAGES = [
    "/collaboratives/eastern-jackson-county/",
    "/collaboratives/",
    "/governments/",
    "/agreements/",
    "/legislation/?sort=file",
    "/search/?q=Lee%27s+Summit",
    "/initiatives/?topic=bogus&status=new",
]


def _page(browser: Any, base: str, username: str | None) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    if username:
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Sign out")
    return page


@pytest.mark.parametrize("username", [None, "coordinator"])
def test_it_shows_the_dashboard_and_index_pages_at_both_widths(
    transactional_db: None, live_server: Any, browser: Any, username: str | None
) -> None:
    load_demo()
    base = live_server.url
    page = _page(browser, base, username)
    problems: dict[str, list[str]] = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in PAGES:
            page.goto(base + url)
            problems[f"{url} at {width}px"] = _serious_violations(page)
            # Nothing may stick out sideways on a phone.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} is {overflow}px too wide at {width}px"
    assert not any(problems.values()), problems

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/collaboratives/eastern-jackson-county/")
    assert page.locator("#pipeline tbody tr").count() >= 7
    assert "Overall progress toward targets" in page.locator("#overall-progress").inner_text()
    assert page.locator("#activity li").count() >= 10
    assert page.locator("#deadlines tbody tr").count() >= 3
    assert (page.locator("#work-links").count() == 1) is (username == "coordinator")
    page.locator("#pipeline a[href*='stage=operating']").click()
    page.wait_for_url("**/initiatives/?collaborative=eastern-jackson-county&stage=operating")
    assert page.locator("#result-count").inner_text() == "1 initiative found."
    page.goto(base + "/governments/")
    page.locator("th[aria-sort] a").click()
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"
