import pytest
from django.core.management import CommandError, call_command

from interlocal.agreements.models import Adoption, Agreement, LegislativeMatter, MatterAction
from interlocal.audit.models import AuditEvent
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.governments.actions import person_create
from interlocal.governments.models import Government, Person
from interlocal.initiatives.models import Initiative, InitiativePartner
from interlocal.synth import SynthRefused, synth_generate
from interlocal.testkit import World
from interlocal.tracking.models import Kpi
from interlocal.vocab import Role


@pytest.fixture
def synth_admin(db: None) -> Person:
    return person_create(
        acting_user=None, username="synth", government=None, role=Role.COORDINATOR, is_superuser=True
    )


def _snapshot() -> list[tuple[str, str, bool]]:
    return list(Initiative.objects.order_by("code").values_list("code", "title", "is_published"))


def test_it_loads_the_asked_for_counts_with_an_audit_event_each(synth_admin: Person) -> None:
    counts = synth_generate(acting_user=synth_admin, governments=60, initiatives=90, matters=150, seed=3)
    assert Government.objects.count() == counts.governments == 60
    assert Initiative.objects.count() == counts.initiatives == 90
    assert LegislativeMatter.objects.count() == counts.matters == 150
    assert Collaborative.objects.count() == counts.collaboratives >= 2
    assert Membership.objects.count() == counts.memberships > counts.collaboratives
    assert MatterAction.objects.count() == counts.actions >= 150
    assert InitiativePartner.objects.count() == counts.partners >= 90
    assert Agreement.objects.count() == counts.agreements > 0 and Adoption.objects.exists()
    assert Kpi.objects.count() == counts.kpis
    assert (
        Initiative.objects.filter(is_published=False).exists()
        and Initiative.objects.filter(is_published=True).exists()
    )
    assert {"coordinator-1", "editor-1", "viewer-1"} <= set(counts.usernames)
    made = {
        "government_create": Government.objects.count(),
        "initiative_create": Initiative.objects.count(),
        "matter_create": LegislativeMatter.objects.count(),
        "matter_action_add": MatterAction.objects.count(),
    }
    for verb, count in made.items():
        assert AuditEvent.objects.filter(verb=verb).count() == count, verb


def test_it_gives_the_same_data_for_the_same_seed(synth_admin: Person) -> None:
    from django.db import transaction

    with transaction.atomic():
        synth_generate(acting_user=synth_admin, governments=20, initiatives=30, matters=40, seed=5)
        first = _snapshot()
        transaction.set_rollback(True)
    synth_generate(acting_user=synth_admin, governments=20, initiatives=30, matters=40, seed=5)
    assert _snapshot() == first


def test_it_refuses_a_database_that_holds_records(world: World) -> None:
    with pytest.raises(SynthRefused, match="already holds 4 governments"):
        synth_generate(acting_user=world.admin, governments=20, initiatives=10, matters=10)
    with pytest.raises(CommandError, match="synth loads only into an empty database"):
        call_command("synth", "--governments", "20", "--initiatives", "10", "--matters", "10")
    assert Initiative.objects.count() == 2
