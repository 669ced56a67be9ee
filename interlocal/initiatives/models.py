"""Initiatives: plan recommendations and shared-service initiatives, with every field of a plan page."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from interlocal.vocab import CostBand, InitiativeStatus, InitiativeType, PartnerRole, TermKind, TimelineBand


class Plan(models.Model):
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


class Term(models.Model):
    """A value of an extensible vocabulary: topic area, geographic scale, key issue or funding source."""

    kind = models.CharField(max_length=32, choices=TermKind.choices, help_text="Which vocabulary this is in.")
    name = models.CharField(max_length=200, help_text="The label shown to readers.")
    slug = models.SlugField(max_length=200, help_text="The label in web addresses and filters.")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="term_kind_slug_unique")]

    def __str__(self) -> str:
        return self.name


class Initiative(models.Model):
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

    class Meta:
        ordering = ["plan_id", "plan_position", "code", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"], condition=~models.Q(code=""), name="initiative_plan_code_unique"
            )
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


class InitiativePartner(models.Model):
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
