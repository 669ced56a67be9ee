"""End-to-end: the portal at a phone's width (menu button, no sideways scrolling), without JavaScript, and in print."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from interlocal.demo import load_demo
from interlocal.portal.tests.test_e2e import _serious_violations, _sign_in, page  # noqa: F401  (page: fixture)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# Tables wider than their parent, unless the parent is a scroll container: what a person would have to pan to read.
WIDE_TABLES = """() => [...document.querySelectorAll('main table')].filter(t => {
  const p = t.parentElement;
  const scrolls = getComputedStyle(p).overflowX !== 'visible';
  return !scrolls && t.getBoundingClientRect().width > p.getBoundingClientRect().width + 1;
}).map(t => t.id || t.className)"""


@pytest.fixture
def phone(page: Any) -> Iterator[Any]:  # noqa: F811  (the fixture imported above)
    """The Chromium page at 390 x 844 CSS pixels."""
    page.set_viewport_size(PHONE)
    yield page


def _overflow(tab: Any) -> int:
    """How many CSS pixels the page is wider than the window."""
    return int(tab.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _sign_in_on_phone(tab: Any, base: str, username: str) -> None:
    """Sign in; test_e2e's helper waits for the Sign out button, which a phone keeps in the closed menu."""
    from interlocal.demo import DEMO_PASSWORD

    tab.goto(base + "/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", DEMO_PASSWORD)
    tab.click("main button[type=submit]")
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)


def _matter_pk() -> int:
    from interlocal.agreements.models import LegislativeMatter

    return LegislativeMatter.objects.get(file_number="RES. NO. 21-08").pk


def _initiative_pk(code: str) -> int:
    from interlocal.initiatives.models import Initiative

    return Initiative.objects.get(code=code).pk


def test_it_opens_the_menu_at_phone_width_and_reaches_a_link_and_sign_in(
    transactional_db: None, live_server: Any, phone: Any
) -> None:
    load_demo()
    base = live_server.url
    phone.goto(base + "/")
    nav = phone.get_by_role("navigation", name="Primary navigation")
    assert not nav.get_by_role("link", name="Initiatives").is_visible()

    phone.get_by_role("button", name="Menu").click()
    nav.get_by_role("link", name="Initiatives").click()
    phone.wait_for_url("**/initiatives/")
    assert phone.locator("h1").inner_text() == "Initiatives"

    phone.get_by_role("button", name="Menu").click()
    assert _serious_violations(phone) == []
    nav.get_by_role("link", name="Sign in").click()
    phone.wait_for_url("**/accounts/login/")
    _sign_in_on_phone(phone, base, "coordinator")

    phone.get_by_role("button", name="Menu").click()
    assert nav.get_by_role("link", name="My work").is_visible()
    assert nav.get_by_role("button", name="Sign out coordinator").is_visible()
    nav.get_by_role("button", name="Close").click()
    assert not nav.get_by_role("link", name="My work").is_visible()


def test_it_fits_a_phone_without_sideways_scrolling_and_passes_axe(
    transactional_db: None, live_server: Any, phone: Any
) -> None:
    load_demo()
    base = live_server.url
    pages = {
        "legislation": f"/legislation/{_matter_pk()}/",
        "initiative list": "/initiatives/",
        "initiative": f"/initiatives/{_initiative_pk('LR.33')}/",
        "initiative with measures": f"/initiatives/{_initiative_pk('EJC-4')}/",
        "collaborative": "/collaboratives/eastern-jackson-county/",
        "government": "/governments/lees-summit/",
    }
    found: dict[str, Any] = {}
    for name, path in pages.items():
        phone.goto(base + path)
        problems = {"overflow": _overflow(phone), "wide tables": phone.evaluate(WIDE_TABLES)}
        problems["axe"] = _serious_violations(phone)
        found[name] = {k: v for k, v in problems.items() if v}

    _sign_in_on_phone(phone, base, "coordinator")
    for name, path in {
        "savings (coordinator)": "/costshare/eastern-jackson-county/savings/",
        "ranking (coordinator)": "/collaboratives/eastern-jackson-county/ranking/",
    }.items():
        phone.goto(base + path)
        found[name] = {
            k: v
            for k, v in {"overflow": _overflow(phone), "wide tables": phone.evaluate(WIDE_TABLES)}.items()
            if v
        }

    assert {name: p for name, p in found.items() if p} == {}


def test_it_labels_each_stacked_cell_and_scroll_container(
    transactional_db: None, live_server: Any, phone: Any
) -> None:
    load_demo()
    base = live_server.url
    phone.goto(base + "/initiatives/")
    status = phone.locator("#results td[data-label=Status]").first
    assert (
        phone.evaluate("e => getComputedStyle(e, '::before').content", status.element_handle())
        == '"Status: "'
    )
    container = phone.get_by_role("region", name="Initiatives matching the filters")
    assert container.get_attribute("tabindex") == "0"

    phone.goto(f"{base}/legislation/{_matter_pk()}/")
    # The Legistar fields pair up, label beside value, instead of four columns.
    label = phone.locator(".il-fields th", has_text="Type").bounding_box()
    value = phone.locator("#type").bounding_box()
    assert value["x"] > label["x"] and abs(value["y"] - label["y"]) < 10


def test_it_keeps_the_navigation_reachable_without_javascript(
    transactional_db: None,
    live_server: Any,
    page: Any,  # noqa: F811
) -> None:
    load_demo()
    context = page.context.browser.new_context(java_script_enabled=False, viewport=PHONE)
    plain = context.new_page()
    plain.goto(live_server.url + "/initiatives/")
    nav = plain.get_by_role("navigation", name="Primary navigation")
    assert nav.get_by_role("link", name="Sign in").is_visible()
    assert nav.get_by_role("link", name="Collaboratives").is_visible()
    assert not plain.get_by_role("button", name="Menu").is_visible()
    assert _overflow(plain) <= 0
    context.close()


def test_it_prints_the_record_without_the_site_around_it(
    transactional_db: None,
    live_server: Any,
    page: Any,  # noqa: F811
) -> None:
    load_demo()
    base = live_server.url
    _sign_in(page, base, "coordinator")
    path = f"/initiatives/{_initiative_pk('EJC-4')}/"
    page.goto(base + path)
    page.emulate_media(media="print")
    for hidden in [".usa-header", ".usa-site-alert", ".usa-footer", "form", ".usa-button"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").is_visible()
    assert page.locator("#kpis").is_visible()
    assert path in page.locator(".il-print-only").inner_text()
    row = page.locator("#kpis tbody tr").first
    assert page.evaluate("e => getComputedStyle(e).breakInside", row.element_handle()) == "avoid"

    page.emulate_media(media="screen")
    assert not page.locator(".il-print-only").is_visible()
