"""Tests of the Legistar list-page parser on the real pages of two clients with different columns."""

from __future__ import annotations

from datetime import date

from interlocal.importers.parsers.legistar_html import decode_page
from interlocal.importers.parsers.legistar_web import (
    NOT_A_LIST_PAGE,
    WebPage,
    parse_legistar_list_page,
)
from interlocal.importers.tests.helpers import shared


def page(name: str) -> WebPage:
    parsed = parse_legistar_list_page(
        decode_page(shared("data", "legistar", "web", f"{name}.html").read_bytes())
    )
    assert parsed.problems == ()
    return parsed.value


def test_it_reads_chicagos_legislation_grid() -> None:
    grid = page("chicago_bills")
    assert (grid.kind, grid.client, grid.total, len(grid.matters)) == ("legislation", "chicago", 522, 100)
    first = grid.matters[0]
    assert (first.file_number, first.type_name, first.status_name) == (
        "O2018-9628",
        "Ordinance",
        "Introduced",
    )
    assert (first.intro_date, first.passed_date) == (date(2018, 12, 12), None)
    assert first.title == "Grant(s) of privilege in public way for Arrive South Loop"
    assert first.matter_id == 3779732
    assert first.detail_url == (
        "https://chicago.legistar.com/LegislationDetail.aspx?ID=3779732"
        "&GUID=4020F13A-6774-4D71-92E2-6E63DC0654EB&Options=Advanced&Search="
    )
    # Chicago's grid shows the main sponsor's ward, not a name: kept as an extra.
    assert (first.sponsor, first.extras) == (None, {"Main Sponsor's Ward/Office": "03"})
    last = grid.matters[-1]
    assert (last.file_number, last.status_name, last.passed_date) == (
        "SO2017-4815",
        "Passed",
        date(2017, 11, 21),
    )
    assert sum(1 for m in grid.matters if m.passed_date) == 80
    assert grid.extra_columns == ("Main Sponsor's Ward/Office",)


def test_it_reads_new_yorks_legislation_grid_with_other_columns() -> None:
    grid = page("nyc_bills")
    assert (grid.kind, grid.client, grid.total, len(grid.matters)) == ("legislation", "nyc", 438, 100)
    first = grid.matters[0]
    assert (first.file_number, first.type_name, first.status_name) == (
        "Int 1299-2018",
        "Introduction",
        "Laid Over in Committee",
    )
    assert (first.body_name, first.sponsor, first.enactment_number) == (
        "Committee on For-Hire Vehicles",
        "Jumaane D. Williams",
        None,
    )
    assert first.extras == {"Council Member Sponsors": "3"}
    assert "intro_date" not in first.present and "enactment_number" in first.present
    assert grid.matters[-1].sponsor == "Robert E. Cornegy, Jr."
    assert {m.type_name for m in grid.matters} == {"Introduction", "Resolution"}


def test_it_reads_chicagos_calendar() -> None:
    calendar = page("chicago_events")
    assert (calendar.kind, len(calendar.events)) == ("calendar", 8)
    council = calendar.events[0]
    assert (council.event_id, council.body_name, council.body_id) == (658900, "City Council", 12357)
    assert (council.date, council.time) == (date(2019, 1, 23), "10:00 AM")
    assert council.location == "Council Chambers -- City Hall -- Chicago, Illinois"
    assert council.agenda_url is None
    cancelled = calendar.events[-1]
    assert cancelled.location == "Council Chambers -- City Hall -- Chicago, Illinois CANCELLED"
    assert cancelled.agenda_url == (
        "http://media.legistar.com/chic/meetings/91489BEA-87E0-42E1-8D86-743C2F7138A6/"
        "agenda%20hum%20rel.jan8_20190104101632.pdf"
    )
    assert calendar.extra_columns == ("Captions", "Notice", "Summary")


def test_it_reads_new_yorks_calendar() -> None:
    calendar = page("nyc_events")
    assert (calendar.kind, len(calendar.events)) == ("calendar", 40)
    last = calendar.events[-1]
    assert (last.event_id, last.body_name, last.body_id) == (
        669540,
        "Committee on Governmental Operations",
        None,
    )
    assert (last.date, last.time, last.topic) == (
        date(2019, 1, 7),
        "10:00 AM",
        "Online list of required reports.",
    )
    assert last.minutes_url == (
        "https://nyc.legistar.com/View.ashx?M=M&ID=669540&GUID=775AB6E6-9CDC-4B60-8040-C116BCFD8C02"
    )
    # The video link's href is the calendar itself; its onclick opens the player.
    assert last.video_url is not None and last.video_url.startswith(
        "https://nyc.legistar.com/Video.aspx?Mode=Auto&URL="
    )
    assert sum(1 for e in calendar.events if e.agenda_url) == 40


def test_it_reads_both_people_lists() -> None:
    chicago, nyc = page("chicago_people"), page("nyc_people")
    assert (chicago.kind, len(chicago.people), nyc.kind, len(nyc.people)) == ("people", 52, "people", 51)
    arena = chicago.people[0]
    assert (arena.person_id, arena.full_name, arena.office) == (64193, "Arena, John", "45")
    assert (arena.email, arena.website) == ("Ward45@cityofchicago.org", "http://ward45.org")
    assert arena.extras["Ward Office Address"] == "4754 North Milwaukee Avenue"
    assert arena.extras["Zip (2)"] == "60602"
    adams = nyc.people[0]
    assert (adams.person_id, adams.full_name, adams.email) == (188067, "Adrienne E. Adams", None)
    # The grid shortens the address ("https://council...ov/district-28/"); the link holds it whole.
    assert adams.website == "https://council.nyc.gov/district-28/"


def test_it_says_in_one_sentence_that_a_page_is_no_list_page() -> None:
    parsed = parse_legistar_list_page("<html><body><table><tr><th>A</th></tr></table></body></html>")
    assert [(p.field, p.message) for p in parsed.problems] == [("<page>", NOT_A_LIST_PAGE)]


def test_it_keeps_unknown_columns_of_a_grid_as_extras() -> None:
    html = (
        "<html><body><table class='rgMasterTable' id='x_gridMain_ctl00'><thead><tr><th>Record #</th>"
        "<th>Title</th><th>Hearing Room</th></tr></thead><tbody><tr><td><a href='LegislationDetail.aspx?ID=5'>"
        "R-5</a></td><td>A title</td><td>B</td></tr></tbody></table></body></html>"
    )
    parsed = parse_legistar_list_page(html, base_url="https://example.legistar.com/Legislation.aspx")
    (row,) = parsed.value.matters
    assert (row.file_number, row.title, row.extras, row.matter_id) == (
        "R-5",
        "A title",
        {"Hearing Room": "B"},
        5,
    )
    assert row.detail_url == "https://example.legistar.com/LegislationDetail.aspx?ID=5"
    assert parsed.value.client == "example"
