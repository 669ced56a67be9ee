"""Who may see and change what: the one place role rules live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from interlocal.vocab import MembershipRole, Role


def _government_id(user: Any) -> int | None:
    return getattr(user, "government_id", None) if getattr(user, "is_authenticated", False) else None


def is_admin(user: Any) -> bool:
    """Whether the user is a site administrator."""
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def member_collaborative_ids(user: Any) -> set[int]:
    """Collaboratives the user's government facilitates or currently belongs to."""
    from interlocal.collaboratives.models import Collaborative, Membership

    gov = _government_id(user)
    if gov is None:
        return set()
    today = timezone.localdate()
    current = Q(left_on__isnull=True) | Q(left_on__gte=today)
    ids = set(
        Membership.objects.filter(current, government_id=gov).values_list("collaborative_id", flat=True)
    )
    ids |= set(Collaborative.objects.filter(facilitator_id=gov).values_list("id", flat=True))
    return ids


def coordinated_collaborative_ids(user: Any) -> set[int]:
    """Collaboratives the user coordinates: their government facilitates them and they are a coordinator."""
    from interlocal.collaboratives.models import Collaborative, Membership

    gov = _government_id(user)
    if gov is None or getattr(user, "role", None) != Role.COORDINATOR:
        return set()
    ids = set(Collaborative.objects.filter(facilitator_id=gov).values_list("id", flat=True))
    ids |= set(
        Membership.objects.filter(government_id=gov, role=MembershipRole.FACILITATOR).values_list(
            "collaborative_id", flat=True
        )
    )
    return ids


def coordinated_government_ids(user: Any) -> set[int]:
    """Governments that are (or were) members of a collaborative the user coordinates."""
    from interlocal.collaboratives.models import Membership

    collabs = coordinated_collaborative_ids(user)
    if not collabs:
        return set()
    return set(
        Membership.objects.filter(collaborative_id__in=collabs).values_list("government_id", flat=True)
    )


def _is_editor(user: Any) -> bool:
    return getattr(user, "role", None) in (Role.COORDINATOR, Role.MEMBER_EDITOR)


def can_edit_government(user: Any, government: Any) -> bool:
    """Staff edit their own government; coordinators also edit their members'."""
    if is_admin(user):
        return True
    gov = _government_id(user)
    if gov is None or not _is_editor(user):
        return False
    if government.pk == gov or getattr(government, "parent_id", None) == gov:
        return True
    return government.pk in coordinated_government_ids(user)


def can_edit_collaborative(user: Any, collaborative: Any) -> bool:
    """Only the collaborative's coordinators (and administrators) edit it."""
    return is_admin(user) or collaborative.pk in coordinated_collaborative_ids(user)


def can_add_initiative(user: Any, collaborative: Any) -> bool:
    """Coordinators and member editors of current members may propose initiatives."""
    if can_edit_collaborative(user, collaborative):
        return True
    return getattr(user, "role", None) == Role.MEMBER_EDITOR and collaborative.pk in member_collaborative_ids(
        user
    )


def can_edit_initiative(user: Any, initiative: Any) -> bool:
    """Coordinators edit every initiative; member editors edit those their government leads."""
    from interlocal.vocab import PartnerRole

    if can_edit_collaborative(user, initiative.collaborative):
        return True
    gov = _government_id(user)
    if gov is None or getattr(user, "role", None) != Role.MEMBER_EDITOR:
        return False
    return initiative.partners.filter(role=PartnerRole.LEAD, government_id=gov).exists()


def can_edit_agreement(user: Any, agreement: Any) -> bool:
    """Agreements are drafted by the collaborative's coordinators."""
    return can_edit_collaborative(user, agreement.collaborative)


def can_edit_matter(user: Any, matter_government: Any) -> bool:
    """A council's legislation is kept by its own staff (and its coordinators)."""
    return can_edit_government(user, matter_government)


def require(allowed: bool, message: str = "You may not make this change.") -> None:
    """Raise PermissionDenied unless allowed."""
    if not allowed:
        raise PermissionDenied(message)


def today() -> dt.date:
    """The local date, for membership and deadline checks."""
    return timezone.localdate()
