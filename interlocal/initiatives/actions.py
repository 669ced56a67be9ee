"""Writes to plans, vocabularies and initiatives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from interlocal import access
from interlocal.audit.actions import apply_changes, audit_record, snapshot
from interlocal.bulk import insert_objects
from interlocal.collaboratives.models import Collaborative
from interlocal.conflicts import EditConflict, apply_versioned, bump, bump_rows, lock_current
from interlocal.governments.models import Government, Person
from interlocal.initiatives import gates, pipeline, scoring
from interlocal.initiatives.models import (
    CriteriaSet,
    Criterion,
    Initiative,
    InitiativePartner,
    Plan,
    ProgressNote,
    RankingSnapshot,
    Score,
    StageGate,
    StageTransition,
    Term,
)
from interlocal.vocab import PartnerRole, Stage, TermKind

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
    "update_every_days",
]


@transaction.atomic
def plan_create(
    *, acting_user: Person, collaborative: Collaborative, name: str, slug: str = "", **fields: Any
) -> Plan:
    """Create a plan in a collaborative."""
    access.require(acting_user, "initiatives.add_plan", collaborative)
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
    access.require(acting_user, "initiatives.add_term", None, "Only coordinators extend vocabularies.")
    term = Term.objects.create(kind=kind, name=name, slug=slug)
    audit_record(
        acting_user=acting_user, verb="term_ensure", obj=term, changes=snapshot(term, ["kind", "name"])
    )
    return term


def _check_plan(collaborative: Collaborative, fields: Mapping[str, Any]) -> None:
    plan = fields.get("plan")
    if plan is not None and plan.collaborative_id != collaborative.pk:
        raise ValidationError(f"{plan} is a plan of another collaborative.")


def _check_owner(collaborative: Collaborative, fields: Mapping[str, Any], record: Any = None) -> None:
    # An owner named before (an import, a colleague since moved) may stay; a new one must be of the collaborative.
    from interlocal.initiatives.queries import owner_candidates

    owner = fields.get("owner")
    if (
        owner is not None
        and not owner_candidates(collaborative, getattr(record, "owner_id", None))
        .filter(pk=owner.pk)
        .exists()
    ):
        raise ValidationError({"owner": f"{owner} is not on the staff of a government of {collaborative}."})


def _check_still_editable(acting_user: Person, initiative: Initiative) -> None:
    # A member editor edits only what their government leads: dropping that lead would lock them out.
    fresh = Initiative.objects.get(pk=initiative.pk)
    if not acting_user.has_perm("initiatives.change_initiative", fresh):
        raise ValidationError(
            {
                PartnerRole.LEAD.value: "Keep your government a lead partner, or you could not edit this initiative."
            }
        )


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
    access.require(
        acting_user, "initiatives.add_initiative", collaborative, "You may not add initiatives here."
    )
    _check_fields(fields)
    if fields.get("is_published"):
        access.require(
            acting_user, "initiatives.publish_initiative", collaborative, "Only coordinators publish."
        )
    _check_plan(collaborative, fields)
    _check_owner(collaborative, fields)
    initiative = Initiative(collaborative=collaborative, title=title, **fields)
    initiative.full_clean(exclude=["terms"])
    initiative.save()
    audit_record(
        acting_user=acting_user,
        verb="initiative_create",
        obj=initiative,
        changes=snapshot(initiative, ["title", *fields]),
        collaborative=collaborative,
        is_public=initiative.is_published,
    )
    if terms:
        _set_terms(acting_user, initiative, terms)
    if partners:
        _set_partners(acting_user, initiative, partners)
    return initiative


@transaction.atomic
def initiative_update(
    *,
    acting_user: Person,
    initiative: Initiative,
    expected_version: int | None = None,
    terms: Mapping[str, Sequence[str]] | None = None,
    partners: Mapping[str, Sequence[Government]] | None = None,
    **fields: Any,
) -> Initiative:
    """Change an initiative's fields, and optionally its terms and partners, as one new version."""
    access.require(
        acting_user, "initiatives.change_initiative", initiative, "You may not edit this initiative."
    )
    _check_fields(fields)
    if "is_published" in fields and bool(fields["is_published"]) != initiative.is_published:
        access.require(
            acting_user, "initiatives.publish_initiative", initiative, "Only coordinators publish."
        )
    _check_plan(initiative.collaborative, fields)
    _check_owner(initiative.collaborative, fields, initiative)
    changes = apply_versioned(initiative, fields, expected_version=expected_version)
    if changes:
        initiative.full_clean(exclude=["terms"])
        initiative.save()
        audit_record(
            acting_user=acting_user,
            verb="initiative_update",
            obj=initiative,
            changes=changes,
            collaborative=initiative.collaborative,
            is_public=initiative.is_published,
        )
    related = False
    if terms is not None:
        related = _set_terms(acting_user, initiative, terms)
    if partners is not None:
        related = _set_partners(acting_user, initiative, partners) or related
        _check_still_editable(acting_user, initiative)
    if related and not changes:
        _bump_initiative(initiative)
    return initiative


def _bump_initiative(initiative: Initiative) -> None:
    # Terms and partners are part of the record as editors see it, so changing them is a new version.
    bump(initiative)
    initiative.save(update_fields=["lock_version", "updated_at"])


def _set_terms(acting_user: Person, initiative: Initiative, terms: Mapping[str, Sequence[str]]) -> bool:
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
    return before != after


@transaction.atomic
def initiative_set_terms(
    *,
    acting_user: Person,
    initiative: Initiative,
    terms: Mapping[str, Sequence[str]],
    expected_version: int | None = None,
) -> Initiative:
    """Replace the initiative's terms of the given vocabularies."""
    access.require(
        acting_user, "initiatives.change_initiative", initiative, "You may not edit this initiative."
    )
    lock_current(initiative, expected_version=expected_version, submitted={"terms": terms})
    if _set_terms(acting_user, initiative, terms):
        _bump_initiative(initiative)
    return initiative


def _set_partners(
    acting_user: Person, initiative: Initiative, partners: Mapping[str, Sequence[Government]]
) -> bool:
    for role in partners:
        if role not in PartnerRole.values:
            raise ValueError(f"Unknown partner role {role!r}")
    # Readers of this instance must see the new partners, not a list prefetched before the change.
    getattr(initiative, "_prefetched_objects_cache", {}).pop("partners", None)
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
    return before != after


@transaction.atomic
def initiative_set_partners(
    *,
    acting_user: Person,
    initiative: Initiative,
    partners: Mapping[str, Sequence[Government]],
    expected_version: int | None = None,
) -> Initiative:
    """Replace the initiative's partners in the given roles."""
    access.require(
        acting_user, "initiatives.change_initiative", initiative, "You may not edit this initiative."
    )
    lock_current(initiative, expected_version=expected_version, submitted={"partners": partners})
    if _set_partners(acting_user, initiative, partners):
        _bump_initiative(initiative)
    return initiative


@transaction.atomic
def initiative_publish(
    *,
    acting_user: Person,
    initiative: Initiative,
    published: bool = True,
    expected_version: int | None = None,
) -> Initiative:
    """Show or hide an initiative on the public portal; coordinators decide."""
    access.require(acting_user, "initiatives.publish_initiative", initiative, "Only coordinators publish.")
    changes = apply_versioned(initiative, {"is_published": published}, expected_version=expected_version)
    if changes:
        initiative.save(update_fields=["is_published", "lock_version", "updated_at"])
        audit_record(
            acting_user=acting_user,
            verb="initiative_publish",
            obj=initiative,
            changes=changes,
            collaborative=initiative.collaborative,
            is_public=True,
        )
    return initiative


_COLLABORATIVE_FIELD = Initiative._meta.get_field("collaborative")
_TEXT_FIELDS = [f for f in Initiative._meta.concrete_fields if isinstance(f, models.CharField)]


def _check_bulk_row(initiative: Initiative) -> None:
    errors = {
        f.name: f"at most {f.max_length} characters, not {len(value)}"
        for f in _TEXT_FIELDS
        if f.max_length and len(value := getattr(initiative, f.attname) or "") > f.max_length
    }
    if not (initiative.title or "").strip():
        errors["title"] = "a title is required"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_bulk_create(
    *, acting_user: Person, collaborative: Collaborative, rows: Sequence[Mapping[str, Any]]
) -> list[Initiative]:
    """Create many initiatives of one collaborative in bulk, each with its own audit event (for imports)."""
    # The caller checks that no (plan, code) repeats, once per batch; the database constraint still guards it.
    from interlocal.audit.actions import audit_records_bulk

    access.require(
        acting_user, "initiatives.add_initiative", collaborative, "You may not add initiatives here."
    )
    if any(row.get("is_published") for row in rows):
        access.require(
            acting_user, "initiatives.publish_initiative", collaborative, "Only coordinators publish."
        )
    initiatives = []
    for row in rows:
        _check_fields({k: v for k, v in row.items() if k != "title"})
        initiative = Initiative(collaborative_id=collaborative.pk, **row)
        # Setting the relation by id and filling its cache skips the descriptor's per-row checks.
        _COLLABORATIVE_FIELD.set_cached_value(initiative, collaborative)
        # The importer has already turned every cell into a valid choice, date or number, and checks
        # uniqueness once per batch; what is left to check here is cheap: text lengths and required text.
        _check_bulk_row(initiative)
        initiatives.append(initiative)
    created = insert_objects(initiatives)
    audit_records_bulk(
        acting_user=acting_user,
        verb="initiative_create",
        objects=list(created),
        changes=[
            snapshot(i, ["title", *(k for k in row if k != "title")])
            for i, row in zip(created, rows, strict=True)
        ],
        collaborative=collaborative,
        public=[i.is_published for i in created],
    )
    return created


# --- Pipeline: stages, gates and progress ----------------------------------------------------------


class GateRefused(ValidationError):
    """A stage move refused because gate conditions are unmet; .missing says what each stage needs."""

    def __init__(self, stage: str, missing: list[tuple[str, list[str]]]) -> None:
        self.stage = stage
        self.missing = missing
        self.unmet = [need for _, needs in missing for need in needs]
        if len(missing) == 1 and missing[0][0] == stage:
            detail = f"it needs {', '.join(self.unmet)}"
        else:
            detail = "; ".join(f"{Stage(s).label} needs {', '.join(needs)}" for s, needs in missing)
        super().__init__(f"Cannot move to {Stage(stage).label}: {detail}.")


class ConfirmationRequired(ValidationError):
    """A move that undoes progress (back, withdraw, reopen) was asked for without confirmed=True."""

    def __init__(self, move: pipeline.Transition) -> None:
        self.transition = move
        super().__init__(
            f"Moving from {Stage(move.source).label} to {Stage(move.target).label} needs an explicit confirmation."
        )


@transaction.atomic
def gate_configure(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    stage: str,
    conditions: list[str],
    expected_version: int | None = None,
) -> StageGate:
    """Set what an initiative must have to enter a stage in this collaborative."""
    access.require(
        acting_user, "initiatives.change_stagegate", collaborative, "Only coordinators set stage gates."
    )
    unknown = gates.unknown_codes(conditions)
    if unknown or stage not in Stage.values:
        raise ValidationError(f"Unknown stage or gate conditions: {', '.join(unknown) or stage}")
    # A gate set for the first time starts from the default it replaces, so the audit shows what changed.
    gate, _ = StageGate.objects.get_or_create(
        collaborative=collaborative, stage=stage, defaults={"conditions": gates.DEFAULT_GATES.get(stage, [])}
    )
    changes = apply_versioned(gate, {"conditions": list(conditions)}, expected_version=expected_version)
    gate.save()
    audit_record(
        acting_user=acting_user, verb="gate_configure", obj=gate, changes=changes, collaborative=collaborative
    )
    return gate


@transaction.atomic
def initiative_advance(
    *,
    acting_user: Person,
    initiative: Initiative,
    to_stage: str,
    reason: str,
    confirmed: bool = False,
    expected_version: int | None = None,
) -> StageTransition:
    """Make a move the transition table allows; forward moves pass every gate on the way, backward ones need confirmed."""
    from interlocal.initiatives.queries import missing_for, stage_left

    access.require(
        acting_user, "initiatives.change_initiative", initiative, "You may not move this initiative."
    )
    lock_current(
        initiative, expected_version=expected_version, submitted={"stage": to_stage, "reason": reason}
    )
    if to_stage not in Stage.values:
        raise ValidationError(f"Unknown stage {to_stage!r}.")
    if to_stage == initiative.stage:
        raise ValidationError(f"The initiative is already {initiative.get_stage_display()}.")
    move = pipeline.transition(initiative.stage, to_stage, stage_left(initiative))
    if move is None:
        raise ValidationError(
            f"An initiative cannot move from {initiative.get_stage_display()} to {Stage(to_stage).label}."
        )
    if not reason.strip():
        raise ValidationError("Say why the initiative moves: a reason is required.")
    [missing] = missing_for(initiative, [move])
    if missing:
        raise GateRefused(to_stage, missing)
    if move.needs_confirmation and not confirmed:
        raise ConfirmationRequired(move)
    now = timezone.now()
    transition = StageTransition.objects.create(
        initiative=initiative,
        from_stage=initiative.stage,
        to_stage=to_stage,
        at=now,
        by=acting_user,
        reason=reason,
    )
    changes = apply_changes(initiative, {"stage": to_stage, "stage_changed_at": now, "last_progress_at": now})
    bump(initiative)
    initiative.save(
        update_fields=["stage", "stage_changed_at", "last_progress_at", "lock_version", "updated_at"]
    )
    audit_record(
        acting_user=acting_user,
        verb="initiative_advance",
        obj=initiative,
        changes={"stage": changes["stage"]},
        note=reason,
        collaborative=initiative.collaborative,
        is_public=initiative.is_published,
    )
    return transition


@transaction.atomic
def initiative_report_progress(*, acting_user: Person, initiative: Initiative, text: str) -> ProgressNote:
    """Record a progress report, which resets the initiative's update clock."""
    access.require(
        acting_user, "initiatives.change_initiative", initiative, "You may not report on this initiative."
    )
    if not text.strip():
        raise ValidationError("A progress report needs some text.")
    note = ProgressNote.objects.create(initiative=initiative, at=timezone.now(), by=acting_user, text=text)
    initiative.last_progress_at = note.at
    initiative.save(update_fields=["last_progress_at", "updated_at"])
    audit_record(
        acting_user=acting_user,
        verb="initiative_report_progress",
        obj=initiative,
        note=text,
        collaborative=initiative.collaborative,
        is_public=initiative.is_published,
    )
    return note


# --- Organizing principles: criteria, scores, rankings -------------------------------------------


@transaction.atomic
def criteria_set_create(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    name: str,
    criteria: Sequence[tuple[str, Decimal, str]],
    scale: tuple[int, int] = (1, 5),
    replacing: CriteriaSet | None = None,
    expected_version: int | None = None,
) -> CriteriaSet:
    """Start a new version of the criteria; earlier versions and their scores stay as they were."""
    access.require(
        acting_user, "initiatives.add_criteriaset", collaborative, "Only coordinators set criteria."
    )
    if expected_version is not None:
        _check_replacing(collaborative, name, criteria, replacing, expected_version)
    _check_criteria(name, criteria, scale)
    latest = collaborative.criteria_sets.order_by("-version").first()
    bump_rows(collaborative.criteria_sets.filter(is_current=True), is_current=False)
    criteria_set = CriteriaSet.objects.create(
        collaborative=collaborative,
        version=(latest.version + 1) if latest else 1,
        name=name,
        scale_min=scale[0],
        scale_max=scale[1],
    )
    Criterion.objects.bulk_create(
        Criterion(criteria_set=criteria_set, name=n, weight=w, description=d, position=i)
        for i, (n, w, d) in enumerate(criteria)
    )
    audit_record(
        acting_user=acting_user,
        verb="criteria_set_create",
        obj=criteria_set,
        changes={"criteria": (None, [f"{n} ({w})" for n, w, _ in criteria])},
        collaborative=collaborative,
    )
    return criteria_set


def _check_replacing(
    collaborative: Collaborative,
    name: str,
    criteria: Sequence[tuple[str, Decimal, str]],
    replacing: CriteriaSet | None,
    expected_version: int,
) -> None:
    # The editor started from `replacing` (None: from no criteria) at expected_version. A version published
    # since, or scores hidden since, is someone else's change to build on, not to overwrite.
    submitted = {"name": name, "criteria": [f"{n} ({w})" for n, w, _ in criteria]}
    if replacing is not None:
        lock_current(replacing, expected_version=expected_version, submitted=submitted)
        return
    current = collaborative.criteria_sets.filter(is_current=True).first()
    if current is not None:
        raise EditConflict(current=current, submitted=submitted, expected_version=expected_version)


def _check_criteria(name: str, criteria: Sequence[tuple[str, Decimal, str]], scale: tuple[int, int]) -> None:
    # Keyed by the form field each rule is about, so a page can mark the failing field.
    if not name.strip():
        raise ValidationError({"name": "Name this version, e.g. Organizing principles 2026."})
    if scale[1] <= scale[0]:
        raise ValidationError({"scale_max": f"The highest score must be above the lowest ({scale[0]})."})
    names = [n.strip().casefold() for n, _, _ in criteria]
    if not criteria:
        raise ValidationError({"criteria": "A criteria set needs at least one criterion."})
    if not all(names):
        raise ValidationError({"criteria": "Every criterion needs a name."})
    if len(set(names)) < len(names):
        twice = sorted({n for n, _, _ in criteria if names.count(n.strip().casefold()) > 1})
        raise ValidationError({"criteria": f"Two criteria have the same name: {', '.join(twice)}."})
    if any(weight < 0 for _, weight, _ in criteria) or not sum(weight for _, weight, _ in criteria):
        raise ValidationError({"criteria": "Criterion weights must be non-negative and not all zero."})


@transaction.atomic
def criteria_set_hide_scores(
    *, acting_user: Person, criteria_set: CriteriaSet, hidden: bool, expected_version: int | None = None
) -> CriteriaSet:
    """Hide or reveal members' scores from each other."""
    access.require(acting_user, "initiatives.change_criteriaset", criteria_set)
    changes = apply_versioned(criteria_set, {"scores_hidden": hidden}, expected_version=expected_version)
    criteria_set.save(update_fields=["scores_hidden", "lock_version"])
    audit_record(
        acting_user=acting_user,
        verb="criteria_set_hide_scores",
        obj=criteria_set,
        changes=changes,
        collaborative=criteria_set.collaborative,
    )
    return criteria_set


@transaction.atomic
def score_record(
    *,
    acting_user: Person,
    initiative: Initiative,
    criterion: Criterion,
    government: Government,
    value: int,
    comment: str = "",
    expected_version: int | None = None,
) -> Score:
    """Record or change one member government's score of an initiative on a criterion."""
    criteria_set = criterion.criteria_set
    collab = initiative.collaborative
    access.require(
        acting_user,
        "initiatives.add_score",
        Score(criterion=criterion, initiative=initiative, government=government),
        "You may score only for your own government.",
    )
    if criteria_set.collaborative_id != collab.pk or not criteria_set.is_current:
        raise ValidationError(f"{criterion} is not a current criterion of {collab}.")
    if government.pk not in {m.government_id for m in collab.members_on(timezone.localdate())}:
        raise ValidationError(f"{government} is not a current member of {collab}.")
    if not criteria_set.scale_min <= value <= criteria_set.scale_max:
        raise ValidationError(
            f"A score must be between {criteria_set.scale_min} and {criteria_set.scale_max}, not {value}."
        )
    score = Score.objects.filter(criterion=criterion, initiative=initiative, government=government).first()
    if score is not None:
        lock_current(score, expected_version=expected_version, submitted={"value": value, "comment": comment})
        bump(score)
    old = None if score is None else score.value
    if score is None:
        score = Score(criterion=criterion, initiative=initiative, government=government)
    score.value, score.comment, score.scored_by, score.scored_at = value, comment, acting_user, timezone.now()
    score.save()
    audit_record(
        acting_user=acting_user,
        verb="score_record",
        obj=score,
        changes={"value": (old, value)},
        collaborative=collab,
        government=government,
    )
    return score


@transaction.atomic
def ranking_freeze(*, acting_user: Person, criteria_set: CriteriaSet, label: str) -> RankingSnapshot:
    """Freeze the current ranking for a decision meeting."""
    from interlocal.initiatives.queries import compute_ranking

    access.require(acting_user, "initiatives.change_criteriaset", criteria_set, "Only coordinators freeze.")
    rows = compute_ranking(criteria_set)
    snapshot_ = RankingSnapshot.objects.create(
        criteria_set=criteria_set,
        label=label,
        frozen_at=timezone.now(),
        frozen_by=acting_user,
        engine_version=scoring.ENGINE_VERSION,
        rows=[
            {
                "initiative": r.initiative.pk,
                "title": str(r.initiative),
                "rank": r.rank,
                "score": r.score,
                "spread": r.spread,
                "governments_scored": r.governments_scored,
                "missing": r.missing,
            }
            for r in rows
        ],
    )
    audit_record(
        acting_user=acting_user,
        verb="ranking_freeze",
        obj=snapshot_,
        changes={"label": (None, label)},
        collaborative=criteria_set.collaborative,
    )
    return snapshot_
