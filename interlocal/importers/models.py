"""Records of the importers: the state of each government's Legistar sync."""

from __future__ import annotations

import datetime as dt

from django.db import models

from interlocal.importers.legistar_client import DEFAULT_BASE_URL
from interlocal.vocab import SyncStatus

# A run stores a page at least this often; one marked running whose last page is older died without a word.
RUN_LEASE_MINUTES = 60


class LegistarSync(models.Model):
    """One government's sync from one Legistar client: its schedule, last run and resumable cursor.

    The cursor (`cursor`) and the high-water marks (`high_water`) are written in the same transaction as the
    page of records they describe, so an interrupted run resumes at the next page and never stores a page twice.
    """

    government = models.ForeignKey(
        "governments.Government",
        # The sync state means nothing without its government; it holds no legal record itself.
        on_delete=models.CASCADE,
        related_name="legistar_syncs",
        help_text="The government whose council publishes through this Legistar client.",
    )
    client = models.CharField(
        max_length=80, help_text="Legistar client name, the {client} of webapi.legistar.com/v1/{client}/."
    )
    base_url = models.URLField(
        max_length=300,
        blank=True,
        help_text=f"Legistar Web API base URL; empty for the setting INTERLOCAL_LEGISTAR_BASE_URL or {DEFAULT_BASE_URL}.",
    )
    enabled = models.BooleanField(
        default=False, help_text="Run this sync on schedule (`interlocal legistar sync --all` from cron)."
    )
    interval_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text="Minutes between scheduled runs, counted from the end of the last one."
    )
    high_water = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per record kind, the LastModifiedUtc up to which every record is stored (ISO, UTC).",
    )
    cursor = models.JSONField(
        default=dict,
        blank=True,
        help_text="The unfinished run: its filters, the kind in progress and how many of its rows are stored.",
    )
    status = models.CharField(
        max_length=16,
        choices=SyncStatus.choices,
        default=SyncStatus.NEVER,
        help_text="How the last run went.",
    )
    last_started_at = models.DateTimeField(null=True, blank=True, help_text="When the last run started.")
    last_finished_at = models.DateTimeField(null=True, blank=True, help_text="When the last run ended.")
    last_success_at = models.DateTimeField(null=True, blank=True, help_text="When a run last completed.")
    last_error = models.TextField(blank=True, help_text="The one-line error of the last failed run.")
    last_counts = models.JSONField(
        default=dict, blank=True, help_text="Records fetched per kind and requests made by the last run."
    )

    class Meta:
        ordering = ["government__name", "client"]
        constraints = [
            models.UniqueConstraint(fields=["government", "client"], name="legistar_sync_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client} for {self.government_id}"

    def is_running(self, now: dt.datetime) -> bool:
        """A run holds the sync: marked running, with a page (or its start) stored within the lease."""
        beat = (self.cursor or {}).get("heartbeat")
        if self.status != SyncStatus.RUNNING or not isinstance(beat, str):
            return False
        return now - dt.datetime.fromisoformat(beat) < dt.timedelta(minutes=RUN_LEASE_MINUTES)

    def is_due(self, now: dt.datetime) -> bool:
        """Enabled, not running, and its interval has passed since the last run ended (or it never ran)."""
        if not self.enabled or self.is_running(now):
            return False
        if self.last_finished_at is None or self.cursor:
            return True
        return now >= self.last_finished_at + dt.timedelta(minutes=self.interval_minutes)
