"""Synced council votes become adoption proposals: two of three parties pass the resolution, a person confirms
each, and the version is in force only once the third is confirmed. Runs where the adoption matcher exists."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from interlocal.agreements import actions as agreement_actions
from interlocal.agreements.models import AgreementVersion
from interlocal.collaboratives.actions import membership_accept, membership_propose
from interlocal.governments.actions import government_create
from interlocal.governments.models import Government, Person
from interlocal.importers.actions import legistar_sync_configure, legistar_sync_run
from interlocal.importers.tests.fake_legistar import FakeLegistar
from interlocal.testkit import World
from interlocal.vocab import GovernmentKind, VersionKind

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not hasattr(agreement_actions, "propose_adoptions"),
        reason="the adoption matcher (agreements.actions.propose_adoptions) is not in this tree yet",
    ),
]

TITLE = (
    "A Resolution approving the Shared Radio Maintenance Agreement among the Eastern Jackson County cities."
)


def council(client: str, matter_id: int, file_number: str, day: str) -> FakeLegistar:
    """A Legistar client holding one resolution, referred and then adopted 5:0 on `day`."""
    stamp = "2024-03-06T01:00:00.000"
    fake = FakeLegistar(client=client)
    fake.tables = {
        "bodies": [],
        "persons": [],
        "officerecords": [],
        "events": [],
        "matters": [
            {
                "MatterId": matter_id,
                "MatterLastModifiedUtc": stamp,
                "MatterFile": file_number,
                "MatterTitle": TITLE,
                "MatterTypeName": "Resolution",
                "MatterStatusName": "Adopted",
                "MatterBodyName": "City Council",
                "MatterIntroDate": "2024-02-20T00:00:00",
                "MatterVersion": "1",
            }
        ],
    }

    def history(n: int, action: str, when: str, flag: int | None) -> dict[str, Any]:
        return {
            "MatterHistoryId": matter_id * 10 + n,
            "MatterHistoryLastModifiedUtc": stamp,
            "MatterHistoryVersion": "1",
            "MatterHistoryActionDate": f"{when}T00:00:00",
            "MatterHistoryActionName": action,
            "MatterHistoryActionBodyName": "City Council",
            "MatterHistoryPassedFlag": flag,
            "MatterHistoryPassedFlagName": "Pass" if flag else None,
            "MatterHistoryTally": "5:0" if flag else None,
        }

    fake.nested = {
        "matters/histories": {
            matter_id: [history(1, "Referred", "2024-02-20", None), history(2, "Adopted", day, 1)]
        },
        "matters/sponsors": {},
        "matters/attachments": {},
    }
    return fake


@pytest.fixture
def councils() -> Iterator[dict[str, tuple[FakeLegistar, str]]]:
    fakes = {
        "lsmo": council("lsmo", 7001, "RES. NO. 24-11", "2024-03-05"),
        "bluesprings": council("bluesprings", 8001, "R-2024-31", "2024-03-12"),
        "grandview": council("grandview", 9001, "2024-R-7", "2024-04-02"),
    }
    served = {name: (fake, fake.start()) for name, fake in fakes.items()}
    yield served
    for fake, _ in served.values():
        fake.stop()


def radio_version(world: World) -> tuple[AgreementVersion, Government]:
    grandview = government_create(
        acting_user=world.admin, kind=GovernmentKind.CITY, name="Grandview", state="MO"
    )
    proposal = membership_propose(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        government=grandview,
        joined_on=dt.date(2019, 1, 1),
    )
    membership_accept(acting_user=world.admin, membership=proposal)
    agreement = agreement_actions.agreement_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        kind="interlocal",
        title="Shared Radio Maintenance Agreement",
        is_published=True,
    )
    version = agreement_actions.agreement_version_create(
        acting_user=world.coordinator,
        agreement=agreement,
        kind=VersionKind.ORIGINAL,
        title="2024 text",
        parties=[world.lees_summit, world.blue_springs, grandview],
        effective_on=dt.date(2024, 1, 1),
    )
    return version, grandview


def sync(who: Person, government: Government, client: str, url: str) -> str:
    record = legistar_sync_configure(acting_user=who, government=government, client=client, base_url=url)
    outcome = legistar_sync_run(acting_user=who, sync=record)
    assert outcome.ok, outcome.error
    return outcome.summary()


def test_it_proposes_the_adoptions_two_synced_councils_passed_and_waits_for_the_third(
    world: World, councils: dict[str, tuple[FakeLegistar, str]]
) -> None:
    # Typed loosely: these names come with the adoption matcher, which this tree may not have yet.
    actions: Any = agreement_actions
    AdoptionProposal: Any = importlib.import_module("interlocal.agreements.models").AdoptionProposal
    ProposalStatus: Any = importlib.import_module("interlocal.vocab").ProposalStatus

    version, grandview = radio_version(world)
    summary = sync(world.clerk, world.lees_summit, "lsmo", councils["lsmo"][1])
    assert "1 adoption(s) found, waiting for a person to confirm" in summary
    sync(world.admin, world.blue_springs, "bluesprings", councils["bluesprings"][1])

    pending = {
        p.government.name: p
        for p in AdoptionProposal.objects.filter(
            version=version, status=ProposalStatus.PROPOSED
        ).select_related("government", "matter", "action")
    }
    assert sorted(pending) == ["Blue Springs", "Lee's Summit"]
    ls = pending["Lee's Summit"]
    assert ls.matter.file_number == "RES. NO. 24-11" and ls.adopted_on == dt.date(2024, 3, 5)
    assert ls.action is not None and ls.action.action_name == "Adopted" and ls.action.tally == "5:0"
    assert not version.adoptions.exists()  # proposed, not recorded

    for proposal, who in ((ls, world.clerk), (pending["Blue Springs"], world.coordinator)):
        actions.adoption_proposal_confirm(
            acting_user=who, proposal=proposal, expected_version=proposal.lock_version
        )
    version.refresh_from_db()
    assert version.adoptions.count() == 2 and version.in_force_from is None

    sync(world.admin, grandview, "grandview", councils["grandview"][1])
    third = AdoptionProposal.objects.get(
        version=version, government=grandview, status=ProposalStatus.PROPOSED
    )
    version.refresh_from_db()
    assert version.in_force_from is None  # found, not adopted: nobody confirmed it
    actions.adoption_proposal_confirm(acting_user=world.admin, proposal=third)
    version.refresh_from_db()
    assert version.in_force_from == dt.date(2024, 4, 2)

    # The clerk edits the matter in Legistar; the next sync brings it and proposes nothing: it was decided.
    fake, url = councils["lsmo"]
    fake.touch("matters", "MatterId", 7001, dt.datetime(2024, 3, 7, 9, 0), MatterStatusName="Filed")
    summary = sync(world.clerk, world.lees_summit, "lsmo", url)
    assert "1 matters" in summary and "adoption" not in summary
    assert AdoptionProposal.objects.filter(government=world.lees_summit).count() == 1
