"""End-to-end: the coordinator sets a stage gate and publishes organizing principles, on a desktop and a phone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from interlocal.demo import DEMO_PASSWORD, load_demo
from interlocal.portal.tests.test_e2e import _serious_violations

pytestmark = pytest.mark.e2e

COLLABORATIVE = "/collaboratives/eastern-jackson-county/"


def _coordinator(browser: Any, base: str, width: int) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _fits(page: Any, width: int) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= width)


@pytest.mark.parametrize("width", [1280, 390])
def test_it_lets_the_coordinator_change_a_gate_and_publish_criteria(
    transactional_db: None, live_server: Any, browser: Any, width: int
) -> None:
    from interlocal.initiatives.models import CriteriaSet, StageGate

    load_demo()
    base = live_server.url
    page = _coordinator(browser, base, width)
    checked: dict[str, list[str]] = {}
    wide: list[str] = []

    def look(name: str) -> None:
        checked[name] = _serious_violations(page)
        if not _fits(page, width):
            wide.append(name)

    page.goto(base + COLLABORATIVE)
    page.locator("#rules-links").get_by_role("link", name="Stage gates").click()
    page.wait_for_url("**/gates/")
    look("gates")
    page.locator("#gate-implementing").get_by_role("link", name="Change").click()
    page.wait_for_url("**/gates/implementing/")
    page.click("label[for=id_conditions_kpi_baseline]")
    look("gate form")
    page.get_by_role("button", name="Save the gate").click()
    page.wait_for_url("**/gates/")
    assert "Entering Implementing now requires what you chose." in page.locator("[role=status]").inner_text()
    implementing = page.locator("#gate-implementing").inner_text()
    assert "An accountable owner" in implementing and "At least one KPI with a baseline" in implementing
    look("gates changed")
    gate = StageGate.objects.get(collaborative__slug="eastern-jackson-county", stage="implementing")
    assert gate.conditions == ["owner", "kpi_baseline"]

    page.get_by_role("link", name="Organizing principles").click()
    page.wait_for_url("**/criteria/")
    look("criteria")
    page.click("#publish-criteria")
    page.wait_for_url("**/criteria/new/")
    look("criteria form")
    page.fill("#id_name", "Organizing principles 2027")
    page.fill("#id_criteria-0-weight", "4")
    page.fill("#id_criteria-5-name", "Staff impact")  # renamed from Employee impact
    page.click("label[for=id_criteria-4-DELETE]")  # Risk is left out
    page.fill("#id_criteria-6-name", "Resilience")
    page.fill("#id_criteria-6-weight", "-1")
    page.click("#publish")
    # Refused on the server: the weight is marked, nothing is published, and the page still passes axe.
    error = page.locator("#id_criteria-6-weight-error")
    assert "greater than or equal to 0" in error.inner_text()
    assert page.get_attribute("#id_criteria-6-weight", "aria-describedby") == "id_criteria-6-weight-error"
    look("criteria form with an error")
    page.fill("#id_criteria-6-weight", "1.5")
    page.fill("#id_criteria-6-description", "Keeps working through a disaster.")
    page.click("#publish")
    page.wait_for_url("**/criteria/")
    assert page.locator("#current-heading").inner_text() == "Current: Organizing principles 2027 (version 2)"
    table = page.locator("#current-criteria").inner_text()
    assert "Staff impact" in table and "Resilience" in table and "Risk" not in table
    assert "Organizing principles 2021 (version 1)" in page.locator("main").inner_text()
    look("criteria published")

    current = CriteriaSet.objects.get(collaborative__slug="eastern-jackson-county", is_current=True)
    assert [(c.name, c.weight) for c in current.criteria.all()] == [
        ("Savings", Decimal(4)),
        ("Service quality", Decimal(2)),
        ("Equity", Decimal(2)),
        ("Feasibility", Decimal(2)),
        ("Staff impact", Decimal(1)),
        ("Resilience", Decimal("1.5")),
    ]
    page.goto(base + COLLABORATIVE + "ranking/")
    assert "Organizing principles 2027" in page.locator("main").inner_text()
    look("ranking")
    assert {name: found for name, found in checked.items() if found} == {}
    assert wide == []
