"""The upload page: coordinators preview and apply; others are refused; uploads are checked first."""

from __future__ import annotations

import re
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
