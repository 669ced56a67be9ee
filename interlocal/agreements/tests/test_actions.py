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
from interlocal.testkit import World
from interlocal.vocab import VersionKind


def _bs_matter(world: World):  # type: ignore[no-untyped-def]
    return matter_create(
        acting_user=world.coordinator,
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
        acting_user=world.coordinator,
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
            acting_user=world.coordinator,
            version=world.version,
            government=world.blue_springs,
            matter=world.matter,
            adopted_on=dt.date(2021, 4, 14),
        )


def test_it_numbers_versions_and_keeps_expansion_parties(world: World) -> None:
    v2 = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.EXPANSION,
        title="Five cities",
        parties=[world.lees_summit, world.blue_springs, world.kansas_city],
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
