"""Scoped reads of the API's record types, each built on its app's visible_*() so the API and portal agree.

Every queryset here holds only what the user may see: a record outside it is a 404 on detail endpoints and
absent from lists. Linked records the user may not see (a matter behind an adoption, an official behind a vote)
are prefetched through their own scope, so they read as None rather than leaking.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from interlocal import access
from interlocal.agreements.models import (
    Adoption,
    AgreementParty,
    AgreementVersion,
    MatterAction,
    MatterAttachment,
)
from interlocal.agreements.queries import visible_agreements, visible_matters
from interlocal.collaboratives.models import Membership
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.costshare.models import SavingsEntry, ScenarioPartner
from interlocal.costshare.queries import visible_scenarios
from interlocal.initiatives.models import Plan
from interlocal.initiatives.queries import visible_initiatives
from interlocal.legislation.models import Body, EventItem, OfficeRecord, Vote
from interlocal.legislation.queries import visible_events, visible_officials
from interlocal.tracking.models import Kpi, Measurement


def _gov(user: Any) -> int | None:
    return getattr(user, "government_id", None) if user.is_authenticated else None


def visible_memberships(user: Any) -> QuerySet[Membership]:
    """Memberships of the collaboratives the user may see (as the collaborative page lists them)."""
    return Membership.objects.filter(collaborative__in=visible_collaboratives(user)).select_related(
        "collaborative", "government"
    )


def visible_plans(user: Any) -> QuerySet[Plan]:
    """Plans of the collaboratives the user may see."""
    return Plan.objects.filter(collaborative__in=visible_collaboratives(user)).select_related("collaborative")


def visible_versions(user: Any) -> QuerySet[AgreementVersion]:
    """Versions of the agreements the user may see."""
    return AgreementVersion.objects.filter(agreement__in=visible_agreements(user)).select_related(
        "agreement__collaborative", "superseded_by"
    )


def visible_parties(user: Any) -> QuerySet[AgreementParty]:
    """Parties of the versions the user may see."""
    return AgreementParty.objects.filter(version__agreement__in=visible_agreements(user)).select_related(
        "version__agreement", "government"
    )


def visible_adoptions(user: Any) -> QuerySet[Adoption]:
    """Adoptions of the versions the user may see; the adopting matter only when the user may see it."""
    return (
        Adoption.objects.filter(version__agreement__in=visible_agreements(user))
        .select_related("version__agreement", "government")
        .prefetch_related(
            Prefetch("matter", queryset=visible_matters(user).select_related(None).only("id", "file_number"))
        )
    )


def visible_actions(user: Any) -> QuerySet[MatterAction]:
    """History rows of the matters the user may see."""
    return MatterAction.objects.filter(matter__in=visible_matters(user))


def visible_attachments(user: Any) -> QuerySet[MatterAttachment]:
    """Attachments of the matters the user may see, without their files' bytes."""
    return MatterAttachment.objects.filter(matter__in=visible_matters(user)).defer("content")


def visible_kpis(user: Any) -> QuerySet[Kpi]:
    """KPIs of the initiatives the user may see."""
    return Kpi.objects.filter(initiative__in=visible_initiatives(user)).select_related(
        "initiative__collaborative"
    )


def visible_measurements(user: Any) -> QuerySet[Measurement]:
    """Measurements of the KPIs the user may see."""
    return Measurement.objects.filter(kpi__initiative__in=visible_initiatives(user)).select_related("kpi")


def scenarios_with_partners(user: Any) -> QuerySet[Any]:
    """Scenarios the user may see, with their partners' governments."""
    partners = ScenarioPartner.objects.select_related("government").order_by("position", "id")
    return visible_scenarios(user).defer("inputs").prefetch_related(Prefetch("partners", queryset=partners))


def visible_savings(user: Any) -> QuerySet[SavingsEntry]:
    """Savings entries of the collaboratives the user belongs to (all of them for administrators)."""
    qs = SavingsEntry.objects.select_related("initiative__collaborative", "government")
    if access.is_admin(user):
        return qs
    return qs.filter(initiative__collaborative_id__in=access.member_collaborative_ids(user))


def visible_bodies(user: Any) -> QuerySet[Body]:
    """Councils and committees of the governments whose council records the user may see."""
    qs = Body.objects.select_related("government")
    if access.is_admin(user):
        return qs
    scope = Q(government__is_published=True)
    gov = _gov(user)
    if gov is not None:
        scope |= Q(government_id=gov) | Q(government__parent_id=gov)
    return qs.filter(scope)


def visible_office_records(user: Any) -> QuerySet[OfficeRecord]:
    """Offices held by the officials the user may see."""
    return OfficeRecord.objects.filter(person__in=visible_officials(user)).select_related("government")


def visible_event_items(user: Any) -> QuerySet[EventItem]:
    """Agenda items of the meetings the user may see; the matter only when the user may see it."""
    return (
        EventItem.objects.filter(event__in=visible_events(user))
        .select_related("government")
        .prefetch_related(
            Prefetch("matter", queryset=visible_matters(user).select_related(None).only("id", "file_number"))
        )
    )


def visible_votes(user: Any) -> QuerySet[Vote]:
    """Roll-call votes on items of meetings the user may see, by officials the user may see (or unnamed)."""
    return (
        Vote.objects.filter(event_item__event__in=visible_events(user))
        .filter(Q(person__isnull=True) | Q(person__in=visible_officials(user)))
        .select_related("event_item", "government")
    )


def visible_plan_versions(user: Any) -> QuerySet[Any]:
    """Published action plan versions the user may read (reports.view_planversion): those of the collaboratives
    the user may see, without their frozen snapshots."""
    from interlocal.reports.models import PlanVersion

    return (
        PlanVersion.objects.filter(plan__collaborative__in=visible_collaboratives(user))
        .defer("snapshot")
        .select_related("plan__collaborative")
    )


def visible_plan_updates(user: Any) -> QuerySet[Any]:
    """Updates on the published versions the user may read."""
    from interlocal.reports.models import PlanUpdate

    return PlanUpdate.objects.filter(version__in=visible_plan_versions(user)).select_related("version")


def visible_action_plans(user: Any) -> QuerySet[Any]:
    """Action plan drafts (reports.view_actionplan): the collaborative's members' only, published or not."""
    from interlocal.reports.models import ActionPlan

    qs = ActionPlan.objects.select_related("collaborative")
    if access.is_admin(user):
        return qs
    return qs.filter(collaborative_id__in=access.member_collaborative_ids(user))
