"""A job's page: a progress bar htmx refreshes every second until the job ends, then a download link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interlocal.jobs.queries import get_job_for_user, get_job_result_for_user


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job with its progress bar (the bar alone is re-fetched by htmx while the job runs)."""
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial; once the job has ended it no longer asks to be polled."""
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/_progress.html", {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's result as a file, to its owner only."""
    job = get_job_result_for_user(request.user, pk)
    response = HttpResponse(
        bytes(job.result or b""), content_type=job.result_type or "application/octet-stream"
    )
    name = job.result_name.replace('"', "") or f"job-{job.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
