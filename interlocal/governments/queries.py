"""Scoped reads of governments and people."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.governments.models import Government


def visible_governments(user: Any) -> QuerySet[Government]:
    """Published governments, plus the user's own (and its departments) and its collaboratives' current members."""
    qs = Government.objects.all()
    if access.is_admin(user):
        return qs
    gov = getattr(user, "government_id", None) if user.is_authenticated else None
    if gov is None:
        return qs.filter(is_published=True)
    fellows = access.fellow_government_ids(user)
    return qs.filter(Q(is_published=True) | Q(pk=gov) | Q(parent_id=gov) | Q(pk__in=fellows))


def get_government_for_user(user: Any, slug: str) -> Government:
    """Return a government by slug, or 404 whether missing or hidden."""
    return get_object_or_404(visible_governments(user).select_related("parent"), slug=slug)
