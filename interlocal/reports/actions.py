"""Writes to action plans: draft, sections, included initiatives, publish as a frozen version, dated updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from interlocal import access
from interlocal.audit.actions import audit_record, snapshot
from interlocal.collaboratives.models import Collaborative
from interlocal.conflicts import apply_versioned, bump
from interlocal.governments.models import Person
from interlocal.initiatives.models import Initiative, Plan
from interlocal.reports import planning
from interlocal.reports import snapshot as snapshots
from interlocal.reports.models import ActionPlan, PlanItem, PlanSection, PlanUpdate, PlanVersion
from interlocal.vocab import Stage, TimelineBand

# A plan longer than this is a vision, not an action plan; it also keeps the Gantt chart readable.
MAX_YEARS = 15


def _check_years(start_year: int, end_year: int) -> None:
    if not 1900 <= start_year <= 2200 or not 1900 <= end_year <= 2200:
        raise ValidationError("A plan's years must be between 1900 and 2200.")
    if end_year < start_year:
        raise ValidationError(f"The last year ({end_year}) is before the first ({start_year}).")
    if end_year - start_year + 1 > MAX_YEARS:
        raise ValidationError(f"A plan covers at most {MAX_YEARS} years.")


def _check_filter(stages: Sequence[str], bands: Sequence[str]) -> None:
    bad = [s for s in stages if s not in Stage.values] + [b for b in bands if b not in TimelineBand.values]
    if bad:
        raise ValidationError(f"Unknown stage or timeline band: {', '.join(bad)}.")


def _check_source(collaborative: Collaborative, source_plan: Plan | None) -> None:
    if source_plan is not None and source_plan.collaborative_id != collaborative.pk:
        raise ValidationError("The plan carried out must be one of the collaborative's plans.")


def _audit(acting_user: Person, verb: str, plan: ActionPlan, changes: dict[str, Any], **kw: Any) -> None:
    audit_record(
        acting_user=acting_user,
        verb=verb,
        obj=kw.pop("obj", plan),
        changes=changes,
        collaborative=plan.collaborative,
        **kw,
    )


@transaction.atomic
def action_plan_create(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    title: str,
    start_year: int,
    end_year: int,
    summary: str = "",
    source_plan: Plan | None = None,
    filter_stages: Sequence[str] = (),
    filter_topics: Sequence[str] = (),
    filter_timeline_bands: Sequence[str] = (),
) -> ActionPlan:
    """Start a draft plan for a collaborative (its coordinators)."""
    access.require(
        acting_user,
        "reports.add_actionplan",
        collaborative,
        "Only the collaborative's coordinators write plans.",
    )
    _check_years(start_year, end_year)
    _check_filter(filter_stages, filter_timeline_bands)
    _check_source(collaborative, source_plan)
    plan = ActionPlan(
        collaborative=collaborative,
        title=title.strip(),
        start_year=start_year,
        end_year=end_year,
        summary=summary,
        source_plan=source_plan,
        filter_stages=list(filter_stages),
        filter_topics=list(filter_topics),
        filter_timeline_bands=list(filter_timeline_bands),
        created_by=acting_user,
    )
    plan.full_clean()
    plan.save()
    _audit(
        acting_user,
        "action_plan_create",
        plan,
        snapshot(
            plan,
            ["title", "start_year", "end_year", "filter_stages", "filter_topics", "filter_timeline_bands"],
        ),
    )
    return plan


@transaction.atomic
def action_plan_update(
    *,
    acting_user: Person,
    plan: ActionPlan,
    expected_version: int | None = None,
    initiatives: Sequence[Initiative] | None = None,
    **fields: Any,
) -> ActionPlan:
    """Change the draft's title, years, summary or filter, and optionally the initiatives chosen (in order)."""
    access.require(
        acting_user, "reports.change_actionplan", plan, "Only the collaborative's coordinators edit plans."
    )
    allowed = {
        "title",
        "start_year",
        "end_year",
        "summary",
        "source_plan",
        "filter_stages",
        "filter_topics",
        "filter_timeline_bands",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} here.")
    _check_years(fields.get("start_year", plan.start_year), fields.get("end_year", plan.end_year))
    _check_filter(fields.get("filter_stages", ()), fields.get("filter_timeline_bands", ()))
    if "source_plan" in fields:
        _check_source(plan.collaborative, fields["source_plan"])
    changes = apply_versioned(plan, fields, expected_version=expected_version)
    if initiatives is not None:
        wrong = [i for i in initiatives if i.collaborative_id != plan.collaborative_id]
        if wrong:
            raise ValidationError(f"{wrong[0]} is not one of the collaborative's initiatives.")
        before = list(plan.items.order_by("position", "id").values_list("initiative_id", flat=True))
        after = list(dict.fromkeys(i.pk for i in initiatives))
        if before != after:
            plan.items.all().delete()
            PlanItem.objects.bulk_create(
                PlanItem(plan=plan, initiative_id=pk, position=n) for n, pk in enumerate(after, start=1)
            )
            if not changes:
                bump(plan)
            changes["initiatives"] = (before, after)
    if changes:
        plan.full_clean()
        plan.save()
        _audit(acting_user, "action_plan_update", plan, changes)
    return plan


@transaction.atomic
def plan_section_add(*, acting_user: Person, plan: ActionPlan, title: str, body: str = "") -> PlanSection:
    """Add a section at the end of the draft."""
    access.require(
        acting_user, "reports.change_actionplan", plan, "Only the collaborative's coordinators edit plans."
    )
    last = plan.sections.aggregate(m=Max("position"))["m"] or 0
    section = PlanSection(plan=plan, title=title.strip(), body=body, position=last + 1)
    section.full_clean()
    section.save()
    _audit(acting_user, "plan_section_add", plan, snapshot(section, ["title", "position"]), obj=section)
    return section


@transaction.atomic
def plan_section_update(
    *,
    acting_user: Person,
    section: PlanSection,
    expected_version: int | None = None,
    title: str,
    body: str,
) -> PlanSection:
    """Change a section's heading and text."""
    access.require(
        acting_user,
        "reports.change_actionplan",
        section.plan,
        "Only the collaborative's coordinators edit plans.",
    )
    changes = apply_versioned(
        section, {"title": title.strip(), "body": body}, expected_version=expected_version
    )
    if changes:
        section.full_clean()
        section.save()
        _audit(acting_user, "plan_section_update", section.plan, changes, obj=section)
    return section


@transaction.atomic
def plan_section_move(*, acting_user: Person, section: PlanSection, by: int) -> PlanSection:
    """Move a section up (by=-1) or down (by=1) among the draft's sections."""
    plan = section.plan
    access.require(
        acting_user, "reports.change_actionplan", plan, "Only the collaborative's coordinators edit plans."
    )
    sections = list(plan.sections.select_for_update().order_by("position", "id"))
    index = next(n for n, s in enumerate(sections) if s.pk == section.pk)
    target = min(max(index + by, 0), len(sections) - 1)
    if target == index:
        return section
    sections.insert(target, sections.pop(index))
    for n, s in enumerate(sections, start=1):
        if s.position != n:
            PlanSection.objects.filter(pk=s.pk).update(position=n, lock_version=s.lock_version + 1)
    _audit(acting_user, "plan_section_move", plan, {"position": (index + 1, target + 1)}, obj=section)
    section.refresh_from_db()
    return section


@transaction.atomic
def plan_section_remove(*, acting_user: Person, section: PlanSection) -> None:
    """Remove a section from the draft (published versions keep their copy)."""
    plan = section.plan
    access.require(
        acting_user, "reports.change_actionplan", plan, "Only the collaborative's coordinators edit plans."
    )
    _audit(acting_user, "plan_section_remove", plan, {"title": (section.title, None)}, obj=section)
    section.delete()


@transaction.atomic
def action_plan_publish(*, acting_user: Person, plan: ActionPlan, note: str = "") -> PlanVersion:
    """Freeze the draft into the next numbered version: only published initiatives and agreements appear."""
    access.require(
        acting_user,
        "reports.publish_actionplan",
        plan,
        "Only the collaborative's coordinators publish plans.",
    )
    ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
    data = snapshots.build_snapshot(plan, published_only=True)
    if not data["initiatives"]:
        raise ValidationError("The plan includes no published initiative yet; there is nothing to publish.")
    last = plan.versions.order_by("-number").first()
    if last is not None and _same(last.snapshot, data):
        raise ValidationError(
            f"Nothing changed since version {last.number}; there is nothing new to publish."
        )
    number = (last.number if last else 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        title=plan.title,
        published_at=timezone.now(),
        published_by=acting_user,
        note=note,
        engine_version=planning.ENGINE_VERSION,
        schema_version=snapshots.SCHEMA_VERSION,
        snapshot=data,
    )
    _audit(
        acting_user,
        "action_plan_publish",
        plan,
        {
            "version": (None, number),
            "initiatives": (None, [i["code"] or i["title"] for i in data["initiatives"]]),
        },
        obj=version,
        is_public=plan.collaborative.is_published,
    )
    return version


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two snapshots show the same rows (the day they were built aside)."""
    return {k: v for k, v in a.items() if k != "built_on"} == {k: v for k, v in b.items() if k != "built_on"}


@transaction.atomic
def plan_update_add(
    *,
    acting_user: Person,
    version: PlanVersion,
    on: dt.date,
    title: str,
    changed: str,
    learned: str = "",
) -> PlanUpdate:
    """Attach a dated update (what changed, what was learned) to a published version."""
    access.require(
        acting_user,
        "reports.add_planupdate",
        version,
        "Only the collaborative's coordinators post plan updates.",
    )
    if not changed.strip():
        raise ValidationError("Say what changed.")
    update = PlanUpdate(
        version=version,
        on=on,
        title=title.strip(),
        changed=changed,
        learned=learned,
        by=acting_user,
        at=timezone.now(),
    )
    update.full_clean()
    update.save()
    _audit(
        acting_user,
        "plan_update_add",
        version.plan,
        snapshot(update, ["on", "title"]),
        obj=update,
        is_public=version.plan.collaborative.is_published,
    )
    return update
