"""Scoped reads of KPIs, overdue work and deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.agreements.models import AgreementVersion
from interlocal.agreements.queries import overdue_adoptions
from interlocal.initiatives.models import Initiative
from interlocal.initiatives.queries import visible_initiatives
from interlocal.tracking import trajectory
from interlocal.tracking.models import Kpi, Measurement
from interlocal.vocab import Stage


@dataclass(frozen=True)
class KpiRow:
    """A KPI with its latest measurement and where it stands."""

    kpi: Kpi
    latest: Measurement | None
    assessment: trajectory.Assessment
    next_due_on: dt.date | None
    overdue: bool


def kpis_prefetch() -> Prefetch:
    """Prefetch an initiative's KPIs with their measurements in date order (for kpi_rows_from)."""
    measurements = Measurement.objects.order_by("measured_on", "id")
    return Prefetch(
        "kpis",
        queryset=Kpi.objects.select_related("owner").prefetch_related(
            Prefetch("measurements", queryset=measurements)
        ),
    )


def kpi_rows(initiative: Initiative, today: dt.date) -> list[KpiRow]:
    """The initiative's KPIs with status, in two queries."""
    # Through the related manager, so each KPI knows its initiative without fetching it again.
    measurements = Measurement.objects.order_by("measured_on", "id")
    kpis = initiative.kpis.select_related("owner").prefetch_related(
        Prefetch("measurements", queryset=measurements)
    )
    return kpi_rows_from(list(kpis), today)


def kpi_rows_from(kpis: list[Kpi], today: dt.date) -> list[KpiRow]:
    """KPI rows from KPIs whose measurements are prefetched in date order."""
    from interlocal.tracking.actions import assess_kpi

    rows = []
    for kpi in kpis:
        history = list(kpi.measurements.all())
        latest = history[-1] if history else None
        due = kpi.next_due_on(latest.measured_on if latest else None)
        rows.append(KpiRow(kpi, latest, assess_kpi(kpi, latest), due, due is not None and due < today))
    return rows


def initiative_progress(rows: list[KpiRow]) -> tuple[Decimal | None, str]:
    """An initiative's progress: the weighted mean of its KPIs' progress toward target."""
    return trajectory.roll_up([(r.assessment.progress, r.kpi.weight) for r in rows])


def get_kpi_for_user(user: Any, pk: int) -> Kpi:
    """A KPI of an initiative the user may see, or 404."""
    return get_object_or_404(
        Kpi.objects.filter(initiative__in=visible_initiatives(user)).select_related(
            "initiative__collaborative"
        ),
        pk=pk,
    )


@dataclass
class Digest:
    """One person's overdue items and upcoming agreement deadlines."""

    overdue_kpis: list[tuple[Kpi, dt.date]] = field(default_factory=list)
    overdue_initiatives: list[tuple[Initiative, dt.date]] = field(default_factory=list)
    deadlines: list[tuple[dt.date, str, AgreementVersion]] = field(default_factory=list)
    # Self-assessment answers not yet submitted, due within 30 days or overdue (RoundMember, deadline).
    assessments: list[tuple[Any, dt.date]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue_kpis or self.overdue_initiatives or self.deadlines or self.assessments)


LIVE_STAGES = [Stage.EXPLORING, Stage.PROPOSED, Stage.APPROVED, Stage.IMPLEMENTING, Stage.OPERATING]
DEADLINE_HORIZON = dt.timedelta(days=90)


def overdue_kpis(scope: Q, today: dt.date) -> list[tuple[Kpi, dt.date]]:
    """KPIs in scope whose next measurement is past due, with the due date."""
    kpis = (
        Kpi.objects.filter(scope, initiative__stage__in=[*LIVE_STAGES, Stage.EVALUATED])
        .annotate(last_on=Max("measurements__measured_on"))
        .select_related("initiative", "owner")
        .order_by("initiative__code", "name")
    )
    found: list[tuple[Kpi, dt.date]] = []
    for kpi in kpis:
        due = kpi.next_due_on(kpi.last_on)  # type: ignore[attr-defined]
        if due is not None and due < today:
            found.append((kpi, due))
    return found


def overdue_initiatives(scope: Q, today: dt.date) -> list[tuple[Initiative, dt.date]]:
    """Live initiatives in scope whose progress report is past due."""
    found = []
    for initiative in (
        Initiative.objects.filter(scope, stage__in=LIVE_STAGES).distinct().order_by("code", "title")
    ):
        since = initiative.last_progress_at or initiative.stage_changed_at
        if since is None:
            continue
        due = since.date() + dt.timedelta(days=initiative.update_every_days)
        if due < today:
            found.append((initiative, due))
    return found


def deadlines(
    versions: QuerySet[AgreementVersion], today: dt.date
) -> list[tuple[dt.date, str, AgreementVersion]]:
    """Renewals and notice deadlines within the horizon, and adoptions past due."""
    found = []
    for v in versions.select_related("agreement").prefetch_related("party_rows", "adoptions"):
        if v.renewal_on and today <= v.renewal_on <= today + DEADLINE_HORIZON:
            found.append((v.renewal_on, "renewal due", v))
        notice = v.notice_opens_on
        if notice and today <= notice <= today + DEADLINE_HORIZON:
            found.append((notice, "last day to give notice of withdrawal", v))
    for late in overdue_adoptions(versions, today):
        waiting = ", ".join(g.name for g in late.missing)
        found.append((late.due_on, f"adoption overdue, waiting for {waiting}", late.version))
    return sorted(found, key=lambda d: (d[0], d[2].pk))


def digest_for(person: Any, today: dt.date) -> Digest:
    """What one person must act on: their own items, their government's (liaisons), their collaboratives' (coordinators)."""
    from interlocal.assessments.queries import assessment_reminders

    if not person.is_active or person.government_id is None:
        return Digest()
    kpi_scope = Q(owner=person)
    initiative_scope = Q(owner=person)
    version_scope = Q(pk__in=[])
    coordinated = access.coordinated_collaborative_ids(person)
    if coordinated:
        kpi_scope |= Q(initiative__collaborative_id__in=coordinated)
        initiative_scope |= Q(collaborative_id__in=coordinated)
        version_scope |= Q(agreement__collaborative_id__in=coordinated)
    if person.has_perm("tracking.receive_liaison_digest"):
        # A member editor is their government's liaison: the KPIs their colleagues own, what it leads, its agreements.
        kpi_scope |= Q(owner__government_id=person.government_id)
        initiative_scope |= Q(partners__government_id=person.government_id, partners__role="lead")
        version_scope |= Q(party_rows__government_id=person.government_id)
    return Digest(
        overdue_kpis=overdue_kpis(kpi_scope, today),
        overdue_initiatives=overdue_initiatives(initiative_scope, today),
        deadlines=deadlines(AgreementVersion.objects.filter(version_scope).distinct(), today),
        assessments=assessment_reminders(person, today),
    )
