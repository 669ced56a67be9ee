"""Writes to governments and people."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from interlocal import access
from interlocal.audit.actions import apply_changes, audit_record, snapshot
from interlocal.governments.models import Government, Person

_GOVERNMENT_FIELDS = [
    "kind",
    "name",
    "slug",
    "state",
    "county_name",
    "parent",
    "ocd_division_id",
    "geoid",
    "population",
    "population_year",
    "population_source",
    "land_area_m2",
    "website",
    "is_published",
]


@transaction.atomic
def government_create(
    *, acting_user: Person, kind: str, name: str, slug: str = "", **fields: Any
) -> Government:
    """Register a government; administrators and coordinators only."""
    access.require(acting_user, "governments.add_government", None, "Only coordinators register governments.")
    unknown = set(fields) - set(_GOVERNMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown government fields: {', '.join(sorted(unknown))}")
    government = Government(kind=kind, name=name, slug=slug or slugify(name), **fields)
    government.full_clean(exclude=["neighbours"])
    government.save()
    audit_record(
        acting_user=acting_user,
        verb="government_create",
        obj=government,
        changes=snapshot(government, _GOVERNMENT_FIELDS),
    )
    return government


@transaction.atomic
def government_update(*, acting_user: Person, government: Government, **fields: Any) -> Government:
    """Change a government's fields."""
    access.require(
        acting_user, "governments.change_government", government, "You may not edit this government."
    )
    unknown = set(fields) - set(_GOVERNMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown government fields: {', '.join(sorted(unknown))}")
    changes = apply_changes(government, fields)
    if changes:
        government.full_clean(exclude=["neighbours"])
        government.save()
        audit_record(acting_user=acting_user, verb="government_update", obj=government, changes=changes)
    return government


@transaction.atomic
def government_set_neighbours(
    *, acting_user: Person, government: Government, neighbours: list[Government]
) -> Government:
    """Replace a government's neighbours; adjacency is symmetric."""
    access.require(
        acting_user, "governments.change_government", government, "You may not edit this government."
    )
    before = sorted(g.name for g in government.neighbours.all())
    government.neighbours.set(neighbours)
    after = sorted(g.name for g in neighbours)
    if before != after:
        audit_record(
            acting_user=acting_user,
            verb="government_set_neighbours",
            obj=government,
            changes={"neighbours": (before, after)},
        )
    return government


@transaction.atomic
def person_create(
    *,
    acting_user: Person | None,
    username: str,
    government: Government | None,
    role: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    title: str = "",
    is_superuser: bool = False,
) -> Person:
    """Create an account; coordinators add staff of their own government, administrators anyone."""
    if acting_user is not None:
        access.require(
            acting_user,
            "governments.add_person" if not is_superuser else "governments.add_superuser",
            government,
            "You may not create this account.",
        )
    person = Person(
        username=username,
        government=government,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        title=title,
        is_superuser=is_superuser,
        # Editors work in the back office; viewers only read the portal.
        is_staff=is_superuser or access.works_in_backoffice(role),
    )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    audit_record(
        acting_user=acting_user or person,
        verb="person_create",
        obj=person,
        changes=snapshot(person, ["username", "government", "role", "title", "is_superuser"]),
    )
    return person
