"""Scoped reads of collaboratives."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.vocab import MembershipStatus


def visible_collaboratives(user: Any) -> QuerySet[Collaborative]:
    """Published collaboratives, plus those the user's government belongs to."""
    qs = Collaborative.objects.select_related("facilitator")
    if access.is_admin(user):
        return qs
    return qs.filter(Q(is_published=True) | Q(pk__in=access.member_collaborative_ids(user)))


def get_collaborative_for_user(user: Any, slug: str) -> Collaborative:
    """Return a collaborative with its membership history, or 404 whether missing or hidden."""
    memberships = Membership.objects.select_related(
        "government", "authorising_matter", "leave_matter"
    ).order_by("joined_on", "government__name")
    qs = visible_collaboratives(user).prefetch_related(Prefetch("memberships", queryset=memberships))
    return get_object_or_404(qs, slug=slug)


def proposals_for_user(user: Any) -> list[Membership]:
    """Memberships proposed to the user's government (to any, for a site administrator) that the user may decide."""
    qs = Membership.objects.filter(status=MembershipStatus.PROPOSED).select_related(
        "collaborative__facilitator", "government"
    )
    # A site administrator may accept or decline for a government that has no staff of its own.
    if not access.is_admin(user):
        gov = getattr(user, "government_id", None) if user.is_authenticated else None
        if gov is None:
            return []
        qs = qs.filter(government_id=gov)
    return [m for m in qs.order_by("joined_on", "pk") if user.has_perm("collaboratives.accept_membership", m)]


def get_proposal_for_user(user: Any, pk: int) -> Membership:
    """A membership proposed to the user's government, or 404 whether missing or someone else's."""
    for membership in proposals_for_user(user):
        if membership.pk == pk:
            return membership
    raise Http404("No such proposal.")


def get_membership_for_user(user: Any, pk: int) -> Membership:
    """A membership of a collaborative the user may see, or 404 whether missing or hidden."""
    qs = Membership.objects.select_related("collaborative", "government", "authorising_matter")
    return get_object_or_404(qs.filter(collaborative__in=visible_collaboratives(user)), pk=pk)


def joinable_governments(user: Any, collaborative: Collaborative) -> QuerySet[Any]:
    """Governments the user can see that are neither members of nor proposed to the collaborative."""
    from interlocal.governments.queries import visible_governments

    open_rows = Membership.objects.filter(collaborative=collaborative, left_on__isnull=True).exclude(
        status=MembershipStatus.DECLINED
    )
    return visible_governments(user).exclude(pk__in=open_rows.values("government_id")).order_by("name")
