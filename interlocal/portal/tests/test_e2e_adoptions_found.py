"""Adoptions found for you, in Chromium at 1280 and 390 px: the clerk sees the evidence and confirms it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from interlocal.demo import DEMO_PASSWORD, load_demo
from interlocal.portal.tests.test_e2e import _serious_violations

pytestmark = pytest.mark.e2e


def _check(page: Any, width: int, name: str) -> list[str]:
    page.wait_for_load_state()
    found = [f"{name}: {v}" for v in _serious_violations(page)]
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if wide > 0:
        found.append(f"{name}: {wide} px wider than the {width} px window")
    return found


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_it_lets_the_clerk_confirm_the_adoption_found_in_her_councils_legislation(
    transactional_db: None, live_server: Any, browser: Any, width: int
) -> None:
    from interlocal.agreements.models import AgreementVersion

    load_demo()
    radio = AgreementVersion.objects.get(title="Cooperative agreement (draft 2026)")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(15_000)
    problems: list[str] = []

    page.goto(live_server.url + "/accounts/login/?next=/me/")
    page.fill("#id_username", "ls-clerk")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/me/$"))
    found = page.locator(".il-proposal")
    assert found.count() == 1
    text = found.inner_text()
    assert "RES. NO. 26-131 of Lee's Summit may adopt" in text
    assert "11/10/2026: Adopted by City Council, Pass (8:0)" in text
    assert "Attachment “Radio Equipment Maintenance Cooperative Agreement (draft 2026)”" in text
    problems += _check(page, width, "work page with a found adoption")

    found.get_by_role("button", name=re.compile(r"^Confirm adoption")).click()
    page.wait_for_url(re.compile(r"/me/$"))
    status = " ".join(page.locator("main .usa-alert").all_inner_texts())
    assert "Lee's Summit's adoption of" in status and "RES. NO. 26-131 on 11/10/2026 was recorded" in status
    assert page.locator(".il-proposal").count() == 0
    problems += _check(page, width, "work page after confirming")

    page.goto(f"{live_server.url}/agreements/{radio.agreement_id}/")
    assert "waiting for Raytown to adopt" in page.locator(".not-in-force").inner_text()
    problems += _check(page, width, "agreement page")
    assert problems == []
    adoption = radio.adoptions.get(government__slug="lees-summit")
    assert adoption.matter.file_number == "RES. NO. 26-131"
