"""Background jobs: queued in the database, run by the worker loop in-process, followed by a progress bar
polled by htmx, and the result downloaded by its owner only. No sleeping: the worker runs once (--batch)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from interlocal.governments.models import Boundary
from interlocal.importers.tests.helpers import shared
from interlocal.jobs.actions import job_create
from interlocal.jobs.models import Job
from interlocal.testkit import World
from interlocal.vocab import JobStatus

# The worker closes its database connections between tasks, as a real one must; on PostgreSQL that would end a
# test's wrapping transaction, so these tests commit for real and the database is flushed after each.
pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _work() -> None:
    # The worker loop itself, once: it takes every queued task from the database and then stops.
    call_command("worker", batch=True, interval=0)


def test_it_shows_a_polling_bar_until_the_worker_runs_then_a_download(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = job_create(acting_user=world.clerk, kind="selftest", title="Count", params={"steps": 3})
    client = client_for(world.clerk)
    waiting = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in waiting and f'hx-get="/jobs/{job.pk}/progress/"' in waiting
    assert 'value="0"' in waiting and "Download" not in waiting

    _work()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100 and job.message == "Counted to 3."
    done = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in done and 'value="100"' in done
    assert f'href="/jobs/{job.pk}/download/"' in done
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and "Download selftest.txt" in page.content.decode()
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.content == b"step 1\nstep 2\nstep 3\n"
    assert download["Content-Disposition"] == 'attachment; filename="selftest.txt"'


def test_it_keeps_a_job_and_its_result_to_its_owner(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = job_create(acting_user=world.clerk, kind="selftest", title="Count")
    _work()
    for user in (world.coordinator, world.outsider, world.admin):
        client = client_for(user)
        for path in ("", "progress/", "download/"):
            assert client.get(f"/jobs/{job.pk}/{path}").status_code == 404, (user, path)
    assert Client().get(f"/jobs/{job.pk}/download/").status_code == 302  # to the sign-in page


def test_it_fails_a_job_with_a_reason_its_owner_can_read(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = job_create(acting_user=world.clerk, kind="selftest", title="Count", params={"steps": "many"})
    _work()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "ValueError" in job.message
    body = client_for(world.clerk).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "The job failed" in body and "hx-trigger" not in body
    assert client_for(world.clerk).get(f"/jobs/{job.pk}/download/").status_code == 404


def test_it_runs_a_job_inside_the_request_with_the_immediate_backend(
    world: World, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = job_create(acting_user=world.clerk, kind="selftest", title="Count", params={"steps": 2})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and bytes(job.result or b"") == b"step 1\nstep 2\n"
    assert job.task_id


@pytest.fixture
def _small_threshold(settings: object, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    settings.IMPORT_BACKGROUND_BYTES = 1000  # type: ignore[attr-defined]


def _census_upload() -> dict[str, object]:
    data = shared("data", "missouri", "jackson_county_area_incorporated_places.geojson").read_bytes()
    return {"source": "census-boundaries", "file": SimpleUploadedFile("places.geojson", data)}


@pytest.mark.usefixtures("_small_threshold")
def test_it_checks_then_applies_a_large_import_in_the_background(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    # The administrator: the file updates governments of other members, which only they may edit.
    client = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        checking = client.post("/import/", _census_upload())
    assert checking.status_code == 302
    job = Job.objects.get(pk=int(re.findall(r"/jobs/(\d+)/", checking["Location"])[0]))
    assert job.kind == "import" and job.params["dry_run"] is True and job.status == JobStatus.QUEUED
    _work()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert "Would import places.geojson" in job.message and not Boundary.objects.exists()
    done = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert 'id="job-apply"' in done and "Download places-preview.txt" in done

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        applying = client.post("/import/apply/", {"token": job.params["token"]})
    assert applying.status_code == 302
    _work()
    applied = Job.objects.get(pk=int(re.findall(r"/jobs/(\d+)/", applying["Location"])[0]))
    assert applied.status == JobStatus.DONE and "Imported places.geojson" in applied.message
    assert Boundary.objects.count() == 19
    report = bytes(applied.result or b"").decode()
    assert "boundary" in report and json.loads(Boundary.objects.first().geojson)["type"] == "MultiPolygon"  # type: ignore[union-attr]


def test_it_keeps_a_small_import_synchronous(world: World, settings: object, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    response = client_for(world.coordinator).post("/import/", _census_upload())
    assert response.status_code == 200 and "Preview of places.geojson" in response.content.decode()
    assert not Job.objects.exists()


def test_it_makes_a_plan_pdf_and_word_file_in_the_background(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    from pypdf import PdfReader

    from interlocal.reports.models import PlanVersion
    from interlocal.reports.tests.test_plans import _plan

    _, version = _plan(world)
    assert isinstance(version, PlanVersion)
    client = client_for(world.clerk)
    page = client.get(f"/plans/{version.plan_id}/v{version.number}/").content.decode()
    assert 'id="prepare-pdf"' in page
    jobs = []
    for fmt in ("pdf", "docx"):
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            response = client.post(f"/plans/{version.plan_id}/v{version.number}/prepare/{fmt}/")
        assert response.status_code == 302
        jobs.append(int(re.findall(r"/jobs/(\d+)/", response["Location"])[0]))
    _work()
    pdf_job, docx_job = (Job.objects.get(pk=pk) for pk in jobs)
    assert pdf_job.status == docx_job.status == JobStatus.DONE, (pdf_job.message, docx_job.message)
    download = client.get(f"/jobs/{pdf_job.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    import io

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.content)).pages)
    assert "Shared Services Plan" in text and "Joint cybersecurity assessment" in text
    assert docx_job.result_name.endswith(".docx") and bytes(docx_job.result or b"")[:2] == b"PK"
