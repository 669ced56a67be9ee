"""Initiatives: plan recommendations and shared-service initiatives, with every field of a plan page."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from interlocal.conflicts import Versioned
from interlocal.vocab import (
    CostBand,
    InitiativeStatus,
    InitiativeType,
    PartnerRole,
    Stage,
    TermKind,
    TimelineBand,
)


class Plan(Versioned):
    """An ordered set of recommendations, e.g. a county comprehensive plan or a collaborative's work plan."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # A plan is part of its collaborative's record.
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The collaborative or planning body that owns the plan.",
    )
    name = models.CharField(max_length=200, help_text="The plan's title.")
    slug = models.SlugField(max_length=200, unique=True, help_text="The name in web addresses.")
    adopted_on = models.DateField(null=True, blank=True, help_text="When the plan was adopted.")
    url = models.URLField(blank=True, help_text="Where the plan is published.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Term(Versioned):
    """A value of an extensible vocabulary: plan goal, topic area, geographic scale, key issue or funding source."""

    kind = models.CharField(max_length=32, choices=TermKind.choices, help_text="Which vocabulary this is in.")
    name = models.CharField(max_length=200, help_text="The label shown to readers.")
    slug = models.SlugField(max_length=200, help_text="The label in web addresses and filters.")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="term_kind_slug_unique")]

    def __str__(self) -> str:
        return self.name


class Initiative(Versioned):
    """A recommendation or shared-service initiative."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # Initiatives are the collaborative's history; it cannot be removed under them.
        on_delete=models.PROTECT,
        related_name="initiatives",
        help_text="The collaborative that owns this initiative.",
    )
    plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        # Removing a plan must not silently orphan its recommendations.
        on_delete=models.PROTECT,
        related_name="initiatives",
        help_text="The plan this recommendation belongs to, if any.",
    )
    plan_position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Order within the plan; previous and next follow it."
    )
    code = models.CharField(max_length=40, blank=True, help_text="The plan's code, e.g. LR.33.")
    title = models.CharField(max_length=300, help_text="Short title.")
    description = models.TextField(blank=True, help_text="What the initiative is (Markdown).")
    status = models.CharField(
        max_length=32,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.NEW,
        help_text="Recommendation status as the plan reports it.",
    )
    is_project = models.BooleanField(default=False, help_text="Type includes Project.")
    is_partnership = models.BooleanField(default=False, help_text="Type includes Partnership.")
    is_policy = models.BooleanField(default=False, help_text="Type includes Policy.")
    terms = models.ManyToManyField(
        Term,
        blank=True,
        related_name="initiatives",
        help_text="Topic areas, geographic scales, key issues and funding sources.",
    )
    equity_considerations = models.TextField(blank=True, help_text="Equity considerations (Markdown).")
    sustainability_considerations = models.TextField(
        blank=True, help_text="Sustainability considerations (Markdown)."
    )
    cost_band = models.CharField(
        max_length=16, choices=CostBand.choices, blank=True, help_text="Cost band; empty when unknown."
    )
    cost_estimate = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Estimated cost in dollars."
    )
    timeline_band = models.CharField(
        max_length=16,
        choices=TimelineBand.choices,
        blank=True,
        help_text="Timeline band; empty when unknown.",
    )
    start_on = models.DateField(null=True, blank=True, help_text="Planned or actual start.")
    end_on = models.DateField(null=True, blank=True, help_text="Planned or actual end.")
    tracking_implementation = models.TextField(blank=True, help_text="How implementation is tracked.")
    tracking_success = models.JSONField(
        default=list, blank=True, help_text="Measures of success, one sentence each."
    )
    if_overperforming = models.TextField(blank=True, help_text="What to do when measures overperform.")
    if_underperforming = models.TextField(blank=True, help_text="What to do when measures underperform.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Accountability is reassigned, never lost by removing an account.
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
        help_text="The one person accountable for this initiative.",
    )
    services = models.TextField(blank=True, help_text="The services it concerns (free text for now).")
    is_published = models.BooleanField(default=False, help_text="Shown on the public portal.")
    updated_at = models.DateTimeField(auto_now=True, help_text="Last change.")
    stage = models.CharField(
        max_length=16,
        choices=Stage.choices,
        default=Stage.IDEA,
        help_text="Where the initiative is in the pipeline.",
    )
    stage_changed_at = models.DateTimeField(null=True, blank=True, help_text="When the stage last changed.")
    last_progress_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone last reported progress or moved the stage."
    )
    update_every_days = models.PositiveSmallIntegerField(
        "update every N days",
        default=90,
        help_text="How often the owner must report progress; overdue after this many days.",
    )

    class Meta:
        ordering = ["plan_id", "plan_position", "code", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"], condition=~models.Q(code=""), name="initiative_plan_code_unique"
            )
        ]
        # Imports and the API find initiatives by code across plans.
        indexes = [
            models.Index(fields=["code"], name="initiative_code_idx"),
            # The home page lists the most recently updated initiatives.
            models.Index(fields=["-updated_at"], name="initiative_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def types(self) -> list[str]:
        """The selected types, in the plan page's order."""
        flags = [self.is_project, self.is_partnership, self.is_policy]
        return [t for t, on in zip(InitiativeType.values, flags, strict=True) if on]

    def terms_of(self, kind: str) -> list[Term]:
        """Return this initiative's terms of one vocabulary (uses prefetched terms)."""
        return [t for t in self.terms.all() if t.kind == kind]

    def partners_of(self, role: str) -> list[InitiativePartner]:
        """Return partners with the given role (uses prefetched partners)."""
        return [p for p in self.partners.all() if p.role == role]


class InitiativePartner(Versioned):
    """A government's part in an initiative: lead, supporting or participating."""

    initiative = models.ForeignKey(
        Initiative,
        # A partner row means nothing without its initiative.
        on_delete=models.CASCADE,
        related_name="partners",
        help_text="The initiative.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # A government named in initiatives stays on record.
        on_delete=models.PROTECT,
        related_name="initiative_roles",
        help_text="The partner government or department.",
    )
    role = models.CharField(max_length=16, choices=PartnerRole.choices, help_text="The partner's part.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order as listed on the plan page.")

    class Meta:
        ordering = ["role", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "government", "role"], name="initiative_partner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.government} ({self.get_role_display()})"


class StageGate(Versioned):
    """What must hold for an initiative of a collaborative to enter a stage (overrides the defaults)."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # Gates are the collaborative's rules; they go only with it.
        on_delete=models.CASCADE,
        related_name="stage_gates",
        help_text="The collaborative whose rule this is.",
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, help_text="The stage being entered.")
    conditions = models.JSONField(
        default=list, blank=True, help_text="Condition codes that must all hold (see initiatives.gates)."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collaborative", "stage"], name="stage_gate_unique")]

    def __str__(self) -> str:
        return f"{self.collaborative}: entering {self.get_stage_display()}"


class StageTransition(models.Model):
    """One move of an initiative through the pipeline: who, when, why."""

    initiative = models.ForeignKey(
        Initiative,
        # The timeline is part of the initiative's history.
        on_delete=models.PROTECT,
        related_name="transitions",
        help_text="The initiative moved.",
    )
    from_stage = models.CharField(max_length=16, choices=Stage.choices, help_text="Stage before the move.")
    to_stage = models.CharField(max_length=16, choices=Stage.choices, help_text="Stage after the move.")
    at = models.DateTimeField(help_text="When the move was made.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Who moved an initiative stays on record.
        on_delete=models.PROTECT,
        related_name="stage_transitions",
        help_text="Who made the move.",
    )
    reason = models.TextField(help_text="Why the move was made.")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.from_stage} -> {self.to_stage}"


class ProgressNote(models.Model):
    """A progress report on an initiative."""

    initiative = models.ForeignKey(
        Initiative,
        # Progress reports are part of the initiative's history.
        on_delete=models.PROTECT,
        related_name="progress_notes",
        help_text="The initiative reported on.",
    )
    at = models.DateTimeField(help_text="When it was reported.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The reporter stays on record.
        on_delete=models.PROTECT,
        related_name="progress_notes",
        help_text="Who reported.",
    )
    text = models.TextField(help_text="What happened since the last report.")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.initiative} progress {self.at:%Y-%m-%d}"


class CriteriaSet(Versioned):
    """A versioned set of evaluation criteria: a collaborative's organizing principles."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # Criteria and the scores under them are the collaborative's record.
        on_delete=models.PROTECT,
        related_name="criteria_sets",
        help_text="The collaborative that evaluates with these criteria.",
    )
    version = models.PositiveSmallIntegerField(help_text="1, 2, ...: a change of criteria is a new version.")
    name = models.CharField(max_length=200, help_text="e.g. Organizing principles 2021.")
    scale_min = models.SmallIntegerField(default=1, help_text="Lowest score on the scale.")
    scale_max = models.SmallIntegerField(default=5, help_text="Highest score on the scale.")
    is_current = models.BooleanField(
        default=True, help_text="Members score against the current version only."
    )
    scores_hidden = models.BooleanField(
        default=False,
        help_text="Members see only their own government's scores until the coordinator reveals them.",
    )

    class Meta:
        ordering = ["collaborative_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "version"], name="criteria_set_version_unique"),
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="criteria_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Criterion(Versioned):
    """One evaluation criterion with its weight."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        # A criterion belongs to exactly one version of the set.
        on_delete=models.PROTECT,
        related_name="criteria",
        help_text="The version this criterion belongs to.",
    )
    name = models.CharField(max_length=120, help_text="e.g. Savings, Equity, Feasibility.")
    description = models.TextField(blank=True, help_text="What a high score means.")
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, help_text="Relative weight; weights need not sum to 1."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")

    class Meta:
        ordering = ["criteria_set_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Score(Versioned):
    """A member government's score of one initiative on one criterion."""

    criterion = models.ForeignKey(
        Criterion,
        # Scores keep the criterion they were given under, so old scores stay interpretable.
        on_delete=models.PROTECT,
        related_name="scores",
        help_text="The criterion scored.",
    )
    initiative = models.ForeignKey(
        Initiative,
        # Scores are part of the initiative's evaluation record.
        on_delete=models.PROTECT,
        related_name="scores",
        help_text="The initiative scored.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # A government's scores stay on record.
        on_delete=models.PROTECT,
        related_name="scores",
        help_text="The member government whose score this is.",
    )
    value = models.SmallIntegerField(help_text="The score on the set's scale.")
    comment = models.TextField(blank=True, help_text="Why this score.")
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The scorer stays on record.
        on_delete=models.PROTECT,
        related_name="scores",
        help_text="Who entered the score.",
    )
    scored_at = models.DateTimeField(help_text="When the score was entered or last changed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "initiative", "government"], name="score_once")
        ]

    def __str__(self) -> str:
        return f"{self.government} {self.criterion}={self.value} for {self.initiative}"


class RankingSnapshot(models.Model):
    """A ranking frozen for a decision meeting, with the engine version that computed it."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        # A frozen ranking is evidence for a decision.
        on_delete=models.PROTECT,
        related_name="snapshots",
        help_text="The criteria version ranked under.",
    )
    label = models.CharField(max_length=200, help_text="e.g. Steering committee, 2026-12-01.")
    frozen_at = models.DateTimeField(help_text="When it was frozen.")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The coordinator who froze it stays on record.
        on_delete=models.PROTECT,
        related_name="ranking_snapshots",
        help_text="Who froze it.",
    )
    engine_version = models.CharField(max_length=20, help_text="Scoring engine version.")
    rows = models.JSONField(help_text="The ranking as computed: initiative, score, spread, missing.")

    class Meta:
        ordering = ["-frozen_at"]

    def __str__(self) -> str:
        return self.label
