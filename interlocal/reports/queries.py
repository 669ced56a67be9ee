"""Scoped reads of action plans and their versions; a read is 404 whether missing or hidden."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404

from interlocal.collaboratives.models import Collaborative
from interlocal.reports.models import ActionPlan, PlanUpdate, PlanVersion


def drafts_for_user(user: Any, collaborative: Collaborative) -> list[ActionPlan]:
    """The collaborative's plans as drafts, for its members (nothing for anyone else)."""
    if not user.has_perm("reports.view_actionplan", collaborative):
        return []
    return list(
        ActionPlan.objects.filter(collaborative=collaborative)
        .annotate(n_versions=Count("versions"), last_version=Max("versions__number"))
        .select_related("collaborative")
        .order_by("-start_year", "title", "id")
    )


def versions_for_user(user: Any, collaborative: Collaborative) -> list[PlanVersion]:
    """The collaborative's published versions, newest first per plan, when the user may read them."""
    if not user.has_perm(
        "reports.view_planversion", PlanVersion(plan=ActionPlan(collaborative=collaborative))
    ):
        return []
    return list(
        PlanVersion.objects.filter(plan__collaborative=collaborative)
        .defer("snapshot")
        .select_related("plan")
        .annotate(n_updates=Count("updates"))
        .order_by("plan__title", "plan_id", "-number")
    )


def get_plan_for_user(user: Any, pk: int) -> ActionPlan:
    """A draft plan with its sections and versions, or 404 when missing or not the user's to read."""
    plan = (
        ActionPlan.objects.select_related("collaborative", "source_plan")
        .prefetch_related(
            "sections",
            Prefetch("versions", queryset=PlanVersion.objects.defer("snapshot").order_by("-number")),
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None or not user.has_perm("reports.view_actionplan", plan):
        raise Http404("No such plan.")
    return plan


def get_version_for_user(user: Any, pk: int, number: int) -> PlanVersion:
    """A published version with its updates, or 404 when missing or not public to the user."""
    version = (
        PlanVersion.objects.select_related("plan__collaborative", "published_by")
        .prefetch_related(Prefetch("updates", queryset=PlanUpdate.objects.order_by("-on", "-id")))
        .filter(plan_id=pk, number=number)
        .first()
    )
    if version is None or not user.has_perm("reports.view_planversion", version):
        raise Http404("No such plan version.")
    return version


def published_versions(collaborative: Collaborative) -> QuerySet[PlanVersion]:
    """Every published version of the collaborative (for callers that already checked the collaborative)."""
    return PlanVersion.objects.filter(plan__collaborative=collaborative).defer("snapshot")
