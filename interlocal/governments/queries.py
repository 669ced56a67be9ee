"""Scoped reads of governments and people."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.governments.models import Government


def visible_governments(user: Any) -> QuerySet[Government]:
    """Governments the user may see: published ones, plus their own."""
    qs = Government.objects.all()
    if access.is_admin(user):
        return qs
    gov = getattr(user, "government_id", None) if user.is_authenticated else None
    if gov is not None:
        return qs.filter(is_published=True) | qs.filter(pk=gov)
    return qs.filter(is_published=True)


def get_government_for_user(user: Any, slug: str) -> Government:
    """Return a government by slug, or 404 whether missing or hidden."""
    return get_object_or_404(visible_governments(user).select_related("parent"), slug=slug)
