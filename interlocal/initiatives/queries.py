"""Scoped reads of initiatives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.initiatives.models import Initiative, InitiativePartner, Term
from interlocal.vocab import InitiativeType


def visible_initiatives(user: Any) -> QuerySet[Initiative]:
    """Published initiatives of published collaboratives, plus everything in the user's collaboratives."""
    qs = Initiative.objects.all()
    if access.is_admin(user):
        return qs
    public = Q(is_published=True, collaborative__is_published=True)
    return qs.filter(public | Q(collaborative_id__in=access.member_collaborative_ids(user)))


def _with_related(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    partners = InitiativePartner.objects.select_related("government").order_by("role", "position", "id")
    return qs.select_related("collaborative", "plan", "owner").prefetch_related(
        "terms", Prefetch("partners", queryset=partners)
    )


@dataclass(frozen=True)
class InitiativeFilters:
    """What the initiative list is filtered by; empty strings mean no filter."""

    q: str = ""
    topic: str = ""
    timeline: str = ""
    cost: str = ""
    type: str = ""
    status: str = ""
    partner: str = ""
    collaborative: str = ""


def list_initiatives_for_user(user: Any, filters: InitiativeFilters) -> QuerySet[Initiative]:
    """Initiatives the user may see, filtered, with everything a list row shows."""
    qs = visible_initiatives(user)
    if filters.q:
        words = Q()
        for word in filters.q.split():
            words &= Q(title__icontains=word) | Q(description__icontains=word) | Q(code__icontains=word)
        qs = qs.filter(words)
    if filters.topic:
        qs = qs.filter(terms__slug=filters.topic)
    if filters.timeline:
        qs = qs.filter(timeline_band=filters.timeline)
    if filters.cost:
        qs = qs.filter(cost_band=filters.cost)
    if filters.type in InitiativeType.values:
        qs = qs.filter(**{f"is_{filters.type}": True})
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.partner:
        qs = qs.filter(partners__government__slug=filters.partner)
    if filters.collaborative:
        qs = qs.filter(collaborative__slug=filters.collaborative)
    return _with_related(qs.distinct()).order_by("collaborative__name", "plan_position", "code", "title")


def get_initiative_for_user(user: Any, pk: int) -> Initiative:
    """Return one initiative with its partners and terms, or 404 whether missing or hidden."""
    return get_object_or_404(_with_related(visible_initiatives(user)), pk=pk)


def neighbours_in_plan(user: Any, initiative: Initiative) -> tuple[Initiative | None, Initiative | None]:
    """Return the visible previous and next recommendations in the initiative's plan."""
    if initiative.plan_id is None or initiative.plan_position is None:
        return None, None
    same_plan = visible_initiatives(user).filter(plan_id=initiative.plan_id)
    previous = same_plan.filter(plan_position__lt=initiative.plan_position).order_by("-plan_position").first()
    following = same_plan.filter(plan_position__gt=initiative.plan_position).order_by("plan_position").first()
    return previous, following


def terms_in_use(kind: str) -> QuerySet[Term]:
    """Terms of one vocabulary, for filter menus."""
    return Term.objects.filter(kind=kind).order_by("name")
