import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from interlocal.governments.actions import person_create
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create, measurement_record
from interlocal.tracking.queries import digest_for


def _overdue_kpi(world: World, owner):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    kpi = kpi_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        name="Radios repaired on time",
        unit="percent",
        baseline=Decimal(50),
        baseline_on=today - dt.timedelta(days=400),
        target=Decimal(90),
        target_on=today + dt.timedelta(days=100),
        owner=owner,
        update_every_days=90,
    )
    measurement_record(
        acting_user=owner, kpi=kpi, measured_on=today - dt.timedelta(days=120), value=Decimal(60)
    )
    return kpi


def test_it_puts_an_overdue_kpi_in_its_owners_digest_and_not_another_governments(world: World) -> None:
    from interlocal.initiatives.actions import initiative_advance

    initiative_advance(
        acting_user=world.coordinator, initiative=world.initiative, to_stage="exploring", reason="Go"
    )
    kpi = _overdue_kpi(world, world.clerk)
    bs_editor = person_create(
        acting_user=world.admin, username="bs-ed", government=world.blue_springs, role="member_editor"
    )
    today = timezone.localdate()
    assert [k for k, _ in digest_for(world.clerk, today).overdue_kpis] == [kpi]
    assert [k for k, _ in digest_for(world.coordinator, today).overdue_kpis] == [kpi]
    assert digest_for(bs_editor, today).overdue_kpis == []
    assert digest_for(world.outsider, today).overdue_kpis == []


def test_it_sends_one_digest_per_person(world: World) -> None:
    from interlocal.initiatives.actions import initiative_advance

    initiative_advance(
        acting_user=world.coordinator, initiative=world.initiative, to_stage="exploring", reason="Go"
    )
    _overdue_kpi(world, world.clerk)
    world.clerk.email, world.coordinator.email = "clerk@example.org", "coord@example.org"
    world.clerk.save()
    world.coordinator.save()
    out = StringIO()
    call_command("digest", stdout=out)
    assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.org", "coord@example.org"]
    assert "Radios repaired on time" in mail.outbox[0].body
    assert "2 digests sent." in out.getvalue()


def test_it_prints_instead_of_sending_on_a_dry_run(world: World) -> None:
    from interlocal.initiatives.actions import initiative_advance

    initiative_advance(
        acting_user=world.coordinator, initiative=world.initiative, to_stage="exploring", reason="Go"
    )
    _overdue_kpi(world, world.clerk)
    out = StringIO()
    call_command("digest", "--dry-run", stdout=out)
    assert "Measurements overdue:" in out.getvalue() and "would be sent" in out.getvalue()
    assert mail.outbox == []


def test_it_rejects_a_bad_date(db: None) -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("digest", "--today", "yesterday")
