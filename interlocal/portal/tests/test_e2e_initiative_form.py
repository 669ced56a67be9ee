"""End-to-end: the coordinator creates an initiative with LR.33's fields and three partners, at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest

from interlocal.demo import DEMO_PASSWORD, load_demo
from interlocal.portal.tests.test_e2e import _serious_violations

pytestmark = pytest.mark.e2e


def _tick(page: Any, group: str, label: str) -> None:
    # USWDS draws its own box; a person clicks the label, so the test does too.
    page.locator(f"#{group}-group").get_by_text(label, exact=True).click()


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("width", [1280, 390])
def test_it_lets_the_coordinator_create_an_lr33_initiative_with_three_partners_on_the_portal(
    transactional_db: None, live_server: Any, browser: Any, width: int
) -> None:
    from interlocal.initiatives.models import Initiative

    load_demo()
    base = live_server.url
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    # Below desktop width the navigation (and its Sign out) sits behind the menu button.
    assert "/accounts/login/" not in page.url
    checked: dict[str, list[str]] = {}

    page.goto(base + "/initiatives/")
    page.locator("#new-initiative").click()
    page.wait_for_selector("h1:text('New initiative')")
    checked["new initiative"] = _serious_violations(page)
    assert _fits(page)

    # Saving without a title marks the field and keeps what was typed.
    page.fill("#id_code", "LR.33")
    page.get_by_role("button", name="Add initiative").click()
    assert "This field is required." in page.locator("#id_title-error").inner_text()
    assert page.input_value("#id_code") == "LR.33"
    checked["new initiative with an error"] = _serious_violations(page)

    page.fill("#id_title", "Develop a 5-year Action Plan for shared services")
    page.fill("#id_description", "Develop a 5-year Action Plan for shared services and cooperation.")
    page.select_option("#id_status", "new")
    _tick(page, "types", "Policy")
    page.fill("#id_new_plan_goal", "Leading the Region\nInclusive Economies")
    _tick(page, "topic_area", "Economic Development")
    page.fill("#id_new_topic_area", "Infrastructure Cost-burden")
    page.fill("#id_new_geographic_scale", "Countywide")
    page.fill("#id_new_key_issue", "Population Stagnation")
    page.fill("#id_new_funding_source", "General operating revenue")
    page.fill("#id_equity_considerations", "A more equitable level of service to all communities.")
    page.fill(
        "#id_sustainability_considerations", "Improve public services with greater economic efficiency."
    )
    page.select_option("#id_cost_band", "low")
    page.fill("#id_cost_estimate", "250000")
    page.select_option("#id_timeline_band", "near")
    _tick(page, "lead", "Lee's Summit")
    _tick(page, "supporting", "Blue Springs")
    _tick(page, "participating", "Grandview")
    page.select_option("#id_owner", label="Casey Morgan (Mid-America Regional Council)")
    page.fill(
        "#id_tracking_implementation", "Hire consultant to complete plan with County Task Force oversight."
    )
    page.fill("#id_tracking_success", "Publish the Action Plan.\nAdopt it in every member council.")
    page.fill("#id_if_overperforming", "Publish updates and educate.")
    page.fill("#id_if_underperforming", "Ask the task force what is in the way.")
    page.get_by_role("button", name="Add initiative").click()
    page.wait_for_selector("#stage")

    made = Initiative.objects.get(code="LR.33", plan=None)
    assert page.url == f"{base}/initiatives/{made.pk}/"
    assert page.locator("h1").inner_text() == "LR.33: Develop a 5-year Action Plan for shared services"
    assert page.locator("#lead-partners").inner_text() == "Lee's Summit"
    assert page.locator("#supporting-partners").inner_text() == "Blue Springs"
    assert page.locator("#participating").inner_text() == "Grandview"
    assert "Publish the Action Plan." in page.locator("#tracking-success").inner_text()
    assert "Infrastructure Cost-burden" in page.locator("#topics").inner_text()
    assert set(page.locator("#goals").inner_text().splitlines()) == {
        "Leading the Region",
        "Inclusive Economies",
    }
    assert "$250,000.00" in page.locator("#cost").inner_text()
    checked["initiative page"] = _serious_violations(page)
    assert _fits(page)

    # What the form filled in is what the Proposed gate asks for.
    for stage, reason in (("exploring", "Task force formed."), ("proposed", "Consultant scope agreed.")):
        page.select_option("#id_to_stage", stage)
        page.fill("#id_reason", reason)
        page.get_by_role("button", name="Move", exact=True).click()
        page.wait_for_selector(".usa-alert--success")
    assert page.locator("#stage").inner_text() == "PROPOSED"

    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_selector("h1:text('Edit')")
    checked["edit initiative"] = _serious_violations(page)
    assert _fits(page)
    assert {name: found for name, found in checked.items() if found} == {}
