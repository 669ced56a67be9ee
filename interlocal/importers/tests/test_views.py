"""The upload page: coordinators preview and apply; others are refused; uploads are checked first."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from interlocal.importers import views
from interlocal.importers.tests.helpers import fingerprint, shared
from interlocal.initiatives.models import Initiative
from interlocal.testkit import World

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: object, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]


def plan_upload() -> dict[str, object]:
    data = shared("seeds", "000_e4373412cf413f25.txt").read_bytes()
    return {
        "source": "plan-page",
        "file": SimpleUploadedFile("lr33.txt", data, content_type="text/plain"),
        "plan-page__collaborative": "eastern-jackson-county",
        "plan-page__plan": "stl-county-plan",
    }


def test_it_previews_then_applies_an_import(world: World) -> None:
    client = client_for(world.coordinator)
    assert client.get("/import/").status_code == 200
    before = fingerprint()
    preview = client.post("/import/", plan_upload())
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Preview of lr33.txt" in body and "New (" in body and "LR.33" in body
    assert "cost_band left unknown" in body
    assert fingerprint() == before
    token = client.session["import"]["token"]
    applied = client.post("/import/apply/", {"token": token})
    assert applied.status_code == 200 and "Imported lr33.txt" in applied.content.decode()
    assert Initiative.objects.filter(code="LR.33").exists()


def test_it_refuses_people_who_are_not_coordinators(world: World) -> None:
    before = fingerprint()
    for user in (world.clerk, world.outsider):
        client = client_for(user)
        assert client.get("/import/").status_code == 403
        assert client.post("/import/", plan_upload()).status_code == 403
    assert Client().get("/import/").status_code == 302  # to the sign-in page
    assert fingerprint() == before


def test_it_checks_type_and_size_before_parsing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(world.admin)
    upload = plan_upload()
    upload["file"] = SimpleUploadedFile("lr33.xlsx", b"not a zip", content_type="application/octet-stream")
    upload["source"] = "spreadsheet"
    response = client.post("/import/", upload)
    assert response.status_code == 400 and "lr33.xlsx is not a .xlsx file." in response.content.decode()
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 10)
    response = client.post("/import/", plan_upload())
    assert response.status_code == 400 and "larger than" in response.content.decode()


def test_it_serves_the_templates(world: World) -> None:
    client = client_for(world.coordinator)
    response = client.get("/import/templates/initiatives.csv")
    assert response.content.decode().startswith("Collaborative,Plan,Plan position,Code,Title")
    assert client.get("/import/templates/governments.xlsx").content.startswith(b"PK")
