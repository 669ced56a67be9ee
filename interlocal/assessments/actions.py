"""Writes to frameworks, rounds and answers of joint self-assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal import access
from interlocal.assessments.models import (
    MIN_K,
    Answer,
    Framework,
    FrameworkNode,
    GapInitiative,
    Round,
    RoundMember,
    Scale,
    ScaleLevel,
)
from interlocal.audit.actions import audit_record, snapshot
from interlocal.collaboratives.models import Collaborative
from interlocal.conflicts import apply_versioned, bump, lock_current
from interlocal.governments.models import Government, Person
from interlocal.vocab import (
    DeliveryMode,
    Direction,
    NodeKind,
    PartnerRole,
    RoundMemberStatus,
    RoundStatus,
    Stage,
)

# An evidence file is a policy or a screenshot, not an archive: the database keeps it, so keep it small.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# --- scales and frameworks --------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelSpec:
    """A level of a scale, as data."""

    value: int
    name: str
    description: str = ""


@dataclass(frozen=True)
class NodeSpec:
    """A node of a framework, as data; parent is the code of its parent ("" at the top)."""

    code: str
    title: str
    kind: str
    parent: str = ""
    statement: str = ""
    withdrawn: bool = False
    withdrawn_note: str = ""


@transaction.atomic
def scale_ensure(
    *,
    acting_user: Person,
    key: str,
    name: str,
    levels: Sequence[LevelSpec],
    target_value: int | None = None,
    description: str = "",
) -> Scale:
    """Create the scale with these levels, or return it when it already exists with them."""
    existing = Scale.objects.filter(key=key).first()
    if existing is not None:
        stored = [(lv.value, lv.name) for lv in existing.levels.all()]
        if stored != [(lv.value, lv.name) for lv in levels] or existing.target_value != target_value:
            raise ValidationError(f"A different scale is already stored as {key!r}.")
        return existing
    access.require(acting_user, "assessments.add_framework", None, "Only coordinators add scales.")
    values = [lv.value for lv in levels]
    if len(set(values)) != len(values) or not levels:
        raise ValidationError("A scale needs levels with distinct values.")
    if target_value is not None and target_value not in values:
        raise ValidationError(f"The target {target_value} is not a level of the scale.")
    scale = Scale(key=key, name=name, target_value=target_value, description=description)
    scale.full_clean()
    scale.save()
    ScaleLevel.objects.bulk_create(
        ScaleLevel(scale=scale, value=lv.value, name=lv.name, description=lv.description) for lv in levels
    )
    audit_record(
        acting_user=acting_user,
        verb="scale_ensure",
        obj=scale,
        changes={**snapshot(scale, ["key", "name", "target_value"]), "levels": (None, values)},
    )
    return scale


@dataclass
class FrameworkLoad:
    """What framework_load did: the framework and how many nodes it created, changed or left."""

    framework: Framework
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    framework_created: bool = False
    framework_changed: bool = False
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (code, "new" | "changed" | "unchanged")


_NODE_FIELDS = ("title", "statement", "kind", "position", "withdrawn", "withdrawn_note")


@transaction.atomic
def framework_load(
    *,
    acting_user: Person,
    key: str,
    version: str,
    title: str,
    kind: str,
    scale: Scale,
    nodes: Sequence[NodeSpec],
    source: str = "",
    description: str = "",
) -> FrameworkLoad:
    """Create or update a framework from data; loading the same data again changes nothing.

    Nodes are matched by code; a node no longer in the data is marked withdrawn, never deleted.
    """
    access.require(acting_user, "assessments.add_framework", None, "Only coordinators add frameworks.")
    codes = [n.code for n in nodes]
    if len(set(codes)) != len(codes):
        dup = sorted({c for c in codes if codes.count(c) > 1})
        raise ValidationError(f"Node ids repeat: {', '.join(dup)}.")
    known = set(codes)
    missing_parents = sorted({n.parent for n in nodes if n.parent and n.parent not in known})
    if missing_parents:
        raise ValidationError(f"Parents not in the framework: {', '.join(missing_parents)}.")
    framework = Framework.objects.filter(key=key, version=version).first()
    result: FrameworkLoad
    if framework is None:
        framework = Framework(
            key=key,
            version=version,
            title=title,
            kind=kind,
            scale=scale,
            source=source,
            description=description,
        )
        framework.full_clean()
        framework.save()
        audit_record(
            acting_user=acting_user,
            verb="framework_create",
            obj=framework,
            changes=snapshot(framework, ["key", "version", "title", "kind", "scale", "source"]),
        )
        result = FrameworkLoad(framework, framework_created=True)
    else:
        result = FrameworkLoad(framework)
        changes = apply_versioned(
            framework, {"title": title, "kind": kind, "scale": scale, "source": source}, expected_version=None
        )
        if changes:
            result.framework_changed = True
            framework.full_clean()
            framework.save()
            audit_record(acting_user=acting_user, verb="framework_update", obj=framework, changes=changes)
    stored = {n.code: n for n in framework.nodes.all()}
    by_code: dict[str, FrameworkNode] = {}
    for position, spec in enumerate(nodes, start=1):
        values: dict[str, Any] = {
            "title": spec.title[:300],
            "statement": spec.statement,
            "kind": spec.kind,
            "position": position,
            "withdrawn": spec.withdrawn,
            "withdrawn_note": spec.withdrawn_note[:300],
        }
        parent = by_code.get(spec.parent) if spec.parent else None
        if spec.parent and parent is None:
            raise ValidationError(f"{spec.code}: its parent {spec.parent} must come before it.")
        node = stored.get(spec.code)
        if node is None:
            node = FrameworkNode(framework=framework, code=spec.code, parent=parent, **values)
            node.full_clean()
            node.save()
            result.created += 1
            result.outcomes.append((spec.code, "new"))
        else:
            diff = {k: (getattr(node, k), v) for k, v in values.items() if getattr(node, k) != v}
            if node.parent_id != (parent.pk if parent else None):
                diff["parent"] = (node.parent, parent)
                node.parent = parent
            if diff:
                for name, (_, new) in diff.items():
                    setattr(node, name, new)
                bump(node)
                node.full_clean()
                node.save()
                result.changed += 1
                result.outcomes.append((spec.code, "changed"))
            else:
                result.unchanged += 1
                result.outcomes.append((spec.code, "unchanged"))
        by_code[spec.code] = node
    gone = [n for code, n in stored.items() if code not in known and not n.withdrawn]
    for node in gone:
        node.withdrawn = True
        node.withdrawn_note = "No longer in the framework's data."
        bump(node)
        node.save(update_fields=["withdrawn", "withdrawn_note", "lock_version"])
        result.changed += 1
        result.outcomes.append((node.code, "changed"))
    if result.created or result.changed:
        audit_record(
            acting_user=acting_user,
            verb="framework_load",
            obj=framework,
            changes={"nodes": (None, {"created": result.created, "changed": result.changed})},
        )
    return result


def _check_questionnaire_edit(acting_user: Person, framework: Framework) -> None:
    access.require(
        acting_user, "assessments.change_framework", framework, "Only coordinators edit questionnaires."
    )


@transaction.atomic
def topic_add(
    *,
    acting_user: Person,
    framework: Framework,
    code: str,
    title: str,
    parent: FrameworkNode | None = None,
    statement: str = "",
) -> FrameworkNode:
    """Add an item (a training topic, a question) to a framework, at the end of its parent."""
    _check_questionnaire_edit(acting_user, framework)
    if parent is not None and parent.framework_id != framework.pk:
        raise ValidationError(f"{parent} is not part of {framework}.")
    if framework.nodes.filter(code=code).exists():
        raise ValidationError({"code": f"{framework} already has an item {code}."})
    last = framework.nodes.order_by("-position").values_list("position", flat=True).first() or 0
    node = FrameworkNode(
        framework=framework,
        parent=parent,
        code=code,
        title=title,
        statement=statement,
        kind=NodeKind.ITEM,
        position=last + 1,
    )
    node.full_clean()
    node.save()
    audit_record(
        acting_user=acting_user,
        verb="topic_add",
        obj=node,
        changes=snapshot(node, ["code", "title", "parent"]),
    )
    return node


@transaction.atomic
def topic_rename(
    *,
    acting_user: Person,
    node: FrameworkNode,
    title: str,
    statement: str | None = None,
    expected_version: int | None = None,
) -> FrameworkNode:
    """Rename an item (and optionally reword it)."""
    _check_questionnaire_edit(acting_user, node.framework)
    values: dict[str, Any] = {"title": title}
    if statement is not None:
        values["statement"] = statement
    changes = apply_versioned(node, values, expected_version=expected_version)
    if changes:
        node.full_clean()
        node.save()
        audit_record(acting_user=acting_user, verb="topic_rename", obj=node, changes=changes)
    return node


@transaction.atomic
def topic_withdraw(
    *,
    acting_user: Person,
    node: FrameworkNode,
    withdrawn: bool = True,
    note: str = "",
    expected_version: int | None = None,
) -> FrameworkNode:
    """Withdraw an item (kept, no longer asked in new answers), or bring it back."""
    _check_questionnaire_edit(acting_user, node.framework)
    changes = apply_versioned(
        node,
        {"withdrawn": withdrawn, "withdrawn_note": note if withdrawn else ""},
        expected_version=expected_version,
    )
    if changes:
        node.save()
        audit_record(acting_user=acting_user, verb="topic_withdraw", obj=node, changes=changes)
    return node


# --- rounds -------------------------------------------------------------------------------------------


def active_items(framework: Framework) -> list[FrameworkNode]:
    """The items members answer: not withdrawn, in framework order."""
    return list(framework.nodes.filter(kind=NodeKind.ITEM, withdrawn=False).order_by("position", "id"))


@transaction.atomic
def round_open(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    framework: Framework,
    title: str,
    year: int,
    deadline: dt.date,
    members: Sequence[Government],
    k: int = MIN_K,
    description: str = "",
) -> Round:
    """Open a round of a framework for some of the collaborative's current members."""
    access.require(
        acting_user,
        "assessments.add_round",
        collaborative,
        "Only the collaborative's coordinators open rounds.",
    )
    if k < MIN_K:
        raise ValidationError({"k": f"k must be at least {MIN_K}: no aggregate is shown over fewer members."})
    chosen = {g.pk: g for g in members}
    if len(chosen) < k:
        raise ValidationError({"members": f"A round needs at least k = {k} members, not {len(chosen)}."})
    current = access.current_member_ids(collaborative)
    strangers = sorted(g.name for g in chosen.values() if g.pk not in current)
    if strangers:
        raise ValidationError({"members": f"Not current members of {collaborative}: {', '.join(strangers)}."})
    if not active_items(framework):
        raise ValidationError({"framework": f"{framework} has no items to answer."})
    rnd = Round(
        collaborative=collaborative,
        framework=framework,
        title=title,
        description=description,
        year=year,
        deadline=deadline,
        k=k,
        opened_by=acting_user,
        opened_at=timezone.now(),
    )
    rnd.full_clean()
    rnd.save()
    RoundMember.objects.bulk_create(
        RoundMember(round=rnd, government=g) for g in sorted(chosen.values(), key=lambda g: g.name)
    )
    audit_record(
        acting_user=acting_user,
        verb="round_open",
        obj=rnd,
        changes={
            **snapshot(rnd, ["title", "framework", "year", "deadline", "k"]),
            "members": (None, sorted(g.name for g in chosen.values())),
        },
        collaborative=collaborative,
    )
    return rnd


def _check_round_open(rnd: Round) -> None:
    if rnd.status != RoundStatus.OPEN:
        raise ValidationError(f"{rnd} is closed: its answers can no longer change.")


@transaction.atomic
def answer_save(
    *,
    acting_user: Person,
    round_member: RoundMember,
    item: FrameworkNode,
    level: int,
    evidence: str = "",
    head_count: int | None = None,
    delivery: str = "",
    attachment: tuple[str, bytes] | None = None,
    remove_attachment: bool = False,
    expected_version: int | None = None,
) -> Answer:
    """Save (a draft of) one member's answer to one item; only that member's editors may."""
    access.require(
        acting_user,
        "assessments.change_roundmember",
        round_member,
        "Only the member's own editors answer for it.",
    )
    member = (
        RoundMember.objects.select_for_update()
        .select_related("round__framework__scale")
        .get(pk=round_member.pk)
    )
    rnd = member.round
    _check_round_open(rnd)
    if member.status == RoundMemberStatus.SUBMITTED:
        raise ValidationError("The answers are submitted; ask the coordinator to reopen them to change one.")
    if item.framework_id != rnd.framework_id or item.kind != NodeKind.ITEM:
        raise ValidationError({"item": f"{item.code} is not an item of {rnd.framework}."})
    if item.withdrawn:
        raise ValidationError({"item": f"{item.code} is withdrawn from {rnd.framework}."})
    levels = set(rnd.framework.scale.levels.values_list("value", flat=True))
    if level not in levels:
        raise ValidationError(
            {"level": f"{level} is not a level of {rnd.framework.scale} ({min(levels)}-{max(levels)})."}
        )
    if head_count is not None and head_count < 0:
        raise ValidationError({"head_count": "A head-count cannot be negative."})
    if delivery and delivery not in DeliveryMode.values:
        raise ValidationError({"delivery": f"Unknown delivery {delivery!r}."})
    if attachment is not None and len(attachment[1]) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"attachment": f"The file is larger than {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB."}
        )
    now = timezone.now()
    values: dict[str, Any] = {
        "level": level,
        "evidence": evidence,
        "head_count": head_count,
        "delivery": delivery,
    }
    if attachment is not None:
        values["file_name"], values["content"] = attachment[0][:255], bytes(attachment[1])
    elif remove_attachment:
        values["file_name"], values["content"] = "", b""
    answer = Answer.objects.filter(round_member=member, item=item).first()
    if answer is None:
        answer = Answer(round_member=member, item=item, updated_by=acting_user, updated_at=now, **values)
        answer.full_clean()
        answer.save()
        changes = snapshot(answer, ["level", "head_count", "delivery", "file_name"])
    else:
        changes = apply_versioned(answer, values, expected_version=expected_version)
        if not changes:
            return answer
        answer.updated_by, answer.updated_at = acting_user, now
        answer.full_clean()
        answer.save()
    if member.status == RoundMemberStatus.NOT_STARTED:
        member.status = RoundMemberStatus.DRAFT
        bump(member)
        member.save(update_fields=["status", "lock_version"])
    # The level never reaches the collaborative's feed: the event is the member government's own.
    changes.pop("content", None)
    audit_record(
        acting_user=acting_user,
        verb="answer_save",
        obj=answer,
        changes={k: v for k, v in changes.items() if k != "evidence"},
        government=member.government,
    )
    return answer


@transaction.atomic
def answers_save(
    *,
    acting_user: Person,
    round_member: RoundMember,
    levels: Mapping[str, int],
    evidence: Mapping[str, str] | None = None,
    head_counts: Mapping[str, int | None] | None = None,
    deliveries: Mapping[str, str] | None = None,
) -> list[Answer]:
    """Save (drafts of) many answers of one member at once, by item code (a form of a whole category).

    One audit event lists the items whose answers changed; evidence, head-count and delivery are kept when
    not given.
    """
    access.require(
        acting_user,
        "assessments.change_roundmember",
        round_member,
        "Only the member's own editors answer for it.",
    )
    member = (
        RoundMember.objects.select_for_update()
        .select_related("round__framework__scale", "government")
        .get(pk=round_member.pk)
    )
    rnd = member.round
    _check_round_open(rnd)
    if member.status == RoundMemberStatus.SUBMITTED:
        raise ValidationError("The answers are submitted; ask the coordinator to reopen them to change one.")
    evidence, head_counts, deliveries = evidence or {}, head_counts or {}, deliveries or {}
    items = {i.code: i for i in active_items(rnd.framework)}
    codes = set(levels) | set(evidence) | set(head_counts) | set(deliveries)
    unknown = sorted(codes - set(items))
    if unknown:
        raise ValidationError({"item": f"Not active items of {rnd.framework}: {', '.join(unknown[:10])}."})
    allowed = set(rnd.framework.scale.levels.values_list("value", flat=True))
    bad = sorted(c for c, v in levels.items() if v not in allowed)
    if bad:
        raise ValidationError({"level": f"Not levels of {rnd.framework.scale}: {', '.join(bad[:10])}."})
    if any(h is not None and h < 0 for h in head_counts.values()):
        raise ValidationError({"head_count": "A head-count cannot be negative."})
    if any(d and d not in DeliveryMode.values for d in deliveries.values()):
        raise ValidationError({"delivery": "Unknown delivery."})
    stored = {a.item.code: a for a in member.answers.select_related("item").filter(item__code__in=codes)}
    missing_level = sorted(c for c in codes if c not in stored and c not in levels)
    if missing_level:
        raise ValidationError({"level": f"A level is needed first for {', '.join(missing_level[:10])}."})
    now = timezone.now()
    saved: list[Answer] = []
    created: list[Answer] = []
    changes: dict[str, tuple[int | None, int | None]] = {}
    for code in sorted(codes, key=lambda c: items[c].position):
        values: dict[str, Any] = {}
        if code in levels:
            values["level"] = levels[code]
        if code in evidence:
            values["evidence"] = evidence[code]
        if code in head_counts:
            values["head_count"] = head_counts[code]
        if code in deliveries:
            values["delivery"] = deliveries[code]
        answer = stored.get(code)
        if answer is None:
            answer = Answer(
                round_member=member, item=items[code], updated_by=acting_user, updated_at=now, **values
            )
            created.append(answer)
            changes[code] = (None, values.get("level"))
        else:
            diff = {k: v for k, v in values.items() if getattr(answer, k) != v}
            if diff:
                old_level = answer.level
                for k, v in diff.items():
                    setattr(answer, k, v)
                answer.updated_by, answer.updated_at = acting_user, now
                bump(answer)
                answer.save()
                changes[code] = (old_level, answer.level)
        saved.append(answer)
    Answer.objects.bulk_create(created)
    if not changes:
        return saved
    if member.status == RoundMemberStatus.NOT_STARTED:
        member.status = RoundMemberStatus.DRAFT
        bump(member)
        member.save(update_fields=["status", "lock_version"])
    # The levels never reach the collaborative's feed: the event is the member government's own.
    audit_record(
        acting_user=acting_user,
        verb="answers_save",
        obj=member,
        changes=changes,
        government=member.government,
    )
    return saved


@transaction.atomic
def round_member_submit(
    *, acting_user: Person, round_member: RoundMember, expected_version: int | None = None
) -> RoundMember:
    """Submit a member's answers: every active item must be answered."""
    access.require(
        acting_user, "assessments.change_roundmember", round_member, "Only the member's own editors submit."
    )
    lock_current(round_member, expected_version=expected_version, submitted={"status": "submitted"})
    rnd = round_member.round
    _check_round_open(rnd)
    if round_member.status == RoundMemberStatus.SUBMITTED:
        raise ValidationError("The answers are already submitted.")
    answered = set(round_member.answers.values_list("item_id", flat=True))
    missing = [i.code for i in active_items(rnd.framework) if i.pk not in answered]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise ValidationError(f"Answer every item before submitting: {shown} still open.")
    old = round_member.status
    round_member.status = RoundMemberStatus.SUBMITTED
    round_member.submitted_at = timezone.now()
    round_member.submitted_by = acting_user
    bump(round_member)
    round_member.save()
    audit_record(
        acting_user=acting_user,
        verb="round_member_submit",
        obj=round_member,
        changes={"status": (old, round_member.status)},
        collaborative=rnd.collaborative,
        government=round_member.government,
    )
    return round_member


@transaction.atomic
def round_member_reopen(
    *, acting_user: Person, round_member: RoundMember, reason: str, expected_version: int | None = None
) -> RoundMember:
    """Reopen one member's submission so its staff can change answers (coordinators, while the round is open)."""
    access.require(
        acting_user, "assessments.reopen_roundmember", round_member, "Only coordinators reopen a submission."
    )
    lock_current(round_member, expected_version=expected_version, submitted={"status": "reopened"})
    _check_round_open(round_member.round)
    if round_member.status != RoundMemberStatus.SUBMITTED:
        raise ValidationError("Only a submitted member can be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the submission is reopened."})
    round_member.status = RoundMemberStatus.REOPENED
    round_member.reopen_reason = reason[:500]
    bump(round_member)
    round_member.save()
    audit_record(
        acting_user=acting_user,
        verb="round_member_reopen",
        obj=round_member,
        changes={"status": (RoundMemberStatus.SUBMITTED, RoundMemberStatus.REOPENED)},
        note=reason,
        # The reason may name an item or a level: it goes to the member's own feed, not the collaborative's.
        government=round_member.government,
    )
    return round_member


@transaction.atomic
def round_close(*, acting_user: Person, round: Round, expected_version: int | None = None) -> Round:
    """Close a round: answers freeze, and the submitted members become the fixed set every aggregate covers."""
    from interlocal.assessments import queries

    access.require(acting_user, "assessments.change_round", round, "Only coordinators close rounds.")
    lock_current(round, expected_version=expected_version, submitted={"status": "closed"})
    _check_round_open(round)
    submitted = round.members.filter(status=RoundMemberStatus.SUBMITTED)
    submitted.update(in_aggregate=True)
    round.status = RoundStatus.CLOSED
    round.closed_at = timezone.now()
    summary, version = queries.compute_summary(round)
    round.summary, round.engine_version = summary, version
    bump(round)
    round.save()
    audit_record(
        acting_user=acting_user,
        verb="round_close",
        obj=round,
        changes={"status": (RoundStatus.OPEN, RoundStatus.CLOSED), "counted": (None, submitted.count())},
        collaborative=round.collaborative,
    )
    return round


@transaction.atomic
def round_raise_k(*, acting_user: Person, round: Round, k: int, expected_version: int | None = None) -> Round:
    """Raise the round's k (never lower it, never below 3): aggregates then need more members."""
    from interlocal.assessments import queries

    access.require(acting_user, "assessments.change_round", round, "Only coordinators set k.")
    lock_current(round, expected_version=expected_version, submitted={"k": k})
    if k < max(MIN_K, round.k):
        raise ValidationError({"k": f"k can only be raised: it is {round.k}, and never below {MIN_K}."})
    if k == round.k:
        return round
    old = round.k
    round.k = k
    if round.status == RoundStatus.CLOSED:
        # The stored summary must obey the new k too.
        round.summary, round.engine_version = queries.compute_summary(round)
    bump(round)
    round.full_clean()
    round.save()
    audit_record(
        acting_user=acting_user,
        verb="round_raise_k",
        obj=round,
        changes={"k": (old, k)},
        collaborative=round.collaborative,
    )
    return round


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


# --- from a common gap to a joint initiative -----------------------------------------------------------


@transaction.atomic
def common_gap_to_initiative(
    *,
    acting_user: Person,
    round: Round,
    items: Sequence[str],
    title: str = "",
    reason: str = "",
) -> GapInitiative:
    """Turn a common gap into an initiative in Exploring, in one step.

    The members below target on any of the items become its participating governments; its description
    lists the items; its KPI is the round's members' mean level on the items, with that mean as baseline
    (over the round's fixed member set, like every aggregate) and the scale's target as target a year on.
    """
    from interlocal.assessments import queries
    from interlocal.initiatives.actions import initiative_advance, initiative_create
    from interlocal.tracking.actions import kpi_create

    access.require(
        acting_user,
        "assessments.add_initiative_from_gap",
        round,
        "Only coordinators start initiatives from gaps.",
    )
    codes = list(dict.fromkeys(items))
    if not codes:
        raise ValidationError({"items": "Name the gap's items."})
    if round.status != RoundStatus.CLOSED:
        raise ValidationError("Close the round first: gaps are read from its final answers.")
    target = round.framework.scale.target_value
    if target is None:
        raise ValidationError(f"{round.framework.scale} has no target level, so it has no gaps.")
    summary = queries.round_summary(acting_user, round)
    gaps = {g.code: g for g in summary.gaps}
    not_gaps = [c for c in codes if c not in gaps]
    if not_gaps:
        raise ValidationError(
            {
                "items": f"Not common gaps of {round} (below target for at least {round.k} members): {', '.join(not_gaps)}."
            }
        )
    baseline = _decimal(queries.gap_items_mean(acting_user, round, codes))
    counted = queries.aggregate_member_ids(round)
    below_ids = set(
        Answer.objects.filter(
            round_member__round=round,
            round_member__government_id__in=counted,
            item__code__in=codes,
            item__framework=round.framework,
            level__lt=target,
        ).values_list("round_member__government_id", flat=True)
    )
    current = access.current_member_ids(round.collaborative)
    partners = list(Government.objects.filter(pk__in=below_ids & current).order_by("name"))
    target_name = (
        round.framework.scale.levels.filter(value=target).values_list("name", flat=True).first() or target
    )
    lines = [
        f"Started from a common gap of {round}: items below the target level ({target}, {target_name}) "
        f"for at least {round.k} of the {summary.n_members} members counted.",
        "",
        *(
            f"- {gaps[c].code} {gaps[c].title}: {gaps[c].below} of {gaps[c].n} members below target, "
            f"mean level {gaps[c].mean:.1f}"
            for c in codes
        ),
    ]
    label = ", ".join(codes)
    initiative = initiative_create(
        acting_user=acting_user,
        collaborative=round.collaborative,
        title=(title or f"Close the gap on {label}")[:300],
        description="\n".join(lines),
        partners={PartnerRole.PARTICIPATING: partners},
    )
    initiative_advance(
        acting_user=acting_user,
        initiative=initiative,
        to_stage=Stage.EXPLORING,
        reason=reason or f"A common gap of {round}.",
    )
    baseline_on = (round.closed_at or timezone.now()).date()
    kpi_create(
        acting_user=acting_user,
        initiative=initiative,
        name=f"Members' mean level on {label}"[:200],
        unit="level",
        direction=Direction.HIGHER,
        baseline=baseline,
        baseline_on=baseline_on,
        target=Decimal(target),
        target_on=baseline_on + dt.timedelta(days=365),
    )
    link = GapInitiative.objects.create(
        round=round,
        initiative=initiative,
        item_codes=codes,
        baseline=baseline,
        created_by=acting_user,
        created_at=timezone.now(),
    )
    audit_record(
        acting_user=acting_user,
        verb="common_gap_to_initiative",
        obj=link,
        changes={"items": (None, codes), "initiative": (None, str(initiative)), "baseline": (None, baseline)},
        collaborative=round.collaborative,
    )
    return link


# --- built-in frameworks ---------------------------------------------------------------------------------

CSF_KEY, CSF_VERSION = "nist-csf", "2.0"
TRAINING_KEY, TRAINING_VERSION = "gti-training-needs", "1"


def csf_node_specs() -> list[NodeSpec]:
    """NIST CSF 2.0 as node specs: functions, their categories, and the categories' subcategories."""
    from interlocal.assessments import frameworks_data as data

    specs: list[NodeSpec] = []
    for fn_code, fn_title in data.CSF_FUNCTIONS:
        specs.append(NodeSpec(fn_code, fn_title, NodeKind.FUNCTION))
        for cat_code, cat_title in data.CSF_CATEGORIES:
            if cat_code.split(".")[0] != fn_code:
                continue
            specs.append(NodeSpec(cat_code, cat_title, NodeKind.CATEGORY, parent=fn_code))
            specs += [
                NodeSpec(code, title, NodeKind.ITEM, parent=cat_code)
                for code, title in data.CSF_SUBCATEGORIES
                if code.split("-")[0] == cat_code
            ]
    return specs


@transaction.atomic
def builtin_frameworks_ensure(*, acting_user: Person) -> list[Framework]:
    """Make sure NIST CSF 2.0 (NCSR scale) and the training needs questionnaire exist.

    The CSF is reloaded (idempotent); the questionnaire is created once and then left to its coordinators' edits.
    """
    from interlocal.assessments import frameworks_data as data
    from interlocal.vocab import FrameworkKind

    ncsr = scale_ensure(
        acting_user=acting_user,
        key="ncsr-7",
        name="NCSR maturity scale",
        levels=[LevelSpec(v, n, d) for v, n, d in data.NCSR_LEVELS],
        target_value=data.NCSR_TARGET,
        description="The Nationwide Cybersecurity Review's seven maturity levels.",
    )
    csf = framework_load(
        acting_user=acting_user,
        key=CSF_KEY,
        version=CSF_VERSION,
        title="NIST Cybersecurity Framework 2.0",
        kind=FrameworkKind.CYBER,
        scale=ncsr,
        nodes=csf_node_specs(),
        source="built in",
        description="The NCSR self-assessment: each CSF 2.0 subcategory on the NCSR's seven-level scale.",
    ).framework
    need = scale_ensure(
        acting_user=acting_user,
        key="training-need-4",
        name="Training need",
        levels=[LevelSpec(v, n, d) for v, n, d in data.NEED_LEVELS],
        description="How much a member's staff need a training topic.",
    )
    training = Framework.objects.filter(key=TRAINING_KEY, version=TRAINING_VERSION).first()
    if training is None:
        nodes = [NodeSpec(code, title, NodeKind.SECTION) for code, title in data.TRAINING_SECTIONS]
        nodes += [
            NodeSpec(code, title, NodeKind.ITEM, parent=sec) for code, sec, title in data.TRAINING_TOPICS
        ]
        nodes.sort(key=lambda n: (n.parent or n.code, n.kind != NodeKind.SECTION, n.code))
        training = framework_load(
            acting_user=acting_user,
            key=TRAINING_KEY,
            version=TRAINING_VERSION,
            title="Training and safety needs",
            kind=FrameworkKind.TRAINING,
            scale=need,
            nodes=nodes,
            source="built in",
            description=(
                "With the Government Training Institute: for each topic, how much your staff need it, "
                "how many need it, and how you would like it delivered."
            ),
        ).framework
    return [csf, training]
