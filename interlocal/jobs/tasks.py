"""The one django-tasks task: run a recorded job by its kind's runner, reporting progress on the Job row."""

from __future__ import annotations

import logging

from django_tasks import task

from interlocal.jobs import actions
from interlocal.jobs.models import Job
from interlocal.jobs.runners import RUNNERS
from interlocal.vocab import JobStatus

log = logging.getLogger(__name__)


@task()
def run_job(job_pk: int) -> str:
    """Run the job; any error fails it with a one-line reason instead of leaving it running."""
    job = Job.objects.select_related("owner").get(pk=job_pk)
    if job.status != JobStatus.QUEUED:
        return job.status  # already run (a retry, or the immediate backend): nothing to do
    owner = job.owner
    actions.job_progress(acting_user=owner, job=job, progress=0, message="Started")

    def report(progress: int, message: str) -> None:
        actions.job_progress(acting_user=owner, job=job, progress=progress, message=message)

    try:
        result = RUNNERS[job.kind](owner, dict(job.params), report)
    except Exception as exc:  # the owner reads why; the log keeps the traceback
        log.exception("job %s (%s) failed", job.pk, job.kind)
        actions.job_fail(acting_user=owner, job=job, reason=f"{type(exc).__name__}: {exc}")
        return JobStatus.FAILED
    actions.job_finish(acting_user=owner, job=job, result=result)
    return JobStatus.DONE
