"""Issue 9's acceptance story end to end at 1280 and 390 px: idea to proposed, an agreement adopted into force."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest

from interlocal.demo import DEMO_PASSWORD, DEMO_SLUG, load_demo
from interlocal.portal.tests.test_e2e import CHROMIUM, CHROMIUM_ARGS, _missing, _serious_violations

pytestmark = pytest.mark.e2e

CITIES = ("Lee's Summit", "Independence", "Blue Springs")
# Entered out of the order of the votes: the version comes into force with the latest vote, not the last entry.
ADOPTIONS = [
    ("ls-clerk", "Lee's Summit", "RES. NO. 26-31", "2026-03-17"),
    ("ind-editor", "Independence", "RES-6840", "2026-03-03"),
    ("bs-clerk", "Blue Springs", "R-2026-91", "2026-03-10"),
]


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def width_page(request: Any, live_server: Any) -> Iterator[tuple[int, Any]]:
    """A Chromium page at the given width; skips with a reason where Chromium or Playwright is missing."""
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
        page = browser.new_page(viewport={"width": request.param, "height": 900})
        page.set_default_timeout(15_000)
        yield request.param, page
        browser.close()


class Visit:
    """Records every page the browser lands on and demands an axe-core and width check of each."""

    def __init__(self, page: Any, width: int) -> None:
        self.page, self.width = page, width
        self.landed: list[str] = []  # every committed navigation, in order
        self.requested: list[str] = []  # every request, sub-resources included
        self.unchecked: list[str] = []  # pages left without a check before the next navigation
        self.problems: dict[str, list[str]] = {}
        self._pending: str | None = None
        page.on("framenavigated", self._landed)
        page.on("request", lambda r: self.requested.append(r.url))

    def _landed(self, frame: Any) -> None:
        if frame != self.page.main_frame:
            return
        if self._pending is not None:
            self.unchecked.append(self._pending)
        self._pending = frame.url
        self.landed.append(frame.url)

    def look(self, name: str) -> None:
        """axe-core's serious and critical findings and any sideways overflow of the page now shown."""
        self.page.wait_for_load_state()
        found = _serious_violations(self.page)
        wide = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            found.append(f"{wide} px wider than the {self.width} px window")
        self.problems[f"{name} ({urlsplit(self.page.url).path})"] = found
        self._pending = None

    def nav(self) -> Any:
        """The primary navigation, opened first where a narrow screen folds it behind the menu button."""
        menu = self.page.get_by_role("button", name="Menu")
        if menu.is_visible():
            menu.click()
        return self.page.get_by_role("navigation", name="Primary navigation")

    def sign_in(self, username: str) -> None:
        """Sign in from the navigation's Sign in link, as a person would at this width."""
        self.nav().get_by_role("link", name="Sign in").click()
        self.page.wait_for_url(re.compile(r"/accounts/login/"))
        self.look("sign-in form")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        self.look(f"first page for {username}")

    def sign_out(self) -> None:
        """Sign out with the navigation's button."""
        with self.page.expect_navigation():
            self.nav().get_by_role("button", name=re.compile(r"^Sign out ")).click()
        assert self.nav().get_by_role("link", name="Sign in").is_visible()
        self.look("signed out")

    def status(self) -> str:
        """The text of the page's success or error messages."""
        return " ".join(self.page.locator("main .usa-alert").all_inner_texts())


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


def _tick(page: Any, group: str, label: str) -> None:
    # USWDS draws its own box; a person clicks the label, so the test does too.
    page.locator(f"#{group}-group").get_by_text(label, exact=True).click()


def _create_initiative(v: Visit) -> None:
    """The coordinator fills a plan page's fields and three partners on the portal; no cost estimate yet."""
    page = v.page
    v.nav().get_by_role("link", name="Initiatives", exact=True).click()
    page.wait_for_url("**/initiatives/")
    v.look("initiative list")
    page.locator("#new-initiative").click()
    page.wait_for_selector("h1:text('New initiative')")
    if page.locator("#id_collaborative").count():
        page.select_option("#id_collaborative", DEMO_SLUG)
        v.look("choose a collaborative")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_selector("#id_title")
    v.look("new initiative")
    page.fill("#id_code", "EJC-9")
    page.fill("#id_title", "Shared maintenance of public-safety radios")
    page.fill(
        "#id_description",
        "One maintenance contract and one spare pool for the police and fire radios of three cities.",
    )
    page.select_option("#id_status", "new")
    _tick(page, "types", "Policy")
    page.fill("#id_new_plan_goal", "Leading the Region")
    _tick(page, "topic_area", "Economic Development")
    page.fill("#id_new_topic_area", "Public Safety Communications")
    page.fill("#id_new_geographic_scale", "Eastern Jackson County")
    page.fill("#id_new_key_issue", "Aging radio fleet")
    page.fill("#id_new_funding_source", "General operating revenue")
    page.fill(
        "#id_equity_considerations", "Every neighbourhood gets the same radio coverage and repair times."
    )
    page.fill("#id_sustainability_considerations", "Radios are repaired instead of replaced.")
    page.select_option("#id_cost_band", "low")
    page.select_option("#id_timeline_band", "near")
    _tick(page, "lead", "Lee's Summit")
    _tick(page, "participating", "Independence")
    _tick(page, "participating", "Blue Springs")
    page.fill("#id_tracking_implementation", "Pool the spare radios; one vendor repairs them all.")
    page.fill("#id_tracking_success", "Radios back in service within 5 days.\nOne shared spare pool.")
    page.fill("#id_if_overperforming", "Offer the contract to Raytown and Grandview.")
    page.fill("#id_if_underperforming", "Ask the vendor and the dispatch centres what is in the way.")
    page.locator("label[for=id_is_published]").click()
    page.get_by_role("button", name="Add initiative").click()
    page.wait_for_selector("#stage")
    shown = {
        "#goals": "Leading the Region",
        "#topics": "Public Safety Communications",
        "#scales": "Eastern Jackson County",
        "#key-issues": "Aging radio fleet",
        "#funding": "General operating revenue",
        "#types": "Policy",
        "#equity": "same radio coverage",
        "#sustainability": "repaired instead of replaced",
        "#cost": "Low (less than $1 mil)",
        "#timeline": "Near-term (within 5 years)",
        "#tracking-implementation": "one vendor repairs them all",
        "#tracking-success": "One shared spare pool.",
        "#if-overperforming": "Raytown and Grandview",
        "#if-underperforming": "dispatch centres",
    }
    assert {k: t for k, t in shown.items() if t not in page.locator(k).inner_text()} == {}


def _move(v: Visit, stage: str, reason: str) -> None:
    v.page.select_option("#id_to_stage", stage)
    v.page.fill("#id_reason", reason)
    v.page.get_by_role("button", name="Move", exact=True).click()
    v.page.wait_for_load_state()


def test_it_takes_an_initiative_from_idea_to_an_agreement_in_force_on_the_portal(
    transactional_db: None, live_server: Any, width_page: tuple[int, Any]
) -> None:
    from interlocal.agreements.models import Agreement, AgreementVersion
    from interlocal.initiatives.models import Initiative

    width, page = width_page
    load_demo()
    _blue_springs_clerk()
    base = live_server.url
    v = Visit(page, width)

    # 1. The coordinator creates the initiative with a plan page's fields and three partners ...
    page.goto(base + "/")
    v.look("home")
    v.sign_in("coordinator")
    _create_initiative(v)
    made = Initiative.objects.get(code="EJC-9", collaborative__slug=DEMO_SLUG)
    assert page.url == f"{base}/initiatives/{made.pk}/"
    v.look("new initiative's page")
    assert page.locator("#stage").inner_text() == "IDEA"
    assert page.locator("#lead-partners").inner_text() == "Lee's Summit"
    assert set(page.locator("#participating").inner_text().splitlines()) == {"Independence", "Blue Springs"}
    assert "one spare pool" in page.locator("#description").inner_text()

    # ... and moves it idea -> exploring -> proposed; the proposed gate names what is missing, the form fills it.
    _move(v, "exploring", "Three police chiefs asked for a shared repair contract.")
    v.look("initiative moved to exploring")
    assert "Moved to Exploring" in v.status()
    assert page.locator("#stage").inner_text() == "EXPLORING"
    _move(v, "proposed", "Vendor quotes are in.")
    v.look("initiative refused at the proposed gate")
    assert "Cannot move to Proposed: it needs a cost estimate." in v.status()
    assert page.locator("#stage").inner_text() == "EXPLORING"
    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_selector("#id_cost_estimate")
    v.look("edit initiative")
    page.fill("#id_cost_estimate", "184500")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("#stage")
    v.look("initiative with its cost estimate")
    assert "$184,500.00" in page.locator("#cost").inner_text()
    _move(v, "proposed", "Vendor quotes are in.")
    v.look("initiative moved to proposed")
    assert "Moved to Proposed" in v.status()
    assert page.locator("#stage").inner_text() == "PROPOSED"
    assert "Exploring → Proposed" in page.locator("#stage-timeline").inner_text()

    # 2. The coordinator drafts the agreement and its first version for the three member cities.
    page.goto(f"{base}/collaboratives/{DEMO_SLUG}/")
    v.look("collaborative (coordinator)")
    page.locator("#new-agreement").click()
    page.wait_for_selector("#id_title")
    v.look("new agreement")
    page.select_option("#id_kind", "interlocal")
    page.fill("#id_title", "Public-Safety Radio Maintenance Interlocal Agreement")
    page.fill("#id_summary", "Lee's Summit contracts the repairs; the others pay by the radios they field.")
    page.locator("label[for=id_is_published]").click()
    page.get_by_role("button", name="Create agreement").click()
    page.wait_for_selector("#group-parties")
    v.look("first version form")
    assert "Add its first version" in v.status()
    agreement = Agreement.objects.get(title="Public-Safety Radio Maintenance Interlocal Agreement")
    page.fill("#id_title", "Original agreement")
    party = page.locator("#group-parties label.usa-checkbox__label")
    for city in CITIES:
        party.filter(has_text=city).click()
    page.fill("#id_effective_on", "2026-03-01")
    page.fill("#id_term_months", "36")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/agreements/{agreement.pk}/#version-1")
    v.look("agreement with version 1")
    assert "Version 1 was added" in page.locator("main [role=status]").inner_text()
    waiting = page.locator("section[aria-labelledby='version-1'] .not-in-force").inner_text()
    assert all(city in waiting for city in CITIES) and "Raytown" not in waiting
    v.sign_out()

    # 3. Each city's clerk signs in and records the council's adoption with its matter and vote date.
    for n, (username, city, file_number, voted) in enumerate(ADOPTIONS, start=1):
        v.sign_in(username)
        page.goto(f"{base}/agreements/{agreement.pk}/")
        v.look(f"agreement ({city})")
        page.get_by_role("link", name=f"Record {city}'s adoption of version 1").click()
        page.wait_for_selector("#id_adopted_on")
        v.look(f"adoption form ({city})")
        page.fill("#id_new_file_number", file_number)
        page.fill("#id_new_type_name", "Resolution")
        page.fill("#id_new_title", "A Resolution approving the public-safety radio maintenance agreement.")
        page.fill("#id_adopted_on", voted)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/agreements/{agreement.pk}/#version-1")
        v.look(f"agreement after {city}'s adoption")
        assert (
            f"{city}'s adoption of version 1 was recorded" in page.locator("main [role=status]").inner_text()
        )
        section = page.locator("section[aria-labelledby='version-1']")
        assert file_number in section.inner_text()
        # Not in force while any party has still to vote.
        assert (section.locator(".in-force").count() == 1) is (n == len(ADOPTIONS))
        v.sign_out()

    # 4. In force exactly from the latest vote (Lee's Summit's, entered first), and the dashboard says so.
    version = AgreementVersion.objects.get(agreement=agreement, number=1)
    assert version.in_force_from == date(2026, 3, 17)
    page.goto(f"{base}/collaboratives/{DEMO_SLUG}/")
    v.look("collaborative dashboard (public)")
    shown = page.locator("#agreements-in-force li", has_text=agreement.title)
    assert shown.inner_text() == f"{agreement.title} v1: in force since 3/17/2026"
    proposed = page.locator("#pipeline tbody tr").filter(
        has=page.get_by_role("rowheader", name="Proposed", exact=True)
    )
    assert "EJC-9: Shared maintenance of public-safety radios" in proposed.inner_text()
    shown.get_by_role("link").click()
    page.wait_for_url(f"{base}/agreements/{agreement.pk}/")
    v.look("agreement in force (public)")
    in_force = page.locator("section[aria-labelledby='version-1'] .in-force").inner_text()
    assert "In force since 3/17/2026" in in_force

    # 5. Moving the initiative back asks first; nothing moves until the coordinator confirms, with the reason.
    v.sign_in("coordinator")
    page.goto(f"{base}/initiatives/{made.pk}/")
    v.look("initiative (coordinator)")
    _move(v, "exploring", "Blue Springs wants the cost split redone.")
    v.look("confirm the backward move")
    assert page.locator("#confirm-move").inner_text() == "Move EJC-9 back from Proposed to Exploring?"
    assert page.locator("#confirm-reason").inner_text() == "Blue Springs wants the cost split redone."
    made.refresh_from_db()
    assert made.stage == "proposed"
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_selector("#stage")
    v.look("initiative after cancelling")
    assert page.locator("#stage").inner_text() == "PROPOSED"
    _move(v, "exploring", "Blue Springs wants the cost split redone.")
    v.look("confirm the backward move again")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("#stage")
    v.look("initiative moved back")
    assert "Moved to Exploring" in v.status()
    assert page.locator("#stage").inner_text() == "EXPLORING"
    timeline = page.locator("#stage-timeline").inner_text()
    assert "Proposed → Exploring" in timeline and "Blue Springs wants the cost split redone." in timeline

    # 6. Never the admin site; every page checked by axe-core and for sideways overflow.
    assert v.landed and v.requested
    assert [u for u in v.landed + v.requested if urlsplit(u).path.startswith("/admin/")] == []
    assert v.unchecked == [] and v._pending is None
    assert {name: found for name, found in v.problems.items() if found} == {}
