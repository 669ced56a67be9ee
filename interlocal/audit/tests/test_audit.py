from interlocal.audit.models import AuditEvent
from interlocal.demo import load_demo


def test_it_audits_every_record_the_demo_writes(db: None) -> None:
    load_demo()
    from interlocal.agreements.models import Adoption, LegislativeMatter, MatterAction
    from interlocal.collaboratives.models import Collaborative, Membership
    from interlocal.governments.models import Government
    from interlocal.initiatives.models import Initiative

    for model in (
        Government,
        Collaborative,
        Membership,
        Initiative,
        LegislativeMatter,
        MatterAction,
        Adoption,
    ):
        audited = set(
            AuditEvent.objects.filter(model=model._meta.label_lower).values_list("object_id", flat=True)
        )
        stored = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        assert stored and stored <= audited, model


def test_it_names_the_actor_and_the_change(world) -> None:  # type: ignore[no-untyped-def]
    event = AuditEvent.objects.filter(verb="agreement_adopt").get()
    assert event.actor == world.clerk
    assert event.changes["adopted_on"] == [None, "2021-04-13"]
