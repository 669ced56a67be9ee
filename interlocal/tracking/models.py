"""Key performance indicators, their measurements, and the responses they trigger."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from interlocal.conflicts import Versioned
from interlocal.vocab import Direction, KpiStatus


class Kpi(Versioned):
    """A measure of an initiative's success, with baseline and target."""

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        # A KPI is part of its initiative's record.
        on_delete=models.PROTECT,
        related_name="kpis",
        help_text="The initiative measured.",
    )
    name = models.CharField(max_length=200, help_text="What is measured, e.g. Average radio repair time.")
    unit = models.CharField(max_length=40, help_text="e.g. days, dollars, percent.")
    direction = models.CharField(max_length=8, choices=Direction.choices, help_text="Which way is better.")
    baseline = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Starting value."
    )
    baseline_on = models.DateField(null=True, blank=True, help_text="When the baseline was measured.")
    target = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Value aimed for."
    )
    target_on = models.DateField(null=True, blank=True, help_text="When the target should be reached.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Reassign ownership rather than lose it with an account.
        on_delete=models.PROTECT,
        related_name="kpis",
        help_text="The person who enters measurements.",
    )
    update_every_days = models.PositiveSmallIntegerField(
        "update every N days", default=90, help_text="How often a measurement is due, in days."
    )
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, default=1, help_text="Weight in the initiative's progress roll-up."
    )
    status = models.CharField(
        max_length=16,
        choices=KpiStatus.choices,
        default=KpiStatus.NO_DATA,
        help_text="Status at the last measurement.",
    )

    class Meta:
        ordering = ["initiative_id", "name"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"

    def __str__(self) -> str:
        return self.name

    @property
    def has_baseline(self) -> bool:
        """Whether baseline and its date are known."""
        return self.baseline is not None and self.baseline_on is not None

    def next_due_on(self, last_measured_on: dt.date | None) -> dt.date | None:
        """When the next measurement is due."""
        start = last_measured_on or self.baseline_on
        return None if start is None else start + dt.timedelta(days=self.update_every_days)


class Measurement(models.Model):
    """A KPI's value on a date."""

    kpi = models.ForeignKey(
        Kpi,
        # Measurements are the KPI's history.
        on_delete=models.PROTECT,
        related_name="measurements",
        help_text="The KPI measured.",
    )
    measured_on = models.DateField(help_text="The date the value refers to.")
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="The measured value.")
    note = models.TextField(blank=True, help_text="Context for the value.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Who entered a figure stays on record.
        on_delete=models.PROTECT,
        related_name="measurements",
        help_text="Who entered it.",
    )
    entered_at = models.DateTimeField(help_text="When it was entered.")

    class Meta:
        ordering = ["kpi_id", "measured_on", "id"]

    def __str__(self) -> str:
        return f"{self.kpi} {self.measured_on}: {self.value}"


class ResponseTrigger(models.Model):
    """A record that a KPI's status triggered the initiative's over- or underperforming response."""

    kpi = models.ForeignKey(
        Kpi,
        # Triggers are part of the KPI's history.
        on_delete=models.PROTECT,
        related_name="triggers",
        help_text="The KPI whose status triggered the response.",
    )
    measurement = models.ForeignKey(
        Measurement,
        # The measurement that triggered it stays with it.
        on_delete=models.PROTECT,
        related_name="triggers",
        help_text="The measurement that triggered it.",
    )
    status = models.CharField(max_length=16, choices=KpiStatus.choices, help_text="Over- or underperforming.")
    response = models.TextField(help_text="The initiative's planned response at the time.")
    triggered_at = models.DateTimeField(help_text="When it was triggered.")

    class Meta:
        ordering = ["-triggered_at"]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.get_status_display()}"
