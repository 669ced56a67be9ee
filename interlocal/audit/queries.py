"""Scoped reads of the audit log, as activity feeds."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from interlocal import access
from interlocal.audit.models import AuditEvent

# Events members of a collaborative do not read in its activity: scores can be hidden until a decision meeting.
COORDINATOR_ONLY_MODELS = ["initiatives.score", "initiatives.rankingsnapshot"]


def activity_for_user(
    user: Any, *, collaborative_id: int | None = None, government_id: int | None = None, limit: int = 15
) -> QuerySet[AuditEvent]:
    """Recent events of a collaborative or government; the public sees only changes to published records."""
    qs = AuditEvent.objects.select_related("actor", "collaborative")
    if collaborative_id is not None:
        qs = qs.filter(collaborative_id=collaborative_id)
        # The collaborative's own log is its coordinators'; everyone else reads its public events.
        insider = access.is_admin(user) or collaborative_id in access.coordinated_collaborative_ids(user)
        if not insider and collaborative_id in access.member_collaborative_ids(user):
            # Members read their collaborative's unpublished records too, but not scores the coordinator may hide.
            member_view = Q(is_public=True) | ~Q(model__in=COORDINATOR_ONLY_MODELS)
            return qs.filter(member_view).order_by("-at", "-id")[:limit]
    elif government_id is not None:
        qs = qs.filter(government_id=government_id)
        insider = access.is_admin(user) or getattr(user, "government_id", None) == government_id
    else:
        return qs.none()
    if not insider:
        qs = _public(qs)
    return qs.order_by("-at", "-id")[:limit]


def record_history(obj: Any, *, limit: int = 5) -> list[AuditEvent]:
    """The latest events of one record, newest first (for an editor of that record: callers check that)."""
    return list(
        AuditEvent.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def public_changes(limit: int = 50) -> list[AuditEvent]:
    """Events the public may read, newest first."""
    qs = _public(AuditEvent.objects.all())
    return list(qs.select_related("collaborative").order_by("-at", "-id")[:limit])


def _public(qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Public events of published records of published collaboratives (and governments)."""
    from interlocal.agreements.models import Agreement, LegislativeMatter
    from interlocal.collaboratives.models import Collaborative
    from interlocal.governments.models import Government
    from interlocal.initiatives.models import Initiative

    qs = qs.filter(is_public=True).filter(Q(collaborative__isnull=True) | Q(collaborative__is_published=True))
    qs = qs.filter(Q(government__isnull=True) | Q(government__is_published=True))
    # A record unpublished since the event was written is hidden again.
    for model, hidden in (
        (Collaborative, Collaborative.objects.filter(is_published=False)),
        (Initiative, Initiative.objects.filter(Q(is_published=False) | Q(collaborative__is_published=False))),
        (Agreement, Agreement.objects.filter(Q(is_published=False) | Q(collaborative__is_published=False))),
        (LegislativeMatter, LegislativeMatter.objects.filter(is_published=False)),
        (Government, Government.objects.filter(is_published=False)),
    ):
        label = model._meta.label_lower
        ids = hidden.annotate(key=Cast("pk", CharField())).values("key")
        qs = qs.exclude(model=label, object_id__in=ids)
    return qs
