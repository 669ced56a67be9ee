"""End-to-end: a real Chromium drives the portal and axe-core checks each page."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from interlocal.demo import load_demo

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network: without them Chromium keeps dialling Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    # CI installs Chromium, so there a missing browser is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    """A Chromium page; skips with a reason where Chromium or Playwright is missing."""
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
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert len(results.response["passes"]) > 10, "axe-core did not run its rules"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_it_filters_follows_next_and_passes_axe(transactional_db: None, live_server: Any, page: Any) -> None:
    load_demo()
    base = live_server.url
    checked: dict[str, list[str]] = {}

    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Shared services, in the open"
    # The USWDS stylesheet must really be served, or the accessibility check means little.
    assert page.evaluate("getComputedStyle(document.querySelector('.usa-header')).display") != ""
    checked["home"] = _serious_violations(page)

    page.goto(base + "/initiatives/")
    page.select_option("#id_type", "policy")
    page.click("button[type=submit]")
    # A locator wait, not wait_for_function: that evaluates a string, which the CSP (rightly) refuses.
    page.locator("#result-count", has_text=re.compile(r"^1 initiative\b")).wait_for()
    assert "LR.33" in page.locator("#results").inner_text()
    checked["initiatives"] = _serious_violations(page)

    page.click("text=LR.33: Develop a 5-year Action Plan for shared services")
    page.wait_for_url("**/initiatives/*/")
    assert page.locator("h1").inner_text() == "Recommendation LR.33"
    assert "St. Louis County Department of Planning" in page.locator("#lead-partners").inner_text()
    checked["LR.33"] = _serious_violations(page)

    page.click("#next")
    page.wait_for_url("**/initiatives/*/")
    assert page.locator("h1").inner_text() == "Recommendation LR.34"
    assert "LR.33" in page.locator("#previous").inner_text()

    for name, path in [
        ("sign in", "/accounts/login/"),
        ("collaborative", "/collaboratives/eastern-jackson-county/"),
    ]:
        page.goto(base + path)
        checked[name] = _serious_violations(page)
    page.click("text=Eastern Jackson County Shared Service Collaborative: Statement of Purpose")
    checked["agreement"] = _serious_violations(page)
    page.goto(base + "/governments/lees-summit/")
    page.click("text=RES. NO. 21-08")
    assert "City Council - Regular Session" in page.locator("#history").inner_text()
    checked["matter"] = _serious_violations(page)

    assert {name: found for name, found in checked.items() if found} == {}


def _sign_in(page: Any, base: str, username: str) -> None:
    from interlocal.demo import DEMO_PASSWORD

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Sign out")


def test_it_advances_through_a_gate_and_a_member_city_enters_a_measurement(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    from interlocal.initiatives.models import Initiative

    load_demo()
    base = live_server.url
    back_office = Initiative.objects.get(code="EJC-2")
    checked: dict[str, list[str]] = {}

    _sign_in(page, base, "coordinator")
    page.goto(f"{base}/initiatives/{back_office.pk}/")
    page.select_option("#id_to_stage", "proposed")
    page.fill("#id_reason", "City managers asked for a proposal.")
    page.get_by_role("button", name="Move", exact=True).click()
    refusal = page.locator(".usa-alert--error").inner_text()
    assert "Cannot move to Proposed: it needs a cost estimate" in refusal
    assert page.locator("#stage").inner_text() == "EXPLORING"
    checked["initiative (coordinator)"] = _serious_violations(page)

    page.get_by_role("link", name="Edit", exact=True).click()
    page.fill("#id_cost_estimate", "250000")
    page.get_by_role("button", name="Save", exact=True).click()
    page.select_option("#id_to_stage", "proposed")
    page.fill("#id_reason", "Cost estimate from the HR directors.")
    page.get_by_role("button", name="Move", exact=True).click()
    assert "Moved to Proposed" in page.locator(".usa-alert--success").inner_text()
    assert page.locator("#stage").inner_text() == "PROPOSED"
    assert "Exploring → Proposed" in page.locator("#stage-timeline").inner_text()

    page.goto(f"{base}/collaboratives/eastern-jackson-county/ranking/")
    checked["ranking"] = _serious_violations(page)
    page.get_by_role("button", name="Sign out coordinator").click()

    training = Initiative.objects.get(code="EJC-4")
    _sign_in(page, base, "ls-clerk")
    page.goto(f"{base}/initiatives/{training.pk}/")
    page.get_by_role(
        "link", name="Enter measurement for Supervisors who completed GTI supervisory training"
    ).click()
    checked["measurement form"] = _serious_violations(page)
    page.fill("#id_value", "112")
    page.get_by_role("button", name="Save measurement").click()
    assert "Recorded 112" in page.locator(".usa-alert--success").inner_text()
    assert "112.00" in page.locator("#kpis").inner_text()
    page.goto(f"{base}/me/")
    checked["my work"] = _serious_violations(page)

    assert {name: found for name, found in checked.items() if found} == {}


# What another engineer's django-csp will send; set here on the response so this test holds without it.
STRICT_CSP = "default-src 'self'"


def test_it_renders_the_api_docs_offline_under_a_strict_csp(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    base = live_server.url
    outside: list[str] = []
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def route(route: Any) -> None:
        url = route.request.url
        if not url.startswith(base + "/"):
            outside.append(url)
            route.abort()
            return
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route("**/*", route)
    page.goto(base + "/api/v1/docs")
    page.wait_for_selector(".opblock")

    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/initiatives" in operations and "/api/v1/agreements/{agreement_id}" in operations
    assert outside == []
    # swagger-ui.css draws a few icons as data: SVGs, which default-src 'self' blocks (add
    # img-src 'self' data: to show them); scripts, styles and the OpenAPI fetch must all pass.
    assert [p for p in problems if not p.startswith("Loading the image 'data:image/svg+xml")] == []


def test_it_breaks_no_content_security_policy_rule_in_the_browser(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    load_demo()
    base = live_server.url
    refused: list[str] = []
    # Chromium reports every blocked script, style, image or frame on the console.
    page.on(
        "console",
        lambda m: refused.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None,
    )
    for path in ["/", "/initiatives/", "/collaboratives/eastern-jackson-county/", "/api/v1/docs"]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    page.goto(base + "/initiatives/")
    page.select_option("#id_type", "policy")
    # A locator wait, not wait_for_function: that evaluates a string, which the CSP (rightly) refuses.
    page.locator("#result-count", has_text=re.compile(r"^1 initiative\b")).wait_for()
    _sign_in(page, base, "admin")
    for path in ["/admin/", "/admin/governments/person/", "/admin/governments/government/add/", "/me/"]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.is_visible(), path
    assert refused == []
