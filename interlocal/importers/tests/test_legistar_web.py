"""`interlocal import legistar-web`: saved Legistar list pages of Chicago and New York City, stored and re-imported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from interlocal.agreements.models import LegislativeMatter
from interlocal.governments import actions as governments
from interlocal.governments.models import Government
from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.importers.tests.test_legistar_detail_pages import CHICAGO_2012
from interlocal.legislation.models import Body, Event, Official
from interlocal.testkit import World
from interlocal.vocab import GovernmentKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def chicago(world: World) -> Government:
    return governments.government_create(
        acting_user=world.admin, kind=GovernmentKind.CITY, name="Chicago", state="IL"
    )


@pytest.fixture
def nyc(world: World) -> Government:
    return governments.government_create(
        acting_user=world.admin, kind=GovernmentKind.CITY, name="New York", state="NY"
    )


def web(world: World, name: str, government: Government, *extra: str) -> tuple[int, str]:
    path = shared("data", "legistar", "web", f"{name}.html")
    return run(
        "legistar-web", str(path), "--as", world.admin.username, "--government", government.slug, *extra
    )


def again_changes_nothing(world: World, name: str, government: Government) -> None:
    before = fingerprint()
    code, out = web(world, name, government)
    assert (code, "No changes" in out) == (0, True), out
    assert fingerprint() == before


def test_it_stores_chicagos_legislation_grid(world: World, chicago: Government) -> None:
    code, out = web(world, "chicago_bills", chicago)
    assert code == 0, out
    assert "Imported" in out and "100 new" in out
    assert "note: the page lists 100 of 522 rows" in out
    assert "note: columns read but not stored: Main Sponsor's Ward/Office" in out
    matters = LegislativeMatter.objects.filter(government=chicago)
    assert matters.count() == 100
    first = matters.get(file_number="O2018-9628")
    assert (first.client, first.matter_id, first.type_name, first.status_name) == (
        "chicago",
        3779732,
        "Ordinance",
        "Introduced",
    )
    assert (first.intro_date, first.passed_date) == (dt.date(2018, 12, 12), None)
    assert first.title == "Grant(s) of privilege in public way for Arrive South Loop"
    assert first.detail_url.startswith("https://chicago.legistar.com/LegislationDetail.aspx?ID=3779732&GUID=")
    assert matters.filter(passed_date__isnull=False).count() == 80
    again_changes_nothing(world, "chicago_bills", chicago)


def test_it_stores_new_yorks_legislation_grid(world: World, nyc: Government) -> None:
    code, out = web(world, "nyc_bills", nyc)
    assert code == 0, out
    matters = LegislativeMatter.objects.filter(government=nyc)
    assert matters.count() == 100
    first = matters.get(file_number="Int 1299-2018")
    assert (first.client, first.body_name, first.sponsors) == (
        "nyc",
        "Committee on For-Hire Vehicles",
        ["Jumaane D. Williams"],
    )
    assert first.status_name == "Laid Over in Committee"
    again_changes_nothing(world, "nyc_bills", nyc)


def test_it_keeps_what_a_detail_page_stored_when_the_grid_shows_less(
    world: World, chicago: Government, tmp_path: Path
) -> None:
    code, out = run(
        "legistar-detail",
        str(CHICAGO_2012),
        "--as",
        "admin",
        "--government",
        chicago.slug,
        "--client",
        "chicago",
    )
    assert code == 0, out
    # A grid whose first row is the detail page's matter: the grid shows no sponsors or enactment date.
    grid = shared("data", "legistar", "web", "chicago_bills.html").read_text()
    path = tmp_path / "Legislation.aspx"
    path.write_text(grid.replace(">O2018-9628<", ">O2012-2345<", 1))
    code, out = run("legistar-web", str(path), "--as", "admin", "--government", chicago.slug)
    assert code == 0, out
    matter = LegislativeMatter.objects.get(government=chicago, file_number="O2012-2345")
    assert len(matter.sponsors) == 12
    assert matter.enactment_date == dt.date(2012, 5, 9)
    assert matter.actions.count() == 1 and matter.attachments.count() == 2
    # What the grid does show is the newer word: its title, status and dates.
    assert (matter.title, matter.status_name) == (
        "Grant(s) of privilege in public way for Arrive South Loop",
        "Introduced",
    )
    assert matter.matter_id == 3779732


def test_it_stores_chicagos_calendar_with_its_bodies(world: World, chicago: Government) -> None:
    code, out = web(world, "chicago_events", chicago)
    assert code == 0, out
    events = Event.objects.filter(government=chicago, client="chicago")
    assert events.count() == 8
    council = events.get(event_id=658900)
    assert (council.body_name, council.date, council.time) == (
        "City Council",
        dt.date(2019, 1, 23),
        "10:00 AM",
    )
    assert council.body is not None and council.body.body_id == 12357
    assert council.in_site_url.startswith("https://chicago.legistar.com/MeetingDetail.aspx?ID=658900&")
    assert events.get(event_id=668019).location.endswith("CANCELLED")
    assert Body.objects.filter(government=chicago).count() == len({e.body_id for e in events})
    again_changes_nothing(world, "chicago_events", chicago)


def test_it_stores_new_yorks_calendar_with_agenda_and_minutes(world: World, nyc: Government) -> None:
    code, out = web(world, "nyc_events", nyc)
    assert code == 0, out
    events = Event.objects.filter(government=nyc, client="nyc")
    assert events.count() == 40
    last = events.get(event_id=669540)
    assert (last.body_name, last.body, last.comment) == (
        "Committee on Governmental Operations",
        None,
        "Online list of required reports.",
    )
    assert last.agenda_file.startswith("https://nyc.legistar.com/View.ashx?M=A&ID=669540&")
    assert last.minutes_file.startswith("https://nyc.legistar.com/View.ashx?M=M&ID=669540&")
    again_changes_nothing(world, "nyc_events", nyc)


def test_it_stores_both_people_lists(world: World, chicago: Government, nyc: Government) -> None:
    assert web(world, "chicago_people", chicago)[0] == 0
    assert web(world, "nyc_people", nyc)[0] == 0
    assert Official.objects.filter(government=chicago, client="chicago").count() == 52
    assert Official.objects.filter(government=nyc, client="nyc").count() == 51
    arena = Official.objects.get(government=chicago, person_id=64193)
    assert (arena.full_name, arena.first_name, arena.last_name) == ("Arena, John", "John", "Arena")
    assert (arena.email, arena.www) == ("Ward45@cityofchicago.org", "http://ward45.org")
    adams = Official.objects.get(government=nyc, person_id=188067)
    assert (adams.full_name, adams.www) == ("Adrienne E. Adams", "https://council.nyc.gov/district-28/")
    again_changes_nothing(world, "chicago_people", chicago)
    again_changes_nothing(world, "nyc_people", nyc)


def test_it_says_in_one_line_that_a_detail_page_is_no_list_page(world: World, chicago: Government) -> None:
    before = fingerprint()
    code, out = run("legistar-web", str(CHICAGO_2012), "--as", "admin", "--government", chicago.slug)
    assert code == 1, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {CHICAGO_2012}, column <page>: not a saved Legistar Legislation.aspx, Calendar.aspx or "
        "People.aspx page (no legislation, meeting or people grid)"
    ]
    assert fingerprint() == before


def test_it_refuses_a_truncated_list_page(world: World, chicago: Government, tmp_path: Path) -> None:
    path = tmp_path / "Calendar.aspx"
    text = shared("data", "legistar", "web", "chicago_events.html").read_text()
    path.write_text(text[: len(text) // 2])
    before = fingerprint()
    code, out = run("legistar-web", str(path), "--as", "admin", "--government", chicago.slug)
    assert code == 1, out
    assert [line for line in out.splitlines() if line.startswith("error:")] == [
        f"error: {path}, column <page>: the page is cut short (no closing </html>); save it again"
    ]
    assert fingerprint() == before


def test_it_refuses_a_50_mb_list_page(world: World, chicago: Government, tmp_path: Path) -> None:
    path = tmp_path / "Legislation.html"
    with path.open("wb") as handle:
        handle.write(b"<!DOCTYPE html><html><body>")
        handle.truncate(50 * 1024 * 1024)
    before = fingerprint()
    code, out = run("legistar-web", str(path), "--as", "admin", "--government", chicago.slug)
    assert code == 1, out
    assert f"error: {path}, column <file>: a page of 50.0 MB is larger than the 20 MB limit" in out
    assert fingerprint() == before
