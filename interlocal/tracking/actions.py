"""Writes to KPIs and measurements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from interlocal import access
from interlocal.audit.actions import audit_record, snapshot
from interlocal.conflicts import apply_versioned, bump_rows
from interlocal.governments.models import Person
from interlocal.initiatives.models import Initiative
from interlocal.tracking import trajectory
from interlocal.tracking.models import Kpi, Measurement, ResponseTrigger
from interlocal.vocab import Direction, KpiStatus


def can_measure(user: Person, kpi: Kpi) -> bool:
    """The KPI's owner, the initiative's editors, and editors of its partner governments may enter values."""
    return user.has_perm("tracking.add_measurement", kpi)


@transaction.atomic
def kpi_create(
    *,
    acting_user: Person,
    initiative: Initiative,
    name: str,
    unit: str,
    direction: str = Direction.HIGHER,
    baseline: Decimal | None = None,
    baseline_on: dt.date | None = None,
    target: Decimal | None = None,
    target_on: dt.date | None = None,
    owner: Person | None = None,
    update_every_days: int = 90,
    weight: Decimal = Decimal(1),
) -> Kpi:
    """Add a KPI to an initiative."""
    access.require(acting_user, "tracking.add_kpi", initiative, "You may not add KPIs to this initiative.")
    _check_kpi(initiative, baseline, baseline_on, target, target_on, owner)
    kpi = Kpi(
        initiative=initiative,
        name=name,
        unit=unit,
        direction=direction,
        baseline=baseline,
        baseline_on=baseline_on,
        target=target,
        target_on=target_on,
        owner=owner,
        update_every_days=update_every_days,
        weight=weight,
    )
    kpi.full_clean()
    kpi.save()
    audit_record(
        acting_user=acting_user,
        verb="kpi_create",
        obj=kpi,
        changes=snapshot(
            kpi, ["name", "unit", "direction", "baseline", "baseline_on", "target", "target_on", "owner"]
        ),
        collaborative=initiative.collaborative,
        is_public=initiative.is_published,
    )
    return kpi


def _check_kpi(
    initiative: Initiative,
    baseline: Decimal | None,
    baseline_on: dt.date | None,
    target: Decimal | None,
    target_on: dt.date | None,
    owner: Person | None,
    kept_owner_id: int | None = None,
) -> None:
    from interlocal.initiatives.queries import owner_candidates

    errors: dict[str, str] = {}
    if (baseline is None) != (baseline_on is None):
        errors["baseline_on" if baseline_on is None else "baseline"] = (
            "A baseline needs both a value and a date."
        )
    if (target is None) != (target_on is None):
        errors["target_on" if target_on is None else "target"] = "A target needs both a value and a date."
    if baseline_on and target_on and target_on <= baseline_on:
        errors["target_on"] = "The target date must come after the baseline date."
    if (
        owner is not None
        and not owner_candidates(initiative.collaborative, kept_owner_id).filter(pk=owner.pk).exists()
    ):
        errors["owner"] = f"{owner} is not on the staff of a government of {initiative.collaborative}."
    if errors:
        raise ValidationError(errors)


_KPI_FIELDS = [
    "name",
    "unit",
    "direction",
    "baseline",
    "baseline_on",
    "target",
    "target_on",
    "owner",
    "update_every_days",
    "weight",
]


@transaction.atomic
def kpi_update(*, acting_user: Person, kpi: Kpi, expected_version: int | None = None, **fields: Any) -> Kpi:
    """Change a KPI's definition; expected_version is the version the editor started from."""
    access.require(acting_user, "tracking.change_kpi", kpi, "You may not change this KPI.")
    unknown = set(fields) - set(_KPI_FIELDS)
    if unknown:
        raise TypeError(f"Unknown KPI fields: {', '.join(sorted(unknown))}")
    kept_owner_id = Kpi.objects.filter(pk=kpi.pk).values_list("owner_id", flat=True).first()
    changes = apply_versioned(kpi, fields, expected_version=expected_version)
    _check_kpi(
        kpi.initiative, kpi.baseline, kpi.baseline_on, kpi.target, kpi.target_on, kpi.owner, kept_owner_id
    )
    if changes:
        # A new baseline or target moves the trajectory, so the status at the latest value may change.
        kpi.status = assess_kpi(kpi, kpi.measurements.order_by("-measured_on", "-id").first()).status
        kpi.full_clean()
        kpi.save()
        audit_record(
            acting_user=acting_user,
            verb="kpi_update",
            obj=kpi,
            changes=changes,
            collaborative=kpi.initiative.collaborative,
            is_public=kpi.initiative.is_published,
        )
    return kpi


def assess_kpi(kpi: Kpi, latest: Measurement | None) -> trajectory.Assessment:
    """Where a KPI stands at its latest measurement."""
    if kpi.baseline is None or kpi.baseline_on is None or kpi.target is None or kpi.target_on is None:
        return trajectory.Assessment("no_data", None, None, None, "No baseline and target to compare with.")
    t = trajectory.Trajectory(
        kpi.baseline, kpi.baseline_on, kpi.target, kpi.target_on, kpi.direction == Direction.HIGHER
    )
    return trajectory.assess(t, latest.measured_on if latest else None, latest.value if latest else None)


@transaction.atomic
def measurement_record(
    *, acting_user: Person, kpi: Kpi, measured_on: dt.date, value: Decimal, note: str = ""
) -> Measurement:
    """Enter a KPI value; its status is recomputed and an over- or underperformance triggers the response."""
    access.require(acting_user, "tracking.add_measurement", kpi, "You may not enter values for this KPI.")
    if measured_on > timezone.localdate():
        raise ValidationError(f"A measurement cannot be dated in the future ({measured_on}).")
    if kpi.baseline_on and measured_on < kpi.baseline_on:
        raise ValidationError(f"A measurement cannot predate the baseline ({kpi.baseline_on}).")
    measurement = Measurement.objects.create(
        kpi=kpi,
        measured_on=measured_on,
        value=value,
        note=note,
        entered_by=acting_user,
        entered_at=timezone.now(),
    )
    initiative = kpi.initiative
    latest = kpi.measurements.order_by("-measured_on", "-id").first()
    assessment = assess_kpi(kpi, latest)
    old_status = kpi.status
    if assessment.status != old_status:
        # The status is part of the KPI record: a change of it is a new version, checked atomically.
        bump_rows(Kpi.objects.filter(pk=kpi.pk), status=assessment.status)
        kpi.refresh_from_db(fields=["status", "lock_version"])
    audit_record(
        acting_user=acting_user,
        verb="measurement_record",
        obj=measurement,
        changes={"value": (None, value), "status": (old_status, kpi.status)},
        collaborative=initiative.collaborative,
        government=acting_user.government,
        is_public=initiative.is_published,
    )
    if latest == measurement and kpi.status in (KpiStatus.OVER, KpiStatus.UNDER):
        response = (
            initiative.if_overperforming if kpi.status == KpiStatus.OVER else initiative.if_underperforming
        )
        trigger = ResponseTrigger.objects.create(
            kpi=kpi,
            measurement=measurement,
            status=kpi.status,
            response=response,
            triggered_at=timezone.now(),
        )
        audit_record(
            acting_user=acting_user,
            verb="response_trigger",
            obj=trigger,
            changes={"status": (None, kpi.status)},
            note=response,
            collaborative=initiative.collaborative,
        )
        owner = initiative.owner
        if owner is not None and owner.email:
            subject = f"{kpi.name} is {kpi.get_status_display().lower()}"
            body = f"{initiative}: {assessment.explanation}\n\nThe plan's response: {response or '(none written yet)'}"
            # Mail only once the measurement is safely stored.
            transaction.on_commit(
                lambda: send_mail(
                    subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email], fail_silently=True
                )
            )
    return measurement
