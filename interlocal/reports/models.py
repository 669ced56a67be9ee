"""Action plans: drafted by a collaborative's coordinator, published as frozen numbered versions, then updated.

An ActionPlan is a working draft: its title, years, ordered sections and the initiatives it includes (chosen one by
one, or by a filter of stage, topic and timeline band). Publishing freezes everything a reader sees into a
PlanVersion (a JSON snapshot of every row, with the engine and schema versions), so a published version never
changes when its initiatives change later. A PlanUpdate is a dated note attached to a published version: what
changed and what was learned ("publish updates and educate").

How it relates to initiatives.Plan: that model is the *source* of recommendations (an ordered set, e.g. St. Louis
County's comprehensive plan, where LR.33 asks for "a 5-year Action Plan for shared services"). An ActionPlan is
the implementation schedule built from initiatives; it may name the initiatives.Plan it carries out
(`source_plan`), and then its filter can draw on that plan's recommendations. Neither replaces the other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from interlocal.conflicts import Versioned


class ActionPlan(Versioned):
    """A collaborative's (or a county's) multi-year action plan, as drafted."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # A plan is part of its collaborative's record, and its published versions are public documents.
        on_delete=models.PROTECT,
        related_name="action_plans",
        help_text="The collaborative whose plan this is.",
    )
    source_plan = models.ForeignKey(
        "initiatives.Plan",
        null=True,
        blank=True,
        # The plan it carries out stays on record while an action plan cites it.
        on_delete=models.PROTECT,
        related_name="action_plans",
        help_text="The plan of recommendations this action plan carries out, if any (e.g. a county plan).",
    )
    title = models.CharField(
        max_length=200, help_text="The plan's title, e.g. Shared Services Plan 2026\u20132030."
    )
    start_year = models.PositiveSmallIntegerField(help_text="The first year the plan covers.")
    end_year = models.PositiveSmallIntegerField(help_text="The last year the plan covers.")
    summary = models.TextField(blank=True, help_text="The plan's summary, shown first (Markdown).")
    filter_stages = models.JSONField(
        default=list, blank=True, help_text="Include every initiative in these stages (stage values)."
    )
    filter_topics = models.JSONField(
        default=list,
        blank=True,
        help_text="Include every initiative with one of these topic areas (term slugs).",
    )
    filter_timeline_bands = models.JSONField(
        default=list, blank=True, help_text="Include every initiative with one of these timeline bands."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The author of a plan stays on record.
        on_delete=models.PROTECT,
        related_name="action_plans",
        help_text="Who started the plan.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the plan was started.")

    class Meta:
        ordering = ["-start_year", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="action_plan_years"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_filter(self) -> bool:
        return bool(self.filter_stages or self.filter_topics or self.filter_timeline_bands)


class PlanSection(Versioned):
    """A section of text the coordinator writes: introduction, goals, how the plan is governed..."""

    plan = models.ForeignKey(
        ActionPlan,
        # Sections are part of the draft; published text lives in the versions' snapshots.
        on_delete=models.CASCADE,
        related_name="sections",
        help_text="The plan.",
    )
    title = models.CharField(max_length=200, help_text="The section's heading.")
    body = models.TextField(blank=True, help_text="The section's text (Markdown).")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the plan.")

    class Meta:
        ordering = ["plan_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class PlanItem(Versioned):
    """An initiative chosen for the plan one by one (beside those its filter includes)."""

    plan = models.ForeignKey(
        ActionPlan,
        # A choice means nothing without its draft.
        on_delete=models.CASCADE,
        related_name="items",
        help_text="The plan.",
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        # An initiative a plan includes stays on record.
        on_delete=models.PROTECT,
        related_name="plan_items",
        help_text="The initiative included.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order among the chosen initiatives.")

    class Meta:
        ordering = ["plan_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "initiative"], name="plan_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} in {self.plan}"


class PlanVersion(models.Model):
    """A published, immutable, numbered version of a plan: everything shown, frozen as JSON."""

    plan = models.ForeignKey(
        ActionPlan,
        # A published version is a public record.
        on_delete=models.PROTECT,
        related_name="versions",
        help_text="The plan published.",
    )
    number = models.PositiveSmallIntegerField(help_text="1 for the first publication, then 2, 3, ...")
    title = models.CharField(max_length=200, help_text="The plan's title when published.")
    published_at = models.DateTimeField(help_text="When it was published.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Who published a public document stays on record.
        on_delete=models.PROTECT,
        related_name="plan_versions",
        help_text="Who published it.",
    )
    note = models.TextField(blank=True, help_text="What is new in this version, in a sentence or two.")
    engine_version = models.CharField(max_length=40, help_text="The planning engine that placed the years.")
    schema_version = models.CharField(max_length=40, help_text="The snapshot's JSON schema.")
    snapshot = models.JSONField(help_text="Every row the version shows, as published (see reports.snapshot).")

    class Meta:
        ordering = ["plan_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def collaborative(self) -> models.Model:
        return self.plan.collaborative


class PlanUpdate(models.Model):
    """A dated note on a published version: what changed, what was learned."""

    version = models.ForeignKey(
        PlanVersion,
        # Updates are part of the published record.
        on_delete=models.PROTECT,
        related_name="updates",
        help_text="The published version this update reports on.",
    )
    on = models.DateField(help_text="The date of the update.")
    title = models.CharField(max_length=200, help_text="A short headline.")
    changed = models.TextField(help_text="What changed since the version was published (Markdown).")
    learned = models.TextField(blank=True, help_text="What was learned (Markdown).")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The author of a public update stays on record.
        on_delete=models.PROTECT,
        related_name="plan_updates",
        help_text="Who wrote the update.",
    )
    at = models.DateTimeField(help_text="When it was written.")

    class Meta:
        ordering = ["version_id", "-on", "-id"]

    def __str__(self) -> str:
        return f"{self.version}: {self.title} ({self.on})"
