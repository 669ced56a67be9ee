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
from interlocal.vocab import MembershipRole, MembershipStatus

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
        acting_user,
        "collaboratives.add_collaborative",
        facilitator,
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
    access.facts_changed()
    audit_record(
        acting_user=acting_user, verb="collaborative_create", obj=collab, changes=snapshot(collab, _FIELDS)
    )
    return collab


@transaction.atomic
def collaborative_update(
    *, acting_user: Person, collaborative: Collaborative, expected_version: int | None = None, **fields: Any
) -> Collaborative:
    """Change a collaborative's fields; expected_version is the version the editor started from."""
    access.require(acting_user, "collaboratives.change_collaborative", collaborative)
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"Unknown collaborative fields: {', '.join(sorted(unknown))}")
    changes = apply_versioned(collaborative, fields, expected_version=expected_version)
    if changes:
        collaborative.full_clean()
        collaborative.save()
        access.facts_changed()
        audit_record(acting_user=acting_user, verb="collaborative_update", obj=collaborative, changes=changes)
    return collaborative


def _membership_event(
    *, acting_user: Person, verb: str, membership: Membership, changes: dict[str, Any]
) -> None:
    access.facts_changed()
    audit_record(
        acting_user=acting_user,
        verb=verb,
        obj=membership,
        changes=changes,
        collaborative=membership.collaborative,
        government=membership.government,
        is_public=membership.collaborative.is_published,
    )


@transaction.atomic
def membership_propose(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    government: Government,
    joined_on: dt.date,
    role: str = MembershipRole.MEMBER,
    authorising_matter: LegislativeMatter | None = None,
) -> Membership:
    """Propose that a government join; it grants nothing until the government's own staff accept it."""
    access.require(
        acting_user, "collaboratives.propose_membership", collaborative, "Only coordinators propose members."
    )
    open_rows = Membership.objects.filter(
        collaborative=collaborative, government=government, left_on__isnull=True
    ).exclude(status=MembershipStatus.DECLINED)
    if open_rows.exists():
        raise ValidationError(
            {"government": f"{government} is already a member of, or proposed to, {collaborative}."}
        )
    if authorising_matter is not None and authorising_matter.government_id != government.pk:
        raise ValidationError(
            {"authorising_matter": f"{authorising_matter} is not legislation of {government}."}
        )
    membership = Membership(
        collaborative=collaborative,
        government=government,
        role=role,
        joined_on=joined_on,
        authorising_matter=authorising_matter,
        status=MembershipStatus.PROPOSED,
    )
    membership.full_clean()
    membership.save()
    _membership_event(
        acting_user=acting_user,
        verb="membership_propose",
        membership=membership,
        changes=snapshot(
            membership, ["collaborative", "government", "role", "joined_on", "authorising_matter", "status"]
        ),
    )
    return membership


def _decide(*, acting_user: Person, membership: Membership, perm: str, status: str, verb: str) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("collaborative", "government")
        .get(pk=membership.pk)
    )
    access.require(acting_user, perm, membership, "Only the joining government's own editors decide this.")
    if membership.status != MembershipStatus.PROPOSED:
        raise ValidationError(f"This membership is already {membership.get_status_display().lower()}.")
    changes = apply_versioned(membership, {"status": status}, expected_version=None)
    membership.save()
    _membership_event(
        acting_user=acting_user,
        verb=verb,
        membership=membership,
        changes=changes,
    )
    return membership


@transaction.atomic
def membership_accept(*, acting_user: Person, membership: Membership) -> Membership:
    """The joining government's editor (or an administrator) accepts a proposed membership."""
    return _decide(
        acting_user=acting_user,
        membership=membership,
        perm="collaboratives.accept_membership",
        status=MembershipStatus.ACCEPTED,
        verb="membership_accept",
    )


@transaction.atomic
def membership_decline(*, acting_user: Person, membership: Membership) -> Membership:
    """The joining government's editor (or an administrator) declines a proposed membership."""
    return _decide(
        acting_user=acting_user,
        membership=membership,
        perm="collaboratives.decline_membership",
        status=MembershipStatus.DECLINED,
        verb="membership_decline",
    )


@transaction.atomic
def membership_end(
    *,
    acting_user: Person,
    membership: Membership,
    left_on: dt.date,
    expected_version: int | None = None,
    leave_matter: LegislativeMatter | None = None,
) -> Membership:
    """Record that a government left a collaborative (and the matter authorising it); the row stays as history."""
    access.require(acting_user, "collaboratives.end_membership", membership)
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": "A membership cannot end before it began."})
    if leave_matter is not None and leave_matter.government_id != membership.government_id:
        raise ValidationError(
            {"leave_matter": f"{leave_matter} is not legislation of {membership.government}."}
        )
    values: dict[str, Any] = {"left_on": left_on}
    if leave_matter is not None:
        values["leave_matter"] = leave_matter
    changes = apply_versioned(membership, values, expected_version=expected_version)
    membership.save()
    _membership_event(acting_user=acting_user, verb="membership_end", membership=membership, changes=changes)
    return membership
