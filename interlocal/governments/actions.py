"""Writes to governments and people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from interlocal import access
from interlocal.audit.actions import apply_changes, audit_record, snapshot
from interlocal.conflicts import apply_versioned, bump, lock_current
from interlocal.governments.models import Boundary, Government, Person

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
def government_update(
    *, acting_user: Person, government: Government, expected_version: int | None = None, **fields: Any
) -> Government:
    """Change a government's fields; expected_version is the version the editor started from."""
    access.require(
        acting_user, "governments.change_government", government, "You may not edit this government."
    )
    unknown = set(fields) - set(_GOVERNMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown government fields: {', '.join(sorted(unknown))}")
    changes = apply_versioned(government, fields, expected_version=expected_version)
    if changes:
        government.full_clean(exclude=["neighbours"])
        government.save()
        audit_record(acting_user=acting_user, verb="government_update", obj=government, changes=changes)
    return government


@transaction.atomic
def government_set_neighbours(
    *,
    acting_user: Person,
    government: Government,
    neighbours: list[Government],
    expected_version: int | None = None,
) -> Government:
    """Replace a government's neighbours; adjacency is symmetric."""
    access.require(
        acting_user, "governments.change_government", government, "You may not edit this government."
    )
    lock_current(government, expected_version=expected_version, submitted={"neighbours": neighbours})
    before = sorted(g.name for g in government.neighbours.all())
    government.neighbours.set(neighbours)
    after = sorted(g.name for g in neighbours)
    if before != after:
        bump(government)
        government.save(update_fields=["lock_version"])
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
    person_record_creation(acting_user=acting_user, person=person)
    return person


@transaction.atomic
def person_record_creation(*, acting_user: Person | None, person: Person, note: str = "") -> None:
    """Audit a new account; also for accounts Django's createsuperuser command saved itself."""
    audit_record(
        acting_user=acting_user or person,
        verb="person_create",
        obj=person,
        changes=snapshot(
            person,
            ["username", "email", "government", "role", "title", "is_superuser", "is_staff", "is_active"],
        ),
        note=note,
    )


# What an administrator may change on an account; the password has its own action and is never logged.
PERSON_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "title",
    "government",
    "role",
    "is_active",
    "is_staff",
    "is_superuser",
    "last_login",
    "date_joined",
]
_HIDDEN = "(hidden)"


@transaction.atomic
def person_update(*, acting_user: Person, person: Person, **fields: Any) -> Person:
    """Change an account's fields and privileges; site administrators only."""
    access.require(
        acting_user, "governments.change_person", None, "Only site administrators change accounts."
    )
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {', '.join(sorted(unknown))}")
    changes = apply_changes(person, fields)
    if changes:
        person.full_clean(exclude=["password"])
        person.save()
        audit_record(acting_user=acting_user, verb="person_update", obj=person, changes=changes)
    return person


@transaction.atomic
def person_set_access(
    *,
    acting_user: Person,
    person: Person,
    groups: Iterable[Group] | None = None,
    permissions: Iterable[Permission] | None = None,
) -> Person:
    """Replace an account's groups and/or direct permissions; site administrators only."""
    access.require(
        acting_user, "governments.change_person", None, "Only site administrators change accounts."
    )
    changes: dict[str, tuple[list[str], list[str]]] = {}
    if groups is not None:
        groups = list(groups)
        before = sorted(g.name for g in person.groups.all())
        person.groups.set(groups)
        after = sorted(g.name for g in groups)
        if before != after:
            changes["groups"] = (before, after)
    if permissions is not None:
        permissions = list(permissions)
        before = sorted(str(p) for p in person.user_permissions.all())
        person.user_permissions.set(permissions)
        after = sorted(str(p) for p in permissions)
        if before != after:
            changes["user_permissions"] = (before, after)
    if changes:
        audit_record(acting_user=acting_user, verb="person_set_access", obj=person, changes=changes)
    return person


@transaction.atomic
def person_set_password(
    *, acting_user: Person | None, person: Person, password: str | None, note: str = ""
) -> Person:
    """Set (or, with None, disable) a password; an administrator or the person; the value is never logged."""
    if acting_user is not None:
        access.require(
            acting_user, "governments.set_password_person", person, "You may not change this password."
        )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save(update_fields=["password"])
    person_password_changed(acting_user=acting_user, person=person, note=note)
    return person


@transaction.atomic
def person_password_changed(*, acting_user: Person | None, person: Person, note: str = "") -> None:
    """Audit a password change already saved (Django's admin view saves it itself); never the value."""
    if acting_user is not None:
        access.require(
            acting_user, "governments.set_password_person", person, "You may not change this password."
        )
    usable = person.has_usable_password()
    audit_record(
        acting_user=acting_user,
        verb="person_set_password",
        obj=person,
        changes={"password": (_HIDDEN, "(changed)" if usable else "(disabled)")},
        note=note or ("" if acting_user is not None else "Changed from the command line."),
    )


@transaction.atomic
def person_record_lockout(
    *, acting_user: Person | None, username: str, address: str, failures: int, limit: int
) -> None:
    """Audit the moment a username is locked out for an address (once per lockout, not per retry)."""
    person = Person.objects.filter(username=username).first()
    if person is None or failures != limit:
        return
    audit_record(
        acting_user=acting_user,
        verb="person_lockout",
        obj=person,
        changes={"locked_out": (False, True)},
        note=f"{failures} failed sign-ins from {address}.",
    )


@transaction.atomic
def person_unlock(*, acting_user: Person, person: Person) -> int:
    """Clear a person's failed sign-ins so they may try again now; site administrators only."""
    access.require(
        acting_user, "governments.unlock_person", None, "Only site administrators unlock accounts."
    )
    cleared = axes_reset(username=person.username)
    audit_record(
        acting_user=acting_user,
        verb="person_unlock",
        obj=person,
        changes={"locked_out": (bool(cleared), False)},
        note=f"{cleared} failed-sign-in record(s) cleared.",
    )
    return int(cleared)


@transaction.atomic
def group_save(
    *, acting_user: Person, group: Group, name: str, permissions: Iterable[Permission] | None = None
) -> Group:
    """Create or change a permission group; site administrators only. Groups are never deleted."""
    access.require(acting_user, "auth.change_group", None, "Only site administrators change groups.")
    created = group.pk is None
    changes: dict[str, tuple[Any, Any]] = {}
    if created or group.name != name:
        changes["name"] = (None if created else group.name, name)
        group.name = name
        group.full_clean()
        group.save()
    if permissions is not None:
        permissions = list(permissions)
        before = [] if created else sorted(str(p) for p in group.permissions.all())
        group.permissions.set(permissions)
        after = sorted(str(p) for p in permissions)
        if before != after:
            changes["permissions"] = (before, after)
    if changes:
        verb = "group_create" if created else "group_update"
        audit_record(acting_user=acting_user, verb=verb, obj=group, changes=changes)
    return group


@transaction.atomic
def boundary_set(
    *,
    acting_user: Person,
    government: Government,
    geojson: str,
    interior: tuple[float, float],
    tolerance: float,
    vertices: int,
    source: str,
    engine_version: str,
) -> Boundary:
    """Store (or replace) a government's simplified boundary; unchanged geometry writes nothing."""
    access.require(
        acting_user, "governments.change_government", government, "You may not edit this government."
    )
    existing = Boundary.objects.filter(government=government).first()
    if existing is not None and existing.geojson == geojson and existing.source == source:
        return existing
    values = {
        "geojson": geojson,
        "interior_lon": interior[0],
        "interior_lat": interior[1],
        "tolerance": tolerance,
        "vertices": vertices,
        "source": source,
        "engine_version": engine_version,
        "updated_at": timezone.now(),
    }
    boundary, created = Boundary.objects.update_or_create(government=government, defaults=values)
    audit_record(
        acting_user=acting_user,
        verb="boundary_set",
        obj=government,
        changes={"boundary": (None if created else "previous", f"{vertices} vertices from {source}")},
    )
    return boundary
