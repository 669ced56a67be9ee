"""Cost-sharing scenarios (inputs, computed results, adoption) and the savings ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from interlocal.conflicts import Versioned
from interlocal.costshare.choices import CostModel, Recurrence, ScenarioStatus


class Scenario(Versioned):
    """One way of splitting a shared service's annual cost among partners, compared across methods."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # A scenario is a financial record of the collaborative.
        on_delete=models.PROTECT,
        related_name="costshare_scenarios",
        help_text="The collaborative whose partners share the cost.",
    )
    agreement_version = models.ForeignKey(
        "agreements.AgreementVersion",
        null=True,
        blank=True,
        # The split a version adopts is part of its financial record.
        on_delete=models.PROTECT,
        related_name="costshare_scenarios",
        help_text="The agreement version whose costs this scenario splits (or give an initiative).",
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        # Scenarios of an initiative are financial records kept with it.
        on_delete=models.PROTECT,
        related_name="costshare_scenarios",
        help_text="The initiative whose costs this scenario splits (or give an agreement version).",
    )
    name = models.CharField(max_length=200, help_text="A short name, e.g. 'FY2025 dispatch, 60/40 hybrid'.")
    description = models.TextField(blank=True, help_text="What the scenario assumes (Markdown).")
    service = models.CharField(
        max_length=200,
        blank=True,
        help_text="The shared service whose cost is split, e.g. 911 dispatch; a version or initiative keeps one "
        "adopted split per service and fiscal year.",
    )
    fiscal_year = models.PositiveSmallIntegerField(help_text="The fiscal year billed, e.g. 2025.")
    cost_model = models.CharField(
        max_length=16, choices=CostModel.choices, help_text="How the cost of each group of partners is known."
    )
    total_cost = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Total annual cost of the shared service (total model). Any smaller group is assumed to "
        "cost the sum of its members' stand-alone costs.",
    )
    fixed_cost = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text="Formula: cost charged once to any group (facility, licences).",
    )
    coefficient = models.DecimalField(
        max_digits=20, decimal_places=6, default=Decimal(0), help_text="Formula: b in b * D^exponent."
    )
    exponent = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        default=Decimal(1),
        help_text="Formula: k in b * D^k; below 1 means economies of scale.",
    )
    capacity = models.DecimalField(
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Formula: driver units one capacity step serves, e.g. calls per console.",
    )
    unit_cost = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal(0), help_text="Formula: cost of one capacity step."
    )
    formula_driver = models.CharField(
        max_length=60, blank=True, help_text="Formula: the driver D sums (its rolling average where set)."
    )
    proportional_driver = models.CharField(
        max_length=60,
        blank=True,
        help_text="Driver for the proportional method; empty for the formula driver or stand-alone costs.",
    )
    methods = models.JSONField(default=list, help_text="Allocation methods compared, in display order.")
    status = models.CharField(
        max_length=16,
        choices=ScenarioStatus.choices,
        default=ScenarioStatus.DRAFT,
        help_text="Draft until computed; adopted scenarios never change again.",
    )
    inputs = models.JSONField(
        null=True, blank=True, help_text="The exact problem given to the engine at the last computation."
    )
    results = models.JSONField(null=True, blank=True, help_text="The engine's results for those inputs.")
    partner_ids = models.JSONField(
        default=dict, blank=True, help_text="Partner name in inputs -> government id, at computation."
    )
    engine_version = models.CharField(
        max_length=20, blank=True, help_text="ENGINE_VERSION of the engine that computed the results."
    )
    computed_at = models.DateTimeField(null=True, blank=True, help_text="When the results were computed.")
    adopted_method = models.CharField(
        max_length=20, blank=True, help_text="The method whose split was adopted."
    )
    adopted_at = models.DateTimeField(null=True, blank=True, help_text="When the scenario was adopted.")
    adopted_by = models.ForeignKey(
        "governments.Person",
        null=True,
        blank=True,
        # Who adopted a bill stays on record.
        on_delete=models.PROTECT,
        related_name="adopted_scenarios",
        help_text="Who marked the scenario adopted.",
    )
    created_by = models.ForeignKey(
        "governments.Person",
        null=True,
        blank=True,
        # The author of a financial record stays on record.
        on_delete=models.PROTECT,
        related_name="created_scenarios",
        help_text="Who created the scenario.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the scenario was created.")

    class Meta:
        ordering = ["-fiscal_year", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement_version__isnull=False, initiative__isnull=True)
                | Q(agreement_version__isnull=True, initiative__isnull=False),
                name="scenario_for_version_or_initiative",
            ),
            # One adopted split per subject, service (in any letter case) and fiscal year.
            models.UniqueConstraint(
                F("agreement_version"),
                Lower("service"),
                F("fiscal_year"),
                condition=Q(status="adopted", agreement_version__isnull=False),
                name="one_adopted_split_per_version_service_year",
            ),
            models.UniqueConstraint(
                F("initiative"),
                Lower("service"),
                F("fiscal_year"),
                condition=Q(status="adopted", initiative__isnull=False),
                name="one_adopted_split_per_initiative_service_year",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_frozen(self) -> bool:
        """Adopted (and later superseded) scenarios are immutable."""
        return self.status in (ScenarioStatus.ADOPTED, ScenarioStatus.SUPERSEDED)

    @property
    def subject(self) -> Any:
        """The agreement version or initiative the scenario is for."""
        return self.agreement_version or self.initiative


class ScenarioPartner(models.Model):
    """A government sharing the cost in a scenario."""

    scenario = models.ForeignKey(
        Scenario,
        # Partners are part of the scenario's financial record.
        on_delete=models.PROTECT,
        related_name="partners",
        help_text="The scenario.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # A government billed in a scenario stays on record.
        on_delete=models.PROTECT,
        related_name="costshare_partnerships",
        help_text="The partner government.",
    )
    standalone_cost = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the service would cost this government alone (total model).",
    )
    dedicated_cost = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text="Formula: cost of equipment only this partner uses.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in tables and charts.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "government"], name="scenario_partner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.government} in {self.scenario}"


class ScenarioDriver(models.Model):
    """A cost driver of a scenario, e.g. population or call volume, with its hybrid weight."""

    scenario = models.ForeignKey(
        Scenario,
        # Drivers are inputs of the scenario's financial record.
        on_delete=models.PROTECT,
        related_name="drivers",
        help_text="The scenario.",
    )
    name = models.SlugField(max_length=60, help_text="Short name used in formulas, e.g. calls.")
    label = models.CharField(max_length=200, blank=True, help_text="What it measures and its source.")
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal(0),
        help_text="Weight in the hybrid method (the weights of a scenario sum to 1); 0 leaves it out.",
    )
    periods = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Average the last this many periods (rolling average); empty uses the latest period.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in tables.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["scenario", "name"], name="scenario_driver_unique")]

    def __str__(self) -> str:
        return self.name


class DriverValue(models.Model):
    """One partner's value of one driver in one period."""

    driver = models.ForeignKey(
        ScenarioDriver,
        # Values are inputs of the scenario's financial record.
        on_delete=models.PROTECT,
        related_name="values",
        help_text="The driver.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # The measured government stays on record.
        on_delete=models.PROTECT,
        related_name="costshare_driver_values",
        help_text="The partner measured.",
    )
    period = models.CharField(
        max_length=20, help_text="Period measured, sortable as text: 2020, 2024Q1, 2024-07."
    )
    value = models.DecimalField(max_digits=20, decimal_places=4, help_text="The measured value.")

    class Meta:
        ordering = ["driver_id", "government_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["driver", "government", "period"], name="driver_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.driver} {self.government} {self.period}"


class SavingsEntry(Versioned):
    """A government's baseline cost and projected and actual saving from an initiative in one fiscal year."""

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        # Savings claims are financial records of the initiative.
        on_delete=models.PROTECT,
        related_name="savings_entries",
        help_text="The initiative that produced the saving.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # The government whose budget saved stays on record.
        on_delete=models.PROTECT,
        related_name="savings_entries",
        help_text="The government whose costs fell.",
    )
    fiscal_year = models.PositiveSmallIntegerField(help_text="The government's fiscal year, e.g. 2025.")
    recurrence = models.CharField(
        max_length=16, choices=Recurrence.choices, help_text="Whether the saving recurs each year."
    )
    baseline_cost = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="What the service cost before the initiative."
    )
    projected_saving = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="The saving expected for the year."
    )
    actual_saving = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The saving realised; empty until the year's books close.",
    )
    evidence_url = models.URLField(
        max_length=500, blank=True, help_text="Where the evidence (budget, audit, invoice) is published."
    )
    note = models.TextField(blank=True, help_text="How the figures were worked out.")
    certified_by = models.ForeignKey(
        "governments.Person",
        null=True,
        blank=True,
        # Who certified a saving stays on record.
        on_delete=models.PROTECT,
        related_name="certified_savings",
        help_text="The coordinator or finance officer who certified the figures.",
    )
    certified_at = models.DateTimeField(null=True, blank=True, help_text="When the figures were certified.")
    created_by = models.ForeignKey(
        "governments.Person",
        null=True,
        blank=True,
        # The author of a financial record stays on record.
        on_delete=models.PROTECT,
        related_name="created_savings",
        help_text="Who entered the figures.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the figures were entered.")

    class Meta:
        ordering = ["-fiscal_year", "government__name", "id"]
        verbose_name_plural = "savings entries"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "government", "fiscal_year", "recurrence"], name="savings_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.government} FY{self.fiscal_year}: {self.initiative}"

    @property
    def is_certified(self) -> bool:
        """Whether a coordinator or finance officer has certified the figures."""
        return self.certified_at is not None
