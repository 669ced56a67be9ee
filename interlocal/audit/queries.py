"""Scoped reads of the audit log, as activity feeds."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from interlocal import access
from interlocal.audit.models import AuditEvent


def activity_for_user(
    user: Any, *, collaborative_id: int | None = None, government_id: int | None = None, limit: int = 15
) -> QuerySet[AuditEvent]:
    """Recent events of a collaborative or government; the public sees only changes to published records."""
    qs = AuditEvent.objects.select_related("actor")
    if collaborative_id is not None:
        qs = qs.filter(collaborative_id=collaborative_id)
        insider = access.is_admin(user) or collaborative_id in access.member_collaborative_ids(user)
    elif government_id is not None:
        qs = qs.filter(government_id=government_id)
        insider = access.is_admin(user) or getattr(user, "government_id", None) == government_id
    else:
        return qs.none()
    if not insider:
        qs = qs.filter(is_public=True)
    return qs.order_by("-at", "-id")[:limit]


def record_history(obj: Any, *, limit: int = 5) -> list[AuditEvent]:
    """The latest events of one record, newest first (for an editor of that record: callers check that)."""
    return list(
        AuditEvent.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
