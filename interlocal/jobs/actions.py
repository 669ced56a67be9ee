"""Writes to jobs: ask for one (queued for the worker after commit), report progress, finish or fail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from interlocal import access
from interlocal.audit.actions import audit_record
from interlocal.governments.models import Person
from interlocal.jobs.models import Job
from interlocal.jobs.runners import RUNNERS, Result
from interlocal.vocab import JobStatus


@transaction.atomic
def job_create(*, acting_user: Person, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Record a job for the user and hand it to the task backend once the record is committed."""
    access.require(acting_user, "jobs.add_job", None, "You may not start background work.")
    if kind not in RUNNERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(owner=acting_user, kind=kind, title=title[:200], params=params or {})
    audit_record(acting_user=acting_user, verb="job_create", obj=job, changes={"kind": (None, kind)})
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_pk: int) -> None:
    from interlocal.jobs.tasks import run_job

    result = run_job.enqueue(job_pk)
    # The immediate backend has already run the job, which set its own fields: only the id is written.
    Job.objects.filter(pk=job_pk).update(task_id=str(result.id)[:64])


def job_progress(*, acting_user: Person, job: Job, progress: int, message: str) -> None:
    """Record how far a running job got (written at once, outside any transaction, for the progress bar)."""
    access.require(acting_user, "jobs.view_job", job, "This job is not yours.")
    job.progress = max(0, min(100, progress))
    job.message = message[:500]
    job.status = JobStatus.RUNNING
    Job.objects.filter(pk=job.pk).update(progress=job.progress, message=job.message, status=job.status)


@transaction.atomic
def job_finish(*, acting_user: Person, job: Job, result: Result) -> Job:
    """Keep the job's result for its owner to download."""
    access.require(acting_user, "jobs.view_job", job, "This job is not yours.")
    job.status = JobStatus.DONE
    job.progress = 100
    job.message = result.message[:500]
    job.result = result.data or None
    job.result_name = result.name
    job.result_type = result.content_type
    job.link = result.link
    job.finished_at = timezone.now()
    job.save()
    audit_record(acting_user=acting_user, verb="job_finish", obj=job, changes={"status": ("running", "done")})
    return job


@transaction.atomic
def job_fail(*, acting_user: Person, job: Job, reason: str) -> Job:
    """Mark the job failed with a reason its owner can read."""
    access.require(acting_user, "jobs.view_job", job, "This job is not yours.")
    job.status = JobStatus.FAILED
    job.message = reason[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    audit_record(acting_user=acting_user, verb="job_fail", obj=job, changes={"status": ("running", "failed")})
    return job
