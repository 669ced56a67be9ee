"""End-to-end at desktop and phone widths: a version drafted for three cities, each adopting from the portal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from interlocal.demo import DEMO_PASSWORD, load_demo
from interlocal.portal.tests.test_e2e import CHROMIUM, CHROMIUM_ARGS, _missing, _serious_violations

pytestmark = pytest.mark.e2e


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def width_page(request: Any, live_server: Any) -> Iterator[tuple[int, Any]]:
    """A Chromium page at the given width; skips with a reason where Chromium or Playwright is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    if CHROMIUM is None:
        _missing("Chromium is not installed (Debian: apt-get install chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": request.param, "height": 900})
        page.set_default_timeout(15_000)
        yield request.param, page
        browser.close()


def _sign_in(page: Any, base: str, username: str) -> None:
    # Sign out by forgetting the session: below desktop width the sign-out button sits in the collapsed menu.
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _blue_springs_clerk() -> None:
    # The demo's Blue Springs account is a viewer; its council needs a clerk who may record adoptions.
    from interlocal.governments.actions import person_create
    from interlocal.governments.models import Government, Person
    from interlocal.vocab import Role

    person_create(
        acting_user=Person.objects.get(username="admin"),
        username="bs-clerk",
        government=Government.objects.get(slug="blue-springs"),
        role=Role.MEMBER_EDITOR,
        password=DEMO_PASSWORD,
        first_name="Bea",
        last_name="Springer",
        title="City Clerk",
    )


def test_it_drafts_a_version_that_three_clerks_adopt_into_force(
    transactional_db: None, live_server: Any, width_page: tuple[int, Any]
) -> None:
    from interlocal.agreements.models import Agreement, LegislativeMatter

    width, page = width_page
    load_demo()
    _blue_springs_clerk()
    base = live_server.url
    radio = Agreement.objects.get(title="Radio Equipment Maintenance Cooperative Agreement")
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    checked: dict[str, list[str]] = {}

    def look(name: str) -> None:
        checked[name] = _serious_violations(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width + 1, f"{name} is {wide} px wide at {width} px"

    # The coordinator drafts version 2 for Lee's Summit, Independence and Blue Springs.
    _sign_in(page, base, "coordinator")
    page.goto(f"{base}/agreements/{radio.pk}/")
    look("agreement (coordinator)")
    page.click("#add-version")
    look("version form")
    page.fill("#id_title", "2026 expansion to Independence")
    page.select_option("#id_kind", "expansion")
    party = page.locator("#group-parties label.usa-checkbox__label")
    assert party.filter(has_text="Raytown").is_visible()
    party.filter(has_text="Raytown").click()  # ticked from version 1; Raytown stays on the old text
    party.filter(has_text="Independence").click()
    page.fill("#id_effective_on", "2026-03-01")
    page.fill("#id_term_months", "36")
    page.fill("#id_documents", "Signed agreement | https://example.org/radio-2026.pdf")
    page.click("main button[type=submit]")
    assert "Version 2 was added" in page.locator("main [role=status]").inner_text()
    waiting = page.locator("section[aria-labelledby='version-2'] .not-in-force").inner_text()
    assert all(city in waiting for city in ("Blue Springs", "Independence", "Lee's Summit"))
    assert "Raytown" not in waiting

    # Lee's Summit's clerk enters the council's resolution with its history, then records the adoption by it.
    _sign_in(page, base, "ls-clerk")
    page.goto(f"{base}/governments/lees-summit/")
    page.click("#new-matter")
    look("matter form")
    page.fill("#id_file_number", "RES. NO. 26-17")
    page.fill("#id_type_name", "Resolution")
    page.fill("#id_status_name", "Passed")
    page.fill("#id_title", "A Resolution approving the expanded radio maintenance cooperative agreement.")
    page.fill("#id_body_name", "City Council - Regular Session")
    page.fill("#id_intro_date", "2026-02-20")
    page.fill("#id_passed_date", "2026-03-03")
    page.fill("#id_sponsors", "Mayor Baird")
    page.click("main button[type=submit]")
    assert "RES. NO. 26-17 was recorded" in page.locator("main [role=status]").inner_text()
    look("matter edit")
    page.click("text=Add an action")
    page.fill("#id_action_date", "2026-03-03")
    page.fill("#id_action_body_name", "City Council - Regular Session")
    page.fill("#id_action_name", "adopted")
    page.fill("#id_passed_flag_name", "Pass")
    page.click("main button[type=submit]")
    assert "adopted" in page.locator("#history").inner_text()
    page.click("text=Attach a document")
    look("attachment form")
    page.fill("#id_name", "Staff report")
    page.set_input_files(
        "#id_file",
        files=[{"name": "staff-report.txt", "mimeType": "text/plain", "buffer": b"412 radios repaired."}],
    )
    page.click("main button[type=submit]")
    assert "Staff report" in page.locator("#attachments").inner_text()

    adoptions = [
        ("ls-clerk", "Lee's Summit", "RES. NO. 26-17", "2026-03-03"),
        ("ind-editor", "Independence", None, "2026-03-10"),
        ("bs-clerk", "Blue Springs", "R-2026-88", "2026-03-17"),
    ]
    for username, city, file_number, voted in adoptions:
        _sign_in(page, base, username)
        page.goto(f"{base}/agreements/{radio.pk}/")
        page.get_by_role("link", name=f"Record {city}'s adoption of version 2").click()
        look(f"adoption form ({city})")
        offered = page.locator("#id_matter option").all_inner_texts()
        assert not any("RES-6701" in o for o in offered) or city == "Independence"
        if file_number is None:
            # Independence's clerk forgets the date first: the field is marked, nothing is recorded.
            page.fill("#id_new_file_number", "RES-6802")
            page.fill("#id_new_type_name", "Resolution")
            page.fill("#id_new_title", "A Resolution approving the expanded radio maintenance agreement.")
            page.click("main button[type=submit]")
            assert "usa-form-group--error" in (page.get_attribute("#group-adopted_on", "class") or "")
            look("adoption form with an error")
        else:
            matter = LegislativeMatter.objects.get(file_number=file_number, government__name=city)
            page.select_option("#id_matter", str(matter.pk))
        page.fill("#id_adopted_on", voted)
        page.click("main button[type=submit]")
        assert (
            f"{city}'s adoption of version 2 was recorded" in page.locator("main [role=status]").inner_text()
        )

    # In force exactly from the last council's vote.
    page.context.clear_cookies()
    page.goto(f"{base}/agreements/{radio.pk}/")
    look("agreement in force")
    assert LegislativeMatter.objects.get(file_number="RES-6802").government.name == "Independence"
    assert [u for u in visited if "/admin/" in u] == []
    assert {name: found for name, found in checked.items() if found} == {}
    in_force = page.locator("section[aria-labelledby='version-2'] .in-force").inner_text()
    assert "In force since 3/17/2026" in in_force
