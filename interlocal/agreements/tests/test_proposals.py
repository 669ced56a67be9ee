"""Adoptions found for you: imported council votes become proposals, and only a person's confirmation adopts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from interlocal.agreements.actions import (
    adoption_proposal_confirm,
    adoption_proposal_dismiss,
    agreement_adopt,
    agreement_party_expect,
    agreement_version_create,
    matter_action_add,
    matter_create,
    propose_adoptions,
)
from interlocal.agreements.models import AdoptionProposal, AgreementVersion, LegislativeMatter
from interlocal.audit.models import AuditEvent
from interlocal.collaboratives.actions import membership_accept, membership_propose
from interlocal.conflicts import EditConflict
from interlocal.governments.actions import government_create
from interlocal.governments.models import Government
from interlocal.importers.tests.helpers import run
from interlocal.testkit import World
from interlocal.vocab import GovernmentKind, ProposalStatus, VersionKind

pytestmark = pytest.mark.django_db

TITLE = (
    "A Resolution approving the Shared Radio Maintenance Agreement among the Eastern Jackson County cities."
)


def _third_party(world: World) -> Government:
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
    return grandview


def _radio_version(world: World, grandview: Government) -> AgreementVersion:
    from interlocal.agreements.actions import agreement_create

    agreement = agreement_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        kind="interlocal",
        title="Shared Radio Maintenance Agreement",
        is_published=True,
    )
    return agreement_version_create(
        acting_user=world.coordinator,
        agreement=agreement,
        kind=VersionKind.ORIGINAL,
        title="2024 text",
        parties=[world.lees_summit, world.blue_springs, grandview],
        effective_on=dt.date(2024, 1, 1),
    )


def _matter_json(matter_id: int, file_number: str, title: str) -> dict[str, Any]:
    return {
        "MatterId": matter_id,
        "MatterGuid": f"00000000-0000-0000-0000-{matter_id:012d}",
        "MatterLastModifiedUtc": "2024-03-06T01:00:00",
        "MatterFile": file_number,
        "MatterName": None,
        "MatterTitle": title,
        "MatterTypeName": "Resolution",
        "MatterStatusName": "Adopted",
        "MatterBodyName": "City Council",
        "MatterIntroDate": "2024-02-20T00:00:00",
        "MatterAgendaDate": "2024-03-05T00:00:00",
        "MatterPassedDate": None,
        "MatterEnactmentNumber": None,
        "MatterVersion": "1",
    }


def _history_json(
    history_id: int, day: str, action: str, flag: int | None, tally: str = ""
) -> dict[str, Any]:
    return {
        "MatterHistoryId": history_id,
        "MatterHistoryLastModifiedUtc": "2024-03-06T01:00:00",
        "MatterHistoryEventId": None,
        "MatterHistoryVersion": "1",
        "MatterHistoryActionDate": f"{day}T00:00:00",
        "MatterHistoryActionName": action,
        "MatterHistoryActionBodyName": "City Council",
        "MatterHistoryPassedFlag": flag,
        "MatterHistoryPassedFlagName": {1: "Pass", 0: "Fail"}.get(flag) if flag is not None else None,
        "MatterHistoryTally": tally or None,
        "MatterHistoryMoverName": None,
        "MatterHistorySeconderName": None,
    }


def _import_council(
    tmp_path: Path,
    who: str,
    government: Government,
    client: str,
    matter_id: int,
    file_number: str,
    *,
    title: str = TITLE,
    passed: bool = True,
    day: str = "2024-03-05",
) -> str:
    """Import a council's matter and then its history, as two saved Legistar Web API responses."""
    matters = tmp_path / f"{client}-{matter_id}-matters.json"
    matters.write_text(json.dumps([_matter_json(matter_id, file_number, title)]))
    histories = tmp_path / f"{client}-{matter_id}-histories.json"
    rows = [
        _history_json(matter_id * 10 + 1, "2024-02-20", "Referred", None),
        _history_json(matter_id * 10 + 2, day, "Adopted", 1 if passed else 0, "5:0" if passed else "2:3"),
    ]
    histories.write_text(json.dumps(rows))
    common = ["--as", who, "--government", government.slug, "--client", client]
    out = ""
    for path, extra in ((matters, []), (histories, ["--parent", str(matter_id)])):
        code, out = run("legistar-api", str(path), *common, *extra)
        assert code == 0, out
    return out


def _pending(version: AgreementVersion) -> dict[str, AdoptionProposal]:
    rows = AdoptionProposal.objects.filter(version=version, status=ProposalStatus.PROPOSED)
    return {p.government.name: p for p in rows.select_related("government")}


def test_it_proposes_two_imported_adoptions_and_keeps_the_version_out_of_force_until_the_third(
    world: World, tmp_path: Path
) -> None:
    grandview = _third_party(world)
    version = _radio_version(world, grandview)
    out = _import_council(
        tmp_path, world.clerk.username, world.lees_summit, "lees-summit", 7001, "RES. NO. 24-11"
    )
    assert "Lee's Summit: 1 adoption(s) found, waiting for a person to confirm" in out
    _import_council(tmp_path, world.admin.username, world.blue_springs, "bluesprings", 8001, "R-2024-31")

    pending = _pending(version)
    assert sorted(pending) == ["Blue Springs", "Lee's Summit"]
    ls = pending["Lee's Summit"]
    assert ls.matter.file_number == "RES. NO. 24-11"
    assert ls.adopted_on == dt.date(2024, 3, 5)
    assert ls.action is not None and ls.action.action_name == "Adopted" and ls.action.tally == "5:0"
    assert {r["kind"] for r in ls.evidence["reasons"]} >= {"title_words"}
    assert ls.engine_version == "adoption-match/1"
    assert not version.adoptions.exists()  # proposed, not recorded

    adoption_proposal_confirm(acting_user=world.clerk, proposal=ls, expected_version=ls.lock_version)
    bs = pending["Blue Springs"]
    adoption_proposal_confirm(acting_user=world.coordinator, proposal=bs, expected_version=bs.lock_version)
    version.refresh_from_db()
    assert version.adoptions.count() == 2
    assert version.in_force_from is None

    _import_council(
        tmp_path, world.admin.username, grandview, "grandview", 9001, "2024-R-7", day="2024-04-02"
    )
    third = _pending(version)["Grandview"]
    version.refresh_from_db()
    assert version.in_force_from is None  # found, still not adopted: nobody confirmed it
    adoption_proposal_confirm(acting_user=world.admin, proposal=third)
    version.refresh_from_db()
    assert version.in_force_from == dt.date(2024, 4, 2)
    assert (
        AuditEvent.objects.filter(verb="agreement_version_in_force", object_id=str(version.pk)).count() == 1
    )
    third.refresh_from_db()
    assert third.status == ProposalStatus.CONFIRMED and third.decided_by == world.admin
    assert third.adoption is not None and third.adoption.adopted_on == dt.date(2024, 4, 2)


def test_it_proposes_nothing_for_a_failed_vote_a_non_party_or_a_party_that_already_adopted(
    world: World, tmp_path: Path
) -> None:
    grandview = _third_party(world)
    version = _radio_version(world, grandview)
    _import_council(
        tmp_path, world.clerk.username, world.lees_summit, "lees-summit", 7001, "RES. 24-12", passed=False
    )
    _import_council(tmp_path, world.outsider.username, world.kansas_city, "kansascity", 6001, "240001")
    ls_matter = matter_create(
        acting_user=world.clerk, government=world.lees_summit, file_number="R-1", title="x"
    )
    agreement_adopt(
        acting_user=world.admin, version=version, government=grandview, matter=_gv_matter(world, grandview),
        adopted_on=dt.date(2024, 1, 5),
    )  # fmt: skip
    _import_council(tmp_path, world.admin.username, grandview, "grandview", 9001, "2024-R-7")

    assert not AdoptionProposal.objects.exists()
    assert ls_matter.adoption_proposals.count() == 0


def _gv_matter(world: World, grandview: Government) -> LegislativeMatter:
    return matter_create(
        acting_user=world.admin, government=grandview, file_number="2024-R-1", title="Radio by hand"
    )


def test_it_never_proposes_a_dismissed_match_again_on_reimport(world: World, tmp_path: Path) -> None:
    version = _radio_version(world, _third_party(world))
    _import_council(tmp_path, world.clerk.username, world.lees_summit, "lees-summit", 7001, "RES. NO. 24-11")
    proposal = _pending(version)["Lee's Summit"]
    adoption_proposal_dismiss(acting_user=world.clerk, proposal=proposal, note="A different radio contract.")

    _import_council(tmp_path, world.clerk.username, world.lees_summit, "lees-summit", 7001, "RES. NO. 24-11")
    _import_council(
        tmp_path,
        world.clerk.username,
        world.lees_summit,
        "lees-summit",
        7001,
        "RES. NO. 24-11",
        day="2024-03-06",
    )

    assert _pending(version) == {}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED
    assert AdoptionProposal.objects.count() == 1
    assert not version.adoptions.exists()


def test_it_refuses_a_confirmation_from_outside_the_party_and_its_collaborative(
    world: World, tmp_path: Path
) -> None:
    version = _radio_version(world, _third_party(world))
    _import_council(tmp_path, world.clerk.username, world.lees_summit, "lees-summit", 7001, "RES. NO. 24-11")
    proposal = _pending(version)["Lee's Summit"]

    with pytest.raises(PermissionDenied):
        adoption_proposal_confirm(acting_user=world.outsider, proposal=proposal)
    client = Client()
    client.force_login(world.outsider)
    response = client.post(f"/agreements/proposals/{proposal.pk}/decide/", {"do": "confirm"})
    assert response.status_code == 404
    assert not version.adoptions.exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_it_refuses_a_confirmation_made_on_a_stale_page(world: World, tmp_path: Path) -> None:
    version = _radio_version(world, _third_party(world))
    _import_council(tmp_path, world.clerk.username, world.lees_summit, "lees-summit", 7001, "RES. NO. 24-11")
    proposal = _pending(version)["Lee's Summit"]
    seen = proposal.lock_version
    adoption_proposal_dismiss(acting_user=world.coordinator, proposal=proposal, expected_version=seen)

    with pytest.raises(EditConflict):
        adoption_proposal_confirm(acting_user=world.clerk, proposal=proposal, expected_version=seen)
    with pytest.raises(ValidationError, match="already dismissed"):
        adoption_proposal_confirm(acting_user=world.clerk, proposal=proposal)


def test_it_proposes_the_matter_the_coordinator_linked_even_with_an_unrelated_title(world: World) -> None:
    version = _radio_version(world, _third_party(world))
    matter = matter_create(
        acting_user=world.clerk,
        government=world.lees_summit,
        file_number="RES. NO. 24-40",
        title="Consent agenda",
    )
    matter_action_add(
        acting_user=world.clerk, matter=matter, action_date=dt.date(2024, 5, 7), action_name="Approved",
        passed_flag_name="Pass", tally="6:0",
    )  # fmt: skip
    assert (
        propose_adoptions(acting_user=world.clerk, government=world.lees_summit, matter_ids=[matter.pk]) == []
    )

    party = version.party_rows.get(government=world.lees_summit)
    agreement_party_expect(
        acting_user=world.coordinator,
        party=party,
        file_number="Res No 24-40",
        expected_version=party.lock_version,
    )

    proposal = _pending(version)["Lee's Summit"]
    assert proposal.matter == matter and proposal.score == 100
    assert proposal.evidence["reasons"][0]["kind"] == "explicit_link"
    dashed = matter_create(
        acting_user=world.clerk, government=world.lees_summit, file_number="R-2024-7", title="Consent agenda"
    )
    matter_action_add(
        acting_user=world.clerk, matter=dashed, action_date=dt.date(2024, 5, 8), action_name="Passed",
        passed_flag_name="Pass",
    )  # fmt: skip
    other = version.party_rows.get(government=world.blue_springs)
    assert _pending(version).keys() == {"Lee's Summit"}
    party.refresh_from_db()
    with pytest.raises(PermissionDenied):
        agreement_party_expect(acting_user=world.clerk, party=party, file_number="R-9")
    # Written without its dashes, the number still finds the matter (of the party it names, not another's).
    agreement_party_expect(acting_user=world.coordinator, party=party, file_number="R2024 7")
    assert AdoptionProposal.objects.filter(matter=dashed, government=world.lees_summit).exists()
    agreement_party_expect(acting_user=world.coordinator, party=other, file_number="R-2024-7")
    assert not AdoptionProposal.objects.filter(government=world.blue_springs).exists()
    with pytest.raises(PermissionDenied):
        propose_adoptions(acting_user=world.outsider, government=world.lees_summit, matter_ids=[matter.pk])


def test_it_finds_the_matters_a_bulk_ingest_wrote_without_an_audit_event_per_row(world: World) -> None:
    from interlocal.agreements.actions import propose_for_written
    from interlocal.agreements.models import MatterAction
    from interlocal.agreements.queries import write_mark

    version = _radio_version(world, _third_party(world))
    matter = matter_create(
        acting_user=world.clerk, government=world.lees_summit, file_number="RES. 24-50", title=TITLE
    )
    mark = write_mark()
    # Legistar's bulk ingest writes rows in bulk and audits the run once; the new row's id gives it away.
    MatterAction.objects.bulk_create(
        [
            MatterAction(
                matter=matter, action_date=dt.date(2024, 6, 4), action_name="Adopted", passed_flag_name="Pass"
            )
        ]
    )

    [(government, proposals)] = propose_for_written(acting_user=world.clerk, mark=mark)
    assert government == world.lees_summit and [p.version for p in proposals] == [version]
    assert propose_for_written(acting_user=world.clerk, mark=write_mark()) == []
