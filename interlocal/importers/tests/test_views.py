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
from django.utils.html import escape

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


def test_it_refuses_viewers_and_the_public_and_checks_each_row_for_editors(world: World) -> None:
    from interlocal.governments import actions as governments
    from interlocal.testkit import PASSWORD
    from interlocal.vocab import Role

    viewer = governments.person_create(
        acting_user=world.admin,
        username="viewer",
        government=world.lees_summit,
        role=Role.VIEWER,
        password=PASSWORD,
    )
    before = fingerprint()
    client = client_for(viewer)
    assert client.get("/import/").status_code == 403
    assert client.post("/import/", plan_upload()).status_code == 403
    assert Client().get("/import/").status_code == 302  # to the sign-in page
    # An editor of a government outside the collaborative may upload, but the rows are refused.
    outsider = client_for(world.outsider)
    assert outsider.get("/import/").status_code == 200
    preview = outsider.post("/import/", plan_upload())
    assert preview.status_code == 200 and "Rejected" in preview.content.decode()
    assert 'name="token"' not in preview.content.decode()
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


def _rival_coordinator(world: World):  # type: ignore[no-untyped-def]
    """St. Louis County's planner, coordinating an unpublished collaborative of their own."""
    from interlocal.collaboratives.actions import collaborative_create
    from interlocal.governments.actions import government_create, person_create
    from interlocal.testkit import PASSWORD

    stl = government_create(acting_user=world.admin, kind="county", name="St. Louis County", state="MO")
    planner = person_create(
        acting_user=world.admin, username="stl-planner", government=stl, role="coordinator", password=PASSWORD
    )
    secret = collaborative_create(acting_user=planner, name="Secret STL", slug="secret-stl", facilitator=stl)
    return planner, secret


def _import_memberships(client: Client, rows: str) -> None:
    data = ("Collaborative,Government,Role,Joined on,Left on\n" + rows).encode()
    upload = SimpleUploadedFile("m.csv", data, content_type="text/csv")
    preview = client.post(
        "/import/", {"source": "spreadsheet", "file": upload, "spreadsheet__type": "memberships"}
    )
    assert preview.status_code == 200, preview.content.decode()[:2000]
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    assert token is not None
    applied = client.post("/import/apply/", {"token": token.group(1)})
    assert applied.status_code == 200


def test_it_gives_a_coordinator_no_power_over_a_government_it_imports_as_member(world: World) -> None:
    # Issue 8: one imported membership row let any coordinator take over any government.
    from django.core.exceptions import PermissionDenied

    from interlocal.agreements.actions import agreement_adopt, matter_create, matter_update
    from interlocal.collaboratives.models import Membership

    planner, secret = _rival_coordinator(world)
    client = client_for(planner)
    _import_memberships(
        client, "secret-stl,lees-summit,member,2020-01-01,\nsecret-stl,blue-springs,member,2020-01-01,\n"
    )
    rows = Membership.objects.filter(collaborative=secret)
    assert sorted(m.government.name for m in rows) == ["Blue Springs", "Lee's Summit"]
    edit = client.post(
        "/governments/lees-summit/edit/", {"website": "https://evil.example", "population": ""}
    )
    assert edit.status_code == 403
    world.lees_summit.refresh_from_db()
    assert world.lees_summit.website != "https://evil.example"
    with pytest.raises(PermissionDenied):
        matter_update(acting_user=planner, matter=world.matter, title="Rewritten", is_published=True)
    bs_matter = matter_create(
        acting_user=world.admin, government=world.blue_springs, file_number="R-1", title="t"
    )
    with pytest.raises(PermissionDenied):
        agreement_adopt(
            acting_user=planner,
            version=world.version,
            government=world.blue_springs,
            matter=bs_matter,
            adopted_on=_today(),
        )
    assert {m.status for m in rows} == {"proposed"}


def test_it_gives_nothing_for_an_accepted_membership_that_ended(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    from interlocal.collaboratives.actions import membership_accept, membership_end, membership_propose
    from interlocal.governments.actions import government_update
    from interlocal.initiatives.actions import initiative_create

    planner, secret = _rival_coordinator(world)
    proposal = membership_propose(
        acting_user=planner,
        collaborative=secret,
        government=world.lees_summit,
        joined_on=_today().replace(year=2019),
    )
    membership_accept(acting_user=world.clerk, membership=proposal)
    membership_end(acting_user=planner, membership=proposal, left_on=_today().replace(year=2020))
    with pytest.raises(PermissionDenied):
        government_update(acting_user=planner, government=world.lees_summit, website="https://evil.example")
    # The ended membership no longer lets the clerk into the collaborative, nor lets the planner name Lee's Summit.
    with pytest.raises(PermissionDenied):
        initiative_create(acting_user=world.clerk, collaborative=secret, title="Sneaky")
    assert client_for(world.clerk).get("/collaboratives/secret-stl/").status_code == 404


def _today():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()


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


def _preview_and_apply(client: Client, data: dict[str, object]) -> str:
    preview = client.post("/import/", data)
    assert preview.status_code == 200, preview.content.decode()
    assert "Preview of" in preview.content.decode()
    applied = client.post("/import/apply/", {"token": _pending_token(preview)})
    body = applied.content.decode()
    assert applied.status_code == 200 and "Imported" in body, body
    return body


def test_it_shows_each_sources_options_with_the_values_the_user_may_pick(world: World) -> None:
    client = client_for(world.coordinator)
    index = client.get("/import/").content.decode()
    # Every source is listed with its description (the classes used to be called by the template).
    assert "plan-page: a plan recommendation page" in index.lower() or "plan-page: " in index
    assert all(
        f'<option value="{name}">{name}: ' in index for name in ("plan-page", "statement", "spreadsheet")
    )
    page = client.get("/import/?source=plan-page").content.decode()
    assert 'name="plan-page__collaborative"' in page and 'name="plan-page__plan"' in page
    assert f'<option value="{world.collaborative.slug}">{world.collaborative.name}</option>' in page
    sheet = client.get("/import/?source=spreadsheet").content.decode()
    assert '<option value="initiatives">initiatives</option>' in sheet
    # Legislation is imported by the government's own staff: the coordinator is offered none of it.
    legistar = client.get("/import/?source=legistar-detail").content.decode()
    assert f'<option value="{world.lees_summit.slug}">' not in legistar
    clerk = client_for(world.clerk).get("/import/?source=legistar-detail").content.decode()
    assert f'<option value="{world.lees_summit.slug}">{escape(world.lees_summit.name)}</option>' in clerk


def test_it_marks_a_missing_option_and_file_and_changes_nothing(world: World) -> None:
    client = client_for(world.coordinator)
    before = fingerprint()
    data = plan_upload() | {"plan-page__collaborative": ""}
    response = client.post("/import/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "usa-form-group--error" in body and "--collaborative is required for a plan-page import." in body
    assert 'value="stl-county-plan"' in body  # what was typed stays
    no_file = client.post("/import/", {"source": "statement", "statement__collaborative": "x"})
    assert no_file.status_code == 400 and "Choose a file to upload." in no_file.content.decode()
    assert fingerprint() == before


def test_it_imports_the_initiatives_template_and_the_three_seeds_from_the_web_page(world: World) -> None:
    from interlocal.agreements.models import LegislativeMatter

    coordinator = client_for(world.coordinator)
    template = coordinator.get("/import/templates/initiatives.csv").content.decode()
    filled = template.replace("eastern-jackson-county", world.collaborative.slug)
    body = _preview_and_apply(
        coordinator,
        {
            "source": "spreadsheet",
            "spreadsheet__type": "initiatives",
            "file": SimpleUploadedFile("initiatives.csv", filled.encode(), content_type="text/csv"),
        },
    )
    assert Initiative.objects.filter(collaborative=world.collaborative, code="EJC-9").exists(), body
    _preview_and_apply(coordinator, plan_upload())
    assert Initiative.objects.filter(code="LR.33", collaborative=world.collaborative).exists()
    statement = shared("seeds", "002_525060c384265aea.txt").read_bytes()
    _preview_and_apply(
        coordinator,
        {
            "source": "statement",
            "statement__collaborative": world.collaborative.slug,
            "file": SimpleUploadedFile("statement.txt", statement, content_type="text/plain"),
        },
    )
    assert Initiative.objects.filter(collaborative=world.collaborative).count() > 3
    resolution = shared("seeds", "001_00bf90cbba7d7d2b.txt").read_bytes()
    _preview_and_apply(
        client_for(world.clerk),
        {
            "source": "legistar-detail",
            "legistar-detail__government": world.lees_summit.slug,
            "file": SimpleUploadedFile("res-21-08.txt", resolution, content_type="text/plain"),
        },
    )
    matter = LegislativeMatter.objects.get(government=world.lees_summit, file_number="RES. NO. 21-08")
    assert matter.actions.count() == 1
