import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.agreements.actions import (
    agreement_adopt,
    agreement_version_create,
    matter_action_add,
    matter_create,
)
from interlocal.audit.models import AuditEvent
from interlocal.collaboratives.actions import membership_accept, membership_propose
from interlocal.testkit import World
from interlocal.vocab import VersionKind


def _bs_matter(world: World):  # type: ignore[no-untyped-def]
    # Blue Springs has no staff in the test world; a site administrator records for it.
    return matter_create(
        acting_user=world.admin,
        government=world.blue_springs,
        file_number="R-2021-31",
        title="Adopting the statement",
        type_name="Resolution",
    )


def test_it_is_not_in_force_while_a_party_has_not_adopted(world: World) -> None:
    assert world.version.in_force_at is None
    assert not world.version.is_in_force


def test_it_comes_into_force_exactly_when_the_last_party_adopts(world: World) -> None:
    agreement_adopt(
        acting_user=world.admin,
        version=world.version,
        government=world.blue_springs,
        matter=_bs_matter(world),
        adopted_on=dt.date(2021, 4, 5),
    )
    world.version.refresh_from_db()
    assert world.version.is_in_force
    assert (
        AuditEvent.objects.filter(verb="agreement_version_in_force", object_id=str(world.version.pk)).count()
        == 1
    )


def test_it_refuses_a_clerk_adopting_for_another_city(world: World) -> None:
    matter = _bs_matter(world)
    with pytest.raises(PermissionDenied):
        agreement_adopt(
            acting_user=world.clerk,
            version=world.version,
            government=world.blue_springs,
            matter=matter,
            adopted_on=dt.date(2021, 4, 5),
        )


def test_it_refuses_a_second_adoption_and_a_non_party(world: World) -> None:
    with pytest.raises(ValidationError, match="already adopted"):
        agreement_adopt(
            acting_user=world.clerk,
            version=world.version,
            government=world.lees_summit,
            matter=world.matter,
            adopted_on=dt.date(2021, 4, 14),
        )
    kc_matter = matter_create(
        acting_user=world.outsider, government=world.kansas_city, file_number="1", title="t"
    )
    with pytest.raises(ValidationError, match="not a party"):
        agreement_adopt(
            acting_user=world.outsider,
            version=world.version,
            government=world.kansas_city,
            matter=kc_matter,
            adopted_on=dt.date(2021, 4, 14),
        )


def test_it_refuses_adoption_by_another_governments_legislation(world: World) -> None:
    with pytest.raises(ValidationError, match="legislation of Lee's Summit"):
        agreement_adopt(
            acting_user=world.admin,
            version=world.version,
            government=world.blue_springs,
            matter=world.matter,
            adopted_on=dt.date(2021, 4, 14),
        )


def test_it_numbers_versions_and_keeps_expansion_parties(world: World) -> None:
    parties = [world.lees_summit, world.blue_springs, world.kansas_city]
    proposal = membership_propose(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        government=world.kansas_city,
        joined_on=dt.date(2021, 1, 1),
    )
    # Until Kansas City consents, the coordinator may not name it as a party.
    with pytest.raises(ValidationError, match="Not current members"):
        agreement_version_create(
            acting_user=world.coordinator,
            agreement=world.agreement,
            kind=VersionKind.EXPANSION,
            title="x",
            parties=parties,
        )
    membership_accept(acting_user=world.outsider, membership=proposal)
    v2 = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.EXPANSION,
        title="Five cities",
        parties=parties,
    )
    assert v2.number == 2
    assert sorted(g.name for g in v2.parties.all()) == ["Blue Springs", "Kansas City", "Lee's Summit"]


def test_it_refuses_a_clerk_recording_another_councils_matter(world: World) -> None:
    with pytest.raises(PermissionDenied):
        matter_create(acting_user=world.clerk, government=world.blue_springs, file_number="X", title="t")
    with pytest.raises(PermissionDenied):
        matter_action_add(
            acting_user=world.outsider,
            matter=world.matter,
            action_date=dt.date(2021, 4, 13),
            action_name="adopted",
        )


def test_it_refuses_a_coordinator_recording_a_members_legislation_or_adoption(world: World) -> None:
    # Issue 8: membership gave the coordinator power over the member's own council records.
    with pytest.raises(PermissionDenied):
        matter_create(
            acting_user=world.coordinator, government=world.blue_springs, file_number="X", title="t"
        )
    with pytest.raises(PermissionDenied):
        matter_action_add(
            acting_user=world.coordinator,
            matter=world.matter,
            action_date=dt.date(2021, 4, 13),
            action_name="adopted",
        )
    with pytest.raises(PermissionDenied):
        agreement_adopt(
            acting_user=world.coordinator,
            version=world.version,
            government=world.blue_springs,
            matter=_bs_matter(world),
            adopted_on=dt.date(2021, 4, 5),
        )


def test_it_records_an_adoption_with_a_new_matter_in_one_step(world: World) -> None:
    from interlocal.agreements.actions import adoption_record

    version = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.RENEWAL,
        title="2024",
        parties=[world.lees_summit],
    )
    adoption = adoption_record(
        acting_user=world.clerk,
        version=version,
        government=world.lees_summit,
        adopted_on=dt.date(2024, 6, 4),
        new_matter={"file_number": "RES. NO. 24-11", "title": "Renewing", "type_name": "Resolution"},
    )
    assert adoption.matter.government == world.lees_summit and adoption.matter.file_number == "RES. NO. 24-11"
    assert AuditEvent.objects.filter(verb="matter_create", object_repr="RES. NO. 24-11").exists()


def test_it_refuses_an_adoption_by_another_councils_matter_and_keys_the_error(world: World) -> None:
    from interlocal.agreements.actions import adoption_record

    version = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.RENEWAL,
        title="2024",
        parties=[world.lees_summit, world.blue_springs],
    )
    with pytest.raises(ValidationError) as refused:
        adoption_record(
            acting_user=world.clerk,
            version=version,
            government=world.lees_summit,
            adopted_on=dt.date(2024, 6, 4),
            matter=_bs_matter(world),
        )
    assert list(refused.value.message_dict) == ["matter"]
    with pytest.raises(PermissionDenied):
        adoption_record(
            acting_user=world.coordinator,
            version=version,
            government=world.lees_summit,
            adopted_on=dt.date(2024, 6, 4),
            matter=world.matter,
        )
    assert not version.adoptions.exists()
