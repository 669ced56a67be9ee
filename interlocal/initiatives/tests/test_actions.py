import pytest
from django.core.exceptions import PermissionDenied

from interlocal.initiatives.actions import (
    initiative_create,
    initiative_publish,
    initiative_update,
    term_ensure,
)
from interlocal.testkit import World
from interlocal.vocab import TermKind


def test_it_lets_the_lead_citys_editor_update_its_initiative(world: World) -> None:
    initiative_update(acting_user=world.clerk, initiative=world.initiative, services="Radio shop")
    world.initiative.refresh_from_db()
    assert world.initiative.services == "Radio shop"


def test_it_refuses_an_editor_whose_city_does_not_lead(world: World) -> None:
    with pytest.raises(PermissionDenied):
        initiative_update(acting_user=world.clerk, initiative=world.hidden_initiative, title="Mine now")
    with pytest.raises(PermissionDenied):
        initiative_update(acting_user=world.outsider, initiative=world.initiative, title="Mine now")


def test_it_lets_only_coordinators_publish(world: World) -> None:
    with pytest.raises(PermissionDenied):
        initiative_publish(acting_user=world.clerk, initiative=world.hidden_initiative)
    initiative_publish(acting_user=world.coordinator, initiative=world.hidden_initiative)
    world.hidden_initiative.refresh_from_db()
    assert world.hidden_initiative.is_published


def test_it_lets_a_member_propose_but_not_an_outsider(world: World) -> None:
    created = initiative_create(
        acting_user=world.clerk, collaborative=world.collaborative, title="Shared fleet"
    )
    assert created.pk
    with pytest.raises(PermissionDenied):
        initiative_create(acting_user=world.outsider, collaborative=world.collaborative, title="Intrusion")


def test_it_lets_coordinators_extend_vocabularies_and_reuses_terms(world: World) -> None:
    first = term_ensure(acting_user=world.coordinator, kind=TermKind.TOPIC_AREA, name="Broadband")
    again = term_ensure(acting_user=world.clerk, kind=TermKind.TOPIC_AREA, name="Broadband")
    assert first.pk == again.pk
    with pytest.raises(PermissionDenied):
        term_ensure(acting_user=world.clerk, kind=TermKind.TOPIC_AREA, name="Something new")


def test_it_rejects_unknown_fields(world: World) -> None:
    with pytest.raises(TypeError, match="colour"):
        initiative_update(acting_user=world.coordinator, initiative=world.initiative, colour="red")


def test_it_bulk_creates_with_an_audit_event_per_initiative(world: World) -> None:
    from interlocal.audit.models import AuditEvent
    from interlocal.initiatives.actions import initiative_bulk_create

    created = initiative_bulk_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        rows=[{"title": "Shared fleet", "code": "F-1", "status": "new"}, {"title": "Shared payroll"}],
    )
    assert [i.pk for i in created] == sorted(i.pk for i in created)
    stored = {i.pk: (i.title, i.code, i.stage, i.tracking_success) for i in created}
    assert {
        i.pk: (i.title, i.code, i.stage, i.tracking_success)
        for i in world.collaborative.initiatives.filter(pk__in=stored)
    } == stored
    events = AuditEvent.objects.filter(verb="initiative_create", object_id__in=[str(pk) for pk in stored])
    assert events.count() == 2 and {e.actor for e in events} == {world.coordinator}
    assert events.get(object_id=str(created[0].pk)).changes["code"] == [None, "F-1"]


def test_it_refuses_a_bulk_row_with_overlong_or_missing_text(world: World) -> None:
    from django.core.exceptions import ValidationError

    from interlocal.initiatives.actions import initiative_bulk_create

    before = world.collaborative.initiatives.count()
    with pytest.raises(ValidationError, match="at most 40 characters"):
        initiative_bulk_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            rows=[{"title": "Fine"}, {"title": "Too long a code", "code": "X" * 41}],
        )
    with pytest.raises(ValidationError, match="title is required"):
        initiative_bulk_create(
            acting_user=world.coordinator, collaborative=world.collaborative, rows=[{"title": " "}]
        )
    with pytest.raises(PermissionDenied):
        initiative_bulk_create(
            acting_user=world.outsider, collaborative=world.collaborative, rows=[{"title": "Mine"}]
        )
    assert world.collaborative.initiatives.count() == before
