"""The upload page: coordinators preview and apply; others are refused; uploads are checked first."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from interlocal.importers import uploads, views
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
    token = _pending_token(preview)
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


def _pending_token(response: Any) -> str:
    found = re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode())
    assert found, response.content.decode()
    return found.group(1)


def test_it_shows_and_applies_a_preview_to_its_uploader_only(world: World) -> None:
    uploader, other = client_for(world.coordinator), client_for(world.admin)
    token = _pending_token(uploader.post("/import/", plan_upload()))
    before = fingerprint()
    assert other.get(f"/import/pending/{token}/").status_code == 404
    assert other.post("/import/apply/", {"token": token}).status_code == 404
    assert fingerprint() == before
    page = uploader.get(f"/import/pending/{token}/")
    assert page.status_code == 200 and "Preview of lr33.txt" in page.content.decode()
    assert uploader.post("/import/apply/", {"token": token}).status_code == 200
    assert Initiative.objects.filter(code="LR.33").exists()
    # Applied uploads are deleted at once.
    assert list((uploads.upload_dir()).iterdir()) == []
    assert uploader.get(f"/import/pending/{token}/").status_code == 404


def test_it_refuses_a_token_that_names_no_upload(world: World) -> None:
    client = client_for(world.coordinator)
    for token in ("../../secret_key", "0" * 32, ""):
        assert client.post("/import/apply/", {"token": token}).status_code == 404


def test_it_deletes_expired_previews_on_the_next_upload(world: World, settings: object) -> None:
    client = client_for(world.coordinator)
    token = _pending_token(client.post("/import/", plan_upload()))
    names = {p.name for p in uploads.upload_dir().iterdir()}
    assert names == {f"{token}.txt", f"{token}.pending"}
    settings.IMPORT_UPLOAD_TTL_HOURS = 0  # type: ignore[attr-defined]
    # An expired preview can no longer be applied, even by its uploader.
    assert client.post("/import/apply/", {"token": token}).status_code == 404
    settings.IMPORT_UPLOAD_TTL_HOURS = 24  # type: ignore[attr-defined]
    newer = _pending_token(client.post("/import/", plan_upload()))
    settings.IMPORT_UPLOAD_TTL_HOURS = 0  # type: ignore[attr-defined]
    bad = plan_upload()
    bad["plan-page__collaborative"] = "nowhere"
    client.post("/import/", bad)
    assert not any(p.name.startswith((token, newer)) for p in uploads.upload_dir().iterdir())


def test_it_purges_expired_uploads_from_the_command_line(world: World, settings: object) -> None:
    client = client_for(world.coordinator)
    token = _pending_token(client.post("/import/", plan_upload()))
    orphan = uploads.upload_dir() / "0123456789abcdef0123456789abcdef.csv"
    orphan.write_text("left behind by an older version")
    old = (timezone.now() - dt.timedelta(hours=25)).timestamp()
    os.utime(orphan, (old, old))
    out = io.StringIO()
    call_command("import", "--purge-expired", stdout=out)
    assert "Deleted 1 expired upload(s)" in out.getvalue()
    assert {p.name for p in uploads.upload_dir().iterdir()} == {f"{token}.txt", f"{token}.pending"}
    assert uploads.purge_expired(now=timezone.now() + dt.timedelta(hours=24, seconds=1)) == 1
    assert list(uploads.upload_dir().iterdir()) == []


def test_it_refuses_an_uploaded_zip_bomb_naming_the_upload(world: World) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<c><v>1</v></c>" * 600_000)
    client = client_for(world.coordinator)
    before = fingerprint()
    response = client.post(
        "/import/",
        {
            "source": "spreadsheet",
            "spreadsheet__type": "governments",
            "file": SimpleUploadedFile("cities.xlsx", bomb.getvalue()),
        },
    )
    body = response.content.decode()
    assert "Rejected cities.xlsx" in body and "xl/worksheets/sheet1.xml expands" in body
    assert 'name="token"' not in body
    assert list(uploads.upload_dir().iterdir()) == []
    assert fingerprint() == before
