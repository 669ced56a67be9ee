"""A background job as its owner sees it: what it is, how far it got, and its result for download."""

from __future__ import annotations

from django.db import models

from interlocal.vocab import JobStatus


class Job(models.Model):
    """One piece of long work (a plan PDF, a large import) run by the worker, with progress and result."""

    owner = models.ForeignKey(
        "governments.Person",
        # A job and its result are the owner's alone; they go when the account goes.
        on_delete=models.CASCADE,
        related_name="jobs",
        help_text="Who asked for the work; only they see its progress and download its result.",
    )
    kind = models.CharField(max_length=60, help_text="Which runner does the work, e.g. import.")
    title = models.CharField(
        max_length=200, help_text="What the job does, in words, e.g. Import places.geojson."
    )
    params = models.JSONField(default=dict, blank=True, help_text="The runner's inputs.")
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, help_text="Where the job stands."
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="How far the job got, 0 to 100.")
    message = models.CharField(max_length=500, blank=True, help_text="The latest step, or why it failed.")
    result = models.BinaryField(null=True, blank=True, help_text="The file the job produced, if any.")
    result_name = models.CharField(max_length=200, blank=True, help_text="The result's file name.")
    result_type = models.CharField(max_length=100, blank=True, help_text="The result's content type.")
    link = models.CharField(max_length=300, blank=True, help_text="A page to go on to when done, if any.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The django-tasks result id.")
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the job was asked for.")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When it finished or failed.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        """Whether the job is done or failed (the progress bar stops polling)."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
