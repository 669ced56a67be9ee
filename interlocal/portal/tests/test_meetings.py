"""Meetings, officials and roll calls kept from Legistar, on the portal: what each page shows, what it hides,
and the same few queries however many items and votes there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.agreements.actions import matter_action_add
from interlocal.importers.parsers.legistar_api import parse_legistar_json
from interlocal.legislation.ingest import ingest_batch
from interlocal.legislation.samples import CouncilSample, build_council_sample
from interlocal.testkit import World

pytestmark = pytest.mark.django_db
MOST = {"meeting": 8, "meetings": 10, "official": 10, "legislation": 10}


def _sample(world: World) -> CouncilSample:
    action = matter_action_add(
        acting_user=world.clerk,
        matter=world.matter,
        action_date=dt.date(2021, 4, 13),
        action_name="adopted",
        passed_flag_name="Pass",
    )
    return build_council_sample(
        acting_user=world.clerk,
        government=world.lees_summit,
        action=action,
        client="leessummit",
        hidden_marker="SECRET-SESSION",
    )


def _grow(world: World, n: int) -> None:
    """n more agenda items on meeting 501, each with a roll call of both members and a linked matter."""
    items = [
        {
            "EventItemId": 20000 + n * 100 + i,
            "EventItemEventId": 501,
            "EventItemAgendaSequence": 10 + i,
            "EventItemTitle": f"Item {i}",
            "EventItemActionName": "Approved",
            "EventItemMatterFile": world.matter.file_number,
            "EventItemVotes": [
                {"VoteId": 800000 + n * 1000 + i * 10 + k, "VotePersonId": pid, "VoteValueName": "Aye"}
                for k, pid in enumerate((101, 102))
            ],
        }
        for i in range(n)
    ]
    parsed = parse_legistar_json(items, "leessummit", kind="event_items")
    assert not parsed.problems
    ingest_batch(
        government=world.lees_summit, client="leessummit", batch=parsed.value.records, acting_user=world.clerk
    )


def _get(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries), response.content.decode()


def test_it_shows_a_meeting_with_its_agenda_item_matter_and_roll_call(world: World) -> None:
    sample = _sample(world)
    _, page = _get(Client(), f"/meetings/{sample.meeting.pk}/")
    assert "City Hall, Council Chambers, 220 SE Green Street" in page
    assert "6:00 PM" in page and "Tuesday, April 13, 2021" in page
    assert f'href="/legislation/{world.matter.pk}/"' in page
    assert f'href="/officials/{sample.official.pk}/">Dana Whitfield</a>' in page
    assert "Aye" in page


def test_it_lists_a_governments_meetings_without_the_hidden_one(world: World) -> None:
    sample = _sample(world)
    _, public = _get(Client(), f"/governments/{world.lees_summit.slug}/meetings/")
    assert f"/meetings/{sample.meeting.pk}/" in public
    assert "SECRET-SESSION" not in public and f"/meetings/{sample.session.pk}/" not in public
    clerk = Client()
    clerk.force_login(world.clerk)
    _, own = _get(clerk, f"/governments/{world.lees_summit.slug}/meetings/")
    assert "SECRET-SESSION" in own
    assert Client().get(f"/meetings/{sample.session.pk}/").status_code == 404


def test_it_shows_an_official_with_offices_votes_and_sponsored_matters(world: World) -> None:
    from interlocal.agreements.actions import matter_update

    sample = _sample(world)
    matter_update(acting_user=world.clerk, matter=world.matter, sponsors=["Dana Whitfield"])
    _, page = _get(Client(), f"/officials/{sample.official.pk}/")
    assert "Councilmember" in page and "4/14/2020" in page
    assert f'href="/meetings/{sample.meeting.pk}/"' in page
    assert (
        page.count(f'href="/legislation/{world.matter.pk}/"') == 2
    )  # the vote's item and the sponsored list
    assert Client().get(f"/officials/{sample.other.pk}/").status_code == 404


def test_it_puts_the_roll_call_under_the_matters_history_row(world: World) -> None:
    sample = _sample(world)
    _, page = _get(Client(), f"/legislation/{world.matter.pk}/")
    history = page[page.index('id="history"') :]
    assert "Roll call" in history
    assert f'href="/officials/{sample.official.pk}/">Dana Whitfield</a>' in history


def test_it_hides_a_hidden_matter_on_a_published_meeting(world: World) -> None:
    from interlocal.agreements.actions import matter_create

    sample = _sample(world)
    hidden = matter_create(
        acting_user=world.clerk,
        government=world.lees_summit,
        file_number="RES. NO. 21-99",
        title="Draft",
        is_published=False,
    )
    rows = [{"EventItemId": 9999, "EventItemEventId": 501, "EventItemMatterFile": "RES. NO. 21-99"}]
    parsed = parse_legistar_json(rows, "leessummit")
    ingest_batch(
        government=world.lees_summit, client="leessummit", batch=parsed.value.records, acting_user=world.clerk
    )
    _, public = _get(Client(), f"/meetings/{sample.meeting.pk}/")
    assert f"/legislation/{hidden.pk}/" not in public and "RES. NO. 21-99" not in public
    clerk = Client()
    clerk.force_login(world.clerk)
    _, own = _get(clerk, f"/meetings/{sample.meeting.pk}/")
    assert f"/legislation/{hidden.pk}/" in own


@pytest.mark.parametrize("signed_in", [False, True])
def test_it_runs_the_same_few_queries_as_items_and_votes_grow(world: World, signed_in: bool) -> None:
    sample = _sample(world)
    client = Client()
    if signed_in:
        client.force_login(world.clerk)
    pages = {
        "meeting": f"/meetings/{sample.meeting.pk}/",
        "meetings": f"/governments/{world.lees_summit.slug}/meetings/",
        "official": f"/officials/{sample.official.pk}/",
        "legislation": f"/legislation/{world.matter.pk}/",
    }
    _grow(world, 2)
    few = {name: _get(client, path)[0] for name, path in pages.items()}
    _grow(world, 15)
    for name, path in pages.items():
        many, _ = _get(client, path)
        assert many == few[name], name
        assert many <= MOST[name], (name, many)
