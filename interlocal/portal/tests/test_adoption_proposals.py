"""The portal shows adoptions found in council legislation to the clerk and the coordinator, who decide them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.agreements.actions import (
    agreement_create,
    agreement_version_create,
    matter_action_add,
    matter_create,
    propose_adoptions,
)
from interlocal.agreements.models import AdoptionProposal, AgreementVersion, LegislativeMatter
from interlocal.testkit import World
from interlocal.vocab import ProposalStatus, VersionKind

pytestmark = pytest.mark.django_db


def _version(world: World, title: str = "Shared Radio Maintenance Agreement") -> AgreementVersion:
    agreement = agreement_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        kind="interlocal",
        title=title,
        is_published=True,
    )
    return agreement_version_create(
        acting_user=world.coordinator,
        agreement=agreement,
        kind=VersionKind.ORIGINAL,
        title="2024 text",
        parties=[world.lees_summit, world.blue_springs],
    )


def _passed(world: World, file_number: str, title: str) -> LegislativeMatter:
    matter = matter_create(
        acting_user=world.clerk,
        government=world.lees_summit,
        file_number=file_number,
        title=title,
        type_name="Resolution",
        attachments=[(f"{title} (signed).pdf", "https://example.gov/a.pdf")],
    )
    matter_action_add(
        acting_user=world.clerk,
        matter=matter,
        action_date=dt.date(2024, 3, 5),
        action_name="Adopted",
        action_body_name="City Council",
        passed_flag_name="Pass",
        tally="7:0",
    )
    propose_adoptions(acting_user=world.clerk, government=world.lees_summit, matter_ids=[matter.pk])
    return matter


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_it_shows_the_clerk_the_evidence_and_records_the_adoption_on_confirm(world: World) -> None:
    version = _version(world)
    _passed(world, "RES. NO. 24-11", "Approving the Shared Radio Maintenance Agreement")
    proposal = AdoptionProposal.objects.get(version=version)
    clerk = _client(world.clerk)

    page = clerk.get("/me/").content.decode()
    assert "Adoptions found for you" in page
    assert "RES. NO. 24-11" in page and "3/5/2024: Adopted by City Council, Pass (7:0)" in page
    assert "The title shares 3 of 3 words" in page

    response = clerk.post(
        f"/agreements/proposals/{proposal.pk}/decide/",
        {"do": "confirm", "lock_version": proposal.lock_version},
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    adoption = version.adoptions.get()
    assert (adoption.government, adoption.adopted_on) == (world.lees_summit, dt.date(2024, 3, 5))
    assert "Adoptions found for you" not in clerk.get("/me/").content.decode()


def test_it_shows_the_coordinator_the_proposal_on_the_agreement_and_lets_them_dismiss_it(
    world: World,
) -> None:
    version = _version(world)
    _passed(world, "RES. NO. 24-11", "Approving the Shared Radio Maintenance Agreement")
    proposal = AdoptionProposal.objects.get(version=version)
    coordinator = _client(world.coordinator)
    url = f"/agreements/{version.agreement_id}/"

    page = coordinator.get(url).content.decode()
    assert "Adoptions found in council legislation" in page and "RES. NO. 24-11" in page
    assert "Adoptions found" not in Client().get(url).content.decode()  # the public sees no proposals
    response = coordinator.post(
        f"/agreements/proposals/{proposal.pk}/decide/",
        {"do": "dismiss", "lock_version": proposal.lock_version, "from": "agreement"},
    )
    assert response["Location"] == f"{url}#version-1"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED and not version.adoptions.exists()


def test_it_says_so_when_a_proposal_changed_after_the_page_was_opened(world: World) -> None:
    version = _version(world)
    _passed(world, "RES. NO. 24-11", "Approving the Shared Radio Maintenance Agreement")
    proposal = AdoptionProposal.objects.get(version=version)
    stale = proposal.lock_version
    _client(world.coordinator).post(f"/agreements/proposals/{proposal.pk}/decide/", {"do": "dismiss"})

    response = _client(world.clerk).post(
        f"/agreements/proposals/{proposal.pk}/decide/", {"do": "confirm", "lock_version": stale}, follow=True
    )
    assert "Nothing was done: it was changed" in response.content.decode()
    assert not version.adoptions.exists()


def test_it_lets_the_coordinator_name_the_expected_matter(world: World) -> None:
    version = _version(world)
    matter = _passed(world, "RES. NO. 24-40", "Consent agenda")
    assert not AdoptionProposal.objects.exists()
    party = version.party_rows.get(government=world.lees_summit)
    coordinator = _client(world.coordinator)

    assert coordinator.get(f"/agreements/parties/{party.pk}/expect/").status_code == 200
    response = coordinator.post(
        f"/agreements/parties/{party.pk}/expect/",
        {"expected_file_number": "Res. No. 24-40", "lock_version": party.lock_version},
    )
    assert response.status_code == 302
    proposal = AdoptionProposal.objects.get()
    assert proposal.matter == matter and proposal.evidence["reasons"][0]["kind"] == "explicit_link"
    assert (
        "Expected: Res. No. 24-40" in coordinator.get(f"/agreements/{version.agreement_id}/").content.decode()
    )
    assert _client(world.clerk).get(f"/agreements/parties/{party.pk}/expect/").status_code == 403


@pytest.mark.parametrize("who", ["clerk", "coordinator"])
def test_it_lists_many_proposals_in_a_bounded_number_of_queries(world: World, who: str) -> None:
    client = _client(getattr(world, who))
    version = _version(world)
    _passed(world, "RES. NO. 24-1", "Approving the Shared Radio Maintenance Agreement")
    counts = {}
    for n in (1, 6):
        for i in range(2, n + 1):
            _passed(
                world, f"RES. NO. 24-{n}{i}", f"Approving the Shared Radio Maintenance Agreement, part {i}"
            )
        assert AdoptionProposal.objects.filter(version=version).count() == n
        for page in ("/me/", f"/agreements/{version.agreement_id}/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(page).status_code == 200
            counts[(page, n)] = len(ctx.captured_queries)
    for page in ("/me/", f"/agreements/{version.agreement_id}/"):
        assert counts[(page, 6)] == counts[(page, 1)], counts
        assert counts[(page, 6)] <= 30, counts


def test_it_shows_the_demo_clerk_the_radio_agreement_found_in_her_councils_legislation(db: None) -> None:
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("demo", "--force", stdout=StringIO())
    [proposal] = AdoptionProposal.objects.filter(status=ProposalStatus.PROPOSED)
    assert proposal.matter.file_number == "RES. NO. 26-131" and proposal.adopted_on == dt.date(2026, 11, 10)
    clerk = get_user_model().objects.get(username="ls-clerk")
    page = _client(clerk).get("/me/").content.decode()
    assert "Radio Equipment Maintenance Cooperative Agreement" in page and "11/10/2026: Adopted" in page


def test_it_stops_showing_a_proposal_once_the_party_adopted_by_hand(world: World) -> None:
    from interlocal.agreements.actions import adoption_record

    version = _version(world)
    _passed(world, "RES. NO. 24-11", "Approving the Shared Radio Maintenance Agreement")
    other = _passed(world, "RES. NO. 24-12", "Shared Radio Maintenance Agreement, second reading")
    clerk = _client(world.clerk)
    assert clerk.get("/me/").content.decode().count('il-proposal" id="proposal-') == 2

    adoption_record(
        acting_user=world.clerk,
        version=version,
        government=world.lees_summit,
        matter=other,
        adopted_on=dt.date(2024, 3, 5),
    )
    assert "Adoptions found for you" not in clerk.get("/me/").content.decode()
    coordinator_page = _client(world.coordinator).get(f"/agreements/{version.agreement_id}/").content.decode()
    assert "Adoptions found in council legislation" not in coordinator_page
