"""Scoped reads of jobs: a job is its owner's alone."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from interlocal.jobs.models import Job


def get_job_for_user(user: Any, pk: int) -> Job:
    """The user's own job, or 404 whether it is missing or someone else's."""
    if not getattr(user, "is_authenticated", False):
        raise_404 = Job.objects.none()
        return get_object_or_404(raise_404, pk=pk)
    return get_object_or_404(Job.objects.filter(owner=user).defer("result"), pk=pk)


def get_job_result_for_user(user: Any, pk: int) -> Job:
    """The user's own job with its result bytes, or 404."""
    job = get_job_for_user(user, pk)
    return get_object_or_404(Job.objects.filter(pk=job.pk, result__isnull=False))
