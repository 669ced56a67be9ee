"""Writes to plans, vocabularies and initiatives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from interlocal import access
from interlocal.audit.actions import apply_changes, audit_record, snapshot
from interlocal.collaboratives.models import Collaborative
from interlocal.governments.models import Government, Person
from interlocal.initiatives.models import Initiative, InitiativePartner, Plan, Term
from interlocal.vocab import PartnerRole, TermKind

_INITIATIVE_FIELDS = [
    "plan",
    "plan_position",
    "code",
    "title",
    "description",
    "status",
    "is_project",
    "is_partnership",
    "is_policy",
    "equity_considerations",
    "sustainability_considerations",
    "cost_band",
    "cost_estimate",
    "timeline_band",
    "start_on",
    "end_on",
    "tracking_implementation",
    "tracking_success",
    "if_overperforming",
    "if_underperforming",
    "owner",
    "services",
    "is_published",
]


@transaction.atomic
def plan_create(
    *, acting_user: Person, collaborative: Collaborative, name: str, slug: str = "", **fields: Any
) -> Plan:
    """Create a plan in a collaborative."""
    access.require(access.can_edit_collaborative(acting_user, collaborative))
    plan = Plan(collaborative=collaborative, name=name, slug=slug or slugify(name), **fields)
    plan.full_clean()
    plan.save()
    audit_record(
        acting_user=acting_user, verb="plan_create", obj=plan, changes=snapshot(plan, ["name", "slug"])
    )
    return plan


@transaction.atomic
def term_ensure(*, acting_user: Person, kind: str, name: str) -> Term:
    """Return the vocabulary term with this name, adding it if new (coordinators extend vocabularies)."""
    if kind not in TermKind.values:
        raise ValueError(f"Unknown vocabulary {kind!r}")
    slug = slugify(name)[:200]
    existing = Term.objects.filter(kind=kind, slug=slug).first()
    if existing is not None:
        return existing
    access.require(
        access.is_admin(acting_user) or acting_user.is_coordinator, "Only coordinators extend vocabularies."
    )
    term = Term.objects.create(kind=kind, name=name, slug=slug)
    audit_record(
        acting_user=acting_user, verb="term_ensure", obj=term, changes=snapshot(term, ["kind", "name"])
    )
    return term


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(_INITIATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown initiative fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def initiative_create(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    title: str,
    terms: Mapping[str, Sequence[str]] | None = None,
    partners: Mapping[str, Sequence[Government]] | None = None,
    **fields: Any,
) -> Initiative:
    """Create an initiative with its vocabulary terms and partners."""
    access.require(access.can_add_initiative(acting_user, collaborative), "You may not add initiatives here.")
    _check_fields(fields)
    initiative = Initiative(collaborative=collaborative, title=title, **fields)
    initiative.full_clean(exclude=["terms"])
    initiative.save()
    audit_record(
        acting_user=acting_user,
        verb="initiative_create",
        obj=initiative,
        changes=snapshot(initiative, ["title", *fields]),
    )
    if terms:
        _set_terms(acting_user, initiative, terms)
    if partners:
        _set_partners(acting_user, initiative, partners)
    return initiative


@transaction.atomic
def initiative_update(*, acting_user: Person, initiative: Initiative, **fields: Any) -> Initiative:
    """Change an initiative's fields."""
    access.require(access.can_edit_initiative(acting_user, initiative), "You may not edit this initiative.")
    _check_fields(fields)
    changes = apply_changes(initiative, fields)
    if changes:
        initiative.full_clean(exclude=["terms"])
        initiative.save()
        audit_record(acting_user=acting_user, verb="initiative_update", obj=initiative, changes=changes)
    return initiative


def _set_terms(acting_user: Person, initiative: Initiative, terms: Mapping[str, Sequence[str]]) -> None:
    before = sorted(str(t) for t in initiative.terms.all())
    kept = [t for t in initiative.terms.all() if t.kind not in terms]
    chosen = [
        term_ensure(acting_user=acting_user, kind=kind, name=name)
        for kind, names in terms.items()
        for name in names
    ]
    initiative.terms.set(kept + chosen)
    after = sorted(str(t) for t in kept + chosen)
    if before != after:
        audit_record(
            acting_user=acting_user,
            verb="initiative_set_terms",
            obj=initiative,
            changes={"terms": (before, after)},
        )


@transaction.atomic
def initiative_set_terms(
    *, acting_user: Person, initiative: Initiative, terms: Mapping[str, Sequence[str]]
) -> Initiative:
    """Replace the initiative's terms of the given vocabularies."""
    access.require(access.can_edit_initiative(acting_user, initiative), "You may not edit this initiative.")
    _set_terms(acting_user, initiative, terms)
    return initiative


def _set_partners(
    acting_user: Person, initiative: Initiative, partners: Mapping[str, Sequence[Government]]
) -> None:
    for role in partners:
        if role not in PartnerRole.values:
            raise ValueError(f"Unknown partner role {role!r}")
    before = sorted(f"{p.role}:{p.government.name}" for p in initiative.partners.select_related("government"))
    initiative.partners.filter(role__in=list(partners)).delete()
    InitiativePartner.objects.bulk_create(
        InitiativePartner(initiative=initiative, government=gov, role=role, position=i)
        for role, govs in partners.items()
        for i, gov in enumerate(govs)
    )
    after = sorted(f"{p.role}:{p.government.name}" for p in initiative.partners.select_related("government"))
    if before != after:
        audit_record(
            acting_user=acting_user,
            verb="initiative_set_partners",
            obj=initiative,
            changes={"partners": (before, after)},
        )


@transaction.atomic
def initiative_set_partners(
    *, acting_user: Person, initiative: Initiative, partners: Mapping[str, Sequence[Government]]
) -> Initiative:
    """Replace the initiative's partners in the given roles."""
    access.require(access.can_edit_initiative(acting_user, initiative), "You may not edit this initiative.")
    _set_partners(acting_user, initiative, partners)
    return initiative


@transaction.atomic
def initiative_publish(*, acting_user: Person, initiative: Initiative, published: bool = True) -> Initiative:
    """Show or hide an initiative on the public portal; coordinators decide."""
    access.require(
        access.can_edit_collaborative(acting_user, initiative.collaborative), "Only coordinators publish."
    )
    changes = apply_changes(initiative, {"is_published": published})
    if changes:
        initiative.save(update_fields=["is_published", "updated_at"])
        audit_record(acting_user=acting_user, verb="initiative_publish", obj=initiative, changes=changes)
    return initiative
