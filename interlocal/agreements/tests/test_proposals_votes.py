"""A found adoption shows the roll call on its vote, where the legislation app keeps Legistar's votes (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from interlocal.agreements.actions import agreement_create, agreement_version_create
from interlocal.agreements.models import AdoptionProposal
from interlocal.importers.tests.helpers import run
from interlocal.testkit import World
from interlocal.vocab import VersionKind

pytestmark = pytest.mark.django_db


def test_it_shows_the_roll_call_of_the_adopting_vote(world: World, tmp_path: Path) -> None:
    from interlocal.legislation.tests import test_ingest as nyc  # Legistar rows shaped like New York City's

    agreement = agreement_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        kind="interlocal",
        title="Shared Bus Lanes Study Agreement",
    )
    agreement_version_create(
        acting_user=world.coordinator,
        agreement=agreement,
        kind=VersionKind.ORIGINAL,
        title="Text",
        parties=[world.lees_summit, world.blue_springs],
    )
    no = {
        **nyc.NYC_VOTE,
        "VoteId": 5500002,
        "VotePersonId": None,
        "VoteValueName": "Negative",
        "VoteResult": 2,
    }
    files = [
        ("matters.json", [nyc.NYC_MATTER], ()),
        ("histories.json", [nyc.NYC_HISTORY], ("--parent", "60123")),
        ("events.json", [nyc.NYC_EVENT], ()),
        ("eventitems.json", [nyc.NYC_EVENT_ITEM], ()),
        ("votes.json", [nyc.NYC_VOTE, {**nyc.NYC_VOTE, "VoteId": 5500003, "VotePersonId": None}, no], ()),
    ]
    for name, rows, extra in files:
        path = tmp_path / name
        path.write_text(json.dumps(rows))
        args = ["--as", world.clerk.username, "--government", world.lees_summit.slug, "--client", "nyc"]
        code, out = run("legistar-api", str(path), *args, *extra)
        assert code == 0, out

    proposal = AdoptionProposal.objects.get()
    assert proposal.action is not None and proposal.action.action_name == "Approved by Council"
    client = Client()
    client.force_login(world.clerk)
    page = client.get("/me/").content.decode()
    assert 'Roll call</dt><dd class="il-proposal-roll-call">Affirmative 2, Negative 1</dd>' in page
