"""Scoped reads of collaboratives."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.collaboratives.models import Collaborative, Membership


def visible_collaboratives(user: Any) -> QuerySet[Collaborative]:
    """Published collaboratives, plus those the user's government belongs to."""
    qs = Collaborative.objects.select_related("facilitator")
    if access.is_admin(user):
        return qs
    return qs.filter(Q(is_published=True) | Q(pk__in=access.member_collaborative_ids(user)))


def get_collaborative_for_user(user: Any, slug: str) -> Collaborative:
    """Return a collaborative with its membership history, or 404 whether missing or hidden."""
    memberships = Membership.objects.select_related("government", "authorising_matter").order_by(
        "joined_on", "government__name"
    )
    qs = visible_collaboratives(user).prefetch_related(Prefetch("memberships", queryset=memberships))
    return get_object_or_404(qs, slug=slug)
