"""Writes through /api/v1: the portal's actions, audited, optimistic locking (409) and all or nothing."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from interlocal.api.actions import api_token_create
from interlocal.audit.models import AuditEvent
from interlocal.initiatives.models import Initiative
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create


def _as(user: Any) -> Client:
    _token, secret = api_token_create(acting_user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_it_updates_an_initiative_and_refuses_a_stale_version_with_409(world: World) -> None:
    coordinator = _as(world.coordinator)
    url = f"/api/v1/initiatives/{world.initiative.pk}"
    version = world.initiative.lock_version
    first = _send(coordinator, "PATCH", url, {"lock_version": version, "title": "Shared dispatch"})
    assert first.status_code == 200 and first.json()["lock_version"] == version + 1

    stale = _send(_as(world.clerk), "PATCH", url, {"lock_version": version, "title": "Joint dispatch"})
    body = stale.json()
    assert stale.status_code == 409
    assert body["expected_version"] == version and body["current_version"] == version + 1
    assert body["current"] == {"title": "Shared dispatch"} and "nothing was saved" in body["detail"]
    assert Initiative.objects.get(pk=world.initiative.pk).title == "Shared dispatch"
    assert AuditEvent.objects.filter(verb="initiative_update", actor=world.coordinator).count() == 1
    assert not AuditEvent.objects.filter(verb="initiative_update", actor=world.clerk).exists()


def test_it_writes_nothing_when_part_of_an_update_is_refused(world: World) -> None:
    url = f"/api/v1/initiatives/{world.initiative.pk}"
    before = AuditEvent.objects.count()
    body = {
        "lock_version": world.initiative.lock_version,
        "title": "Renamed",
        "partners": {"lead": ["lees-summit"], "supporting": ["nowhere-city"]},
    }
    response = _send(_as(world.coordinator), "PATCH", url, body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"partners": ["Not a member government: nowhere-city."]}
    assert Initiative.objects.get(pk=world.initiative.pk).title == world.initiative.title
    # The token's creation is the only event.
    assert AuditEvent.objects.count() == before + 1


def test_it_creates_an_initiative_with_the_portal_forms_fields(world: World) -> None:
    body = {
        "collaborative": world.collaborative.slug,
        "title": "Shared fleet maintenance",
        "code": "EJC-9",
        "types": ["project", "policy"],
        "cost_band": "low",
        "terms": {"topic_area": ["Fleet"]},
        "partners": {"lead": [world.lees_summit.slug]},
    }
    response = _send(_as(world.coordinator), "POST", "/api/v1/initiatives", body)
    assert response.status_code == 201, response.content
    created = Initiative.objects.get(pk=response.json()["id"])
    assert (created.code, created.is_project, created.is_policy, created.is_partnership) == (
        "EJC-9",
        True,
        True,
        False,
    )
    assert [t.name for t in created.terms.all()] == ["Fleet"]
    assert [p.government for p in created.partners.all()] == [world.lees_summit]
    assert AuditEvent.objects.filter(verb="initiative_create").latest("pk").actor == world.coordinator
    # A member editor may propose, but not extend the vocabularies: the whole request is refused.
    refused = _send(
        _as(world.clerk),
        "POST",
        "/api/v1/initiatives",
        {**body, "code": "EJC-10", "terms": {"topic_area": ["Parks"]}},
    )
    assert refused.status_code == 403 and refused.json() == {
        "detail": "Only coordinators extend vocabularies."
    }
    assert not Initiative.objects.filter(code="EJC-10").exists()


def test_it_records_a_measurement_and_a_progress_note_as_the_portal_does(world: World) -> None:
    kpi = kpi_create(acting_user=world.coordinator, initiative=world.initiative, name="Answer time", unit="s")
    clerk = _as(world.clerk)
    measured = _send(
        clerk, "POST", f"/api/v1/kpis/{kpi.pk}/measurements", {"measured_on": "2024-05-01", "value": "9.5"}
    )
    assert measured.status_code == 201 and measured.json()["value"] == "9.5"
    future = _send(
        clerk, "POST", f"/api/v1/kpis/{kpi.pk}/measurements", {"measured_on": "2999-01-01", "value": "1"}
    )
    assert future.status_code == 400 and "future" in future.json()["errors"]["__all__"][0]
    noted = _send(
        clerk, "POST", f"/api/v1/initiatives/{world.initiative.pk}/progress-notes", {"text": "Cut over."}
    )
    assert noted.status_code == 201
    verbs = list(AuditEvent.objects.filter(actor=world.clerk).values_list("verb", flat=True).order_by("pk"))
    assert verbs[-3:] == ["api_token_create", "measurement_record", "initiative_report_progress"]
    # The outsider may read the published initiative but not report on it.
    refused = _send(
        _as(world.outsider),
        "POST",
        f"/api/v1/initiatives/{world.initiative.pk}/progress-notes",
        {"text": "x"},
    )
    assert refused.status_code == 403 and refused.json()["detail"]


def test_it_records_savings_for_a_member_only(world: World) -> None:
    url = f"/api/v1/initiatives/{world.initiative.pk}/savings"
    body = {
        "fiscal_year": 2025,
        "recurrence": "recurring",
        "baseline_cost": "1000.00",
        "projected_saving": "100.00",
    }
    ok = _send(_as(world.clerk), "POST", url, {**body, "government": world.lees_summit.slug})
    assert ok.status_code == 201 and ok.json()["government"] == world.lees_summit.slug
    refused = _send(_as(world.coordinator), "POST", url, {**body, "government": world.kansas_city.slug})
    assert refused.status_code == 400 and "not a current member" in refused.json()["detail"]
