"""End-to-end: two people edit one initiative in two browsers; the second sees both versions."""

from __future__ import annotations

from typing import Any

import pytest

from interlocal.demo import DEMO_PASSWORD, load_demo
from interlocal.portal.tests.test_e2e import _serious_violations

pytestmark = pytest.mark.e2e


def _signed_in(browser: Any, base: str, username: str) -> Any:
    # A separate context is a separate browser profile: its own cookies, its own session.
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Sign out")
    return page


def test_it_shows_the_second_browser_both_versions_and_reapplies_its_edit(
    transactional_db: None, live_server: Any, browser: Any
) -> None:
    from interlocal.governments.models import Person
    from interlocal.initiatives.models import Initiative

    load_demo()
    base = live_server.url
    initiative = Initiative.objects.get(code="EJC-2")
    edit_url = f"{base}/initiatives/{initiative.pk}/edit/"
    first, second = _signed_in(browser, base, "coordinator"), _signed_in(browser, base, "admin")
    first.goto(edit_url)
    second.goto(edit_url)

    first.fill("#id_description", "Pool the HR back office in Blue Springs.")
    first.get_by_role("button", name="Save", exact=True).click()
    first.wait_for_url(f"**/initiatives/{initiative.pk}/")

    second.fill("#id_description", "Contract HR services from the county.")
    second.fill("#id_services", "Payroll")
    with second.expect_response(lambda r: r.request.method == "POST") as posted:
        second.get_by_role("button", name="Save", exact=True).click()
    assert posted.value.status == 409
    assert second.locator("h1").inner_text().startswith("Someone else changed")
    row = second.locator("#conflict-versions tr[data-field=description]")
    assert row.locator(".conflict-submitted").inner_text() == "Contract HR services from the county."
    assert row.locator(".conflict-stored").inner_text() == "Pool the HR back office in Blue Springs."
    coordinator = Person.objects.get(username="coordinator")
    assert (coordinator.get_full_name() or "coordinator") in second.locator("#conflict-history").inner_text()
    assert Initiative.objects.get(pk=initiative.pk).description == "Pool the HR back office in Blue Springs."
    assert _serious_violations(second) == []

    second.get_by_role("button", name="Save my edit over version").click()
    second.wait_for_url(f"**/initiatives/{initiative.pk}/")
    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.description, stored.services) == ("Contract HR services from the county.", "Payroll")
