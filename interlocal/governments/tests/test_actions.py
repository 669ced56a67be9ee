import pytest
from django.core.exceptions import PermissionDenied

from interlocal.audit.models import AuditEvent
from interlocal.governments.actions import government_set_neighbours, government_update, person_create
from interlocal.testkit import World
from interlocal.vocab import Role


def test_it_lets_a_clerk_update_their_own_government(world: World) -> None:
    government_update(acting_user=world.clerk, government=world.lees_summit, population=101108)
    world.lees_summit.refresh_from_db()
    assert world.lees_summit.population == 101108
    event = AuditEvent.objects.filter(verb="government_update").latest("id")
    assert event.actor == world.clerk
    assert event.changes == {"population": [None, 101108]}


def test_it_refuses_a_clerk_changing_another_citys_record(world: World) -> None:
    with pytest.raises(PermissionDenied):
        government_update(acting_user=world.clerk, government=world.blue_springs, population=1)
    world.blue_springs.refresh_from_db()
    assert world.blue_springs.population is None


def test_it_refuses_a_coordinator_editing_a_member_government(world: World) -> None:
    # A member's own record is its own staff's: membership gives the coordinator no power over it.
    with pytest.raises(PermissionDenied):
        government_update(
            acting_user=world.coordinator, government=world.blue_springs, website="https://example.com"
        )
    with pytest.raises(PermissionDenied):
        government_update(
            acting_user=world.coordinator, government=world.kansas_city, website="https://kcmo.gov"
        )


def test_it_keeps_adjacency_symmetric(world: World) -> None:
    government_set_neighbours(
        acting_user=world.clerk, government=world.lees_summit, neighbours=[world.blue_springs]
    )
    assert list(world.blue_springs.neighbours.all()) == [world.lees_summit]


def test_it_writes_no_audit_event_when_nothing_changes(world: World) -> None:
    before = AuditEvent.objects.count()
    government_update(acting_user=world.clerk, government=world.lees_summit, name="Lee's Summit")
    assert AuditEvent.objects.count() == before


def test_it_refuses_anyone_but_own_staff_creating_accounts_for_members(world: World) -> None:
    for outsider in (world.outsider, world.coordinator):
        with pytest.raises(PermissionDenied):
            person_create(
                acting_user=outsider, username="x", government=world.lees_summit, role=Role.MEMBER_EDITOR
            )
    person = person_create(
        acting_user=world.coordinator,
        username="marc-clerk",
        government=world.marc,
        role=Role.MEMBER_EDITOR,
    )
    assert person.is_staff and not person.has_usable_password()
