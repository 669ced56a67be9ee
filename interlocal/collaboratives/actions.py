"""Writes to collaboratives and memberships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from interlocal import access
from interlocal.agreements.models import LegislativeMatter
from interlocal.audit.actions import audit_record, snapshot
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.conflicts import apply_versioned
from interlocal.governments.models import Government, Person
from interlocal.vocab import MembershipRole

_FIELDS = ["name", "slug", "short_name", "purpose", "facilitator", "formed_on", "is_published"]


@transaction.atomic
def collaborative_create(
    *,
    acting_user: Person,
    name: str,
    facilitator: Government,
    slug: str = "",
    short_name: str = "",
    purpose: str = "",
    formed_on: dt.date | None = None,
    is_published: bool = False,
) -> Collaborative:
    """Start a collaborative; its facilitator's coordinators (or an administrator) may."""
    access.require(
        access.is_admin(acting_user)
        or (acting_user.is_coordinator and acting_user.government_id == facilitator.pk),
        "Only the facilitator's coordinators may start a collaborative.",
    )
    collab = Collaborative(
        name=name,
        slug=slug or slugify(name),
        short_name=short_name,
        purpose=purpose,
        facilitator=facilitator,
        formed_on=formed_on,
        is_published=is_published,
    )
    collab.full_clean()
    collab.save()
    audit_record(
        acting_user=acting_user, verb="collaborative_create", obj=collab, changes=snapshot(collab, _FIELDS)
    )
    return collab


@transaction.atomic
def collaborative_update(
    *, acting_user: Person, collaborative: Collaborative, expected_version: int | None = None, **fields: Any
) -> Collaborative:
    """Change a collaborative's fields; expected_version is the version the editor started from."""
    access.require(access.can_edit_collaborative(acting_user, collaborative))
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"Unknown collaborative fields: {', '.join(sorted(unknown))}")
    changes = apply_versioned(collaborative, fields, expected_version=expected_version)
    if changes:
        collaborative.full_clean()
        collaborative.save()
        audit_record(acting_user=acting_user, verb="collaborative_update", obj=collaborative, changes=changes)
    return collaborative


@transaction.atomic
def membership_add(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    government: Government,
    joined_on: dt.date,
    role: str = MembershipRole.MEMBER,
    authorising_matter: LegislativeMatter | None = None,
) -> Membership:
    """Record that a government joined a collaborative."""
    access.require(access.can_edit_collaborative(acting_user, collaborative))
    overlapping = Membership.objects.filter(
        collaborative=collaborative, government=government, left_on__isnull=True
    )
    if overlapping.exists():
        raise ValidationError(f"{government} is already a current member of {collaborative}.")
    membership = Membership(
        collaborative=collaborative,
        government=government,
        role=role,
        joined_on=joined_on,
        authorising_matter=authorising_matter,
    )
    membership.full_clean()
    membership.save()
    audit_record(
        acting_user=acting_user,
        verb="membership_add",
        obj=membership,
        collaborative=collaborative,
        government=government,
        is_public=collaborative.is_published,
        changes=snapshot(
            membership, ["collaborative", "government", "role", "joined_on", "authorising_matter"]
        ),
    )
    return membership


@transaction.atomic
def membership_end(
    *, acting_user: Person, membership: Membership, left_on: dt.date, expected_version: int | None = None
) -> Membership:
    """Record that a government left a collaborative; the row stays as history."""
    access.require(access.can_edit_collaborative(acting_user, membership.collaborative))
    if left_on < membership.joined_on:
        raise ValidationError("A membership cannot end before it began.")
    changes = apply_versioned(membership, {"left_on": left_on}, expected_version=expected_version)
    membership.save()
    audit_record(
        acting_user=acting_user,
        verb="membership_end",
        obj=membership,
        changes=changes,
        collaborative=membership.collaborative,
        government=membership.government,
        is_public=membership.collaborative.is_published,
    )
    return membership
