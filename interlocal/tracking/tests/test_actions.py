import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from interlocal.initiatives.actions import initiative_update
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create, measurement_record
from interlocal.tracking.models import Kpi, ResponseTrigger
from interlocal.vocab import Direction


def _kpi(world: World) -> Kpi:
    today = timezone.localdate()
    return kpi_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        name="Radios repaired on time",
        unit="percent",
        direction=Direction.HIGHER,
        baseline=Decimal(50),
        baseline_on=today - dt.timedelta(days=365),
        target=Decimal(90),
        target_on=today + dt.timedelta(days=365),
        owner=world.clerk,
    )


def test_it_marks_a_value_below_the_trajectory_underperforming_and_shows_the_response(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    initiative_update(
        acting_user=world.coordinator,
        initiative=world.initiative,
        owner=world.clerk,
        if_underperforming="Ask Blue Springs' radio shop to add a technician.",
    )
    world.clerk.email = "clerk@example.org"
    world.clerk.save()
    kpi = _kpi(world)
    with django_capture_on_commit_callbacks(execute=True):
        measurement_record(
            acting_user=world.clerk, kpi=kpi, measured_on=timezone.localdate(), value=Decimal(52)
        )
    kpi.refresh_from_db()
    assert kpi.status == "underperforming"  # expected 70 halfway, band 4
    trigger = ResponseTrigger.objects.get()
    assert trigger.response == "Ask Blue Springs' radio shop to add a technician."
    assert mail.outbox[0].to == ["clerk@example.org"] and "add a technician" in mail.outbox[0].body
    page = Client().get(f"/initiatives/{world.initiative.pk}/").content.decode()
    assert "is underperforming" in page and "add a technician" in page


def test_it_keeps_on_track_values_quiet(world: World) -> None:
    kpi = _kpi(world)
    measurement_record(acting_user=world.clerk, kpi=kpi, measured_on=timezone.localdate(), value=Decimal(71))
    kpi.refresh_from_db()
    assert kpi.status == "on_track" and not ResponseTrigger.objects.exists()


def test_it_lets_partner_cities_measure_but_not_outsiders(world: World) -> None:
    from interlocal.governments.actions import person_create

    bs_editor = person_create(
        acting_user=world.admin, username="bs-ed", government=world.blue_springs, role="member_editor"
    )
    kpi = _kpi(world)
    measurement_record(acting_user=bs_editor, kpi=kpi, measured_on=timezone.localdate(), value=Decimal(70))
    with pytest.raises(PermissionDenied):
        measurement_record(
            acting_user=world.outsider, kpi=kpi, measured_on=timezone.localdate(), value=Decimal(70)
        )


def test_it_refuses_future_and_prebaseline_dates(world: World) -> None:
    kpi = _kpi(world)
    with pytest.raises(ValidationError, match="future"):
        measurement_record(
            acting_user=world.clerk,
            kpi=kpi,
            measured_on=timezone.localdate() + dt.timedelta(days=1),
            value=Decimal(1),
        )
    with pytest.raises(ValidationError, match="predate"):
        measurement_record(
            acting_user=world.clerk, kpi=kpi, measured_on=dt.date(2000, 1, 1), value=Decimal(1)
        )


def test_it_refuses_half_a_baseline(world: World) -> None:
    with pytest.raises(ValidationError, match="both a value and a date"):
        kpi_create(
            acting_user=world.coordinator,
            initiative=world.initiative,
            name="x",
            unit="y",
            baseline=Decimal(1),
        )
