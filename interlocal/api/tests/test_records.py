"""The read API's list and detail endpoints: pages, filters, conditional GETs, documented errors, query counts."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from interlocal.api.api import api
from interlocal.pagecache import bump_generation
from interlocal.testkit import MatrixWorld, World, build_matrix_world

LISTS = [
    "governments", "collaboratives", "memberships", "initiatives/list", "terms", "plans", "agreements", "versions",
    "parties", "adoptions", "matters", "matter-actions", "attachments", "kpis", "measurements", "scenarios",
    "savings", "bodies", "officials", "office-records", "events", "event-items", "votes", "plan-versions",
    "plan-updates", "action-plans",
]  # fmt: skip
# The most queries any list may run for any role (the count, the page's keys, its rows and their prefetches; a
# signed-in caller adds the session, the person and the memberships that scope them).
MOST_QUERIES = 12


@pytest.fixture
def matrix(db: None, settings: Any, tmp_path: Any) -> MatrixWorld:
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "data-generation")
    return build_matrix_world()


def _as(world: MatrixWorld, role: str) -> Client:
    client = Client()
    if role != "public":
        client.force_login(world.users[role])  # type: ignore[arg-type]
    return client


def test_it_pages_with_count_next_and_previous(world: World, client: Client) -> None:
    from interlocal.governments.actions import government_create

    for n in range(3):
        government_create(acting_user=world.admin, kind="city", name=f"Paged Town {n}", state="MO")
    first = client.get("/api/v1/governments?q=paged&page_size=2").json()
    assert first["count"] == 3 and [g["name"] for g in first["results"]] == ["Paged Town 0", "Paged Town 1"]
    assert first["previous"] is None and first["next"].endswith(
        "/api/v1/governments?q=paged&page_size=2&page=2"
    )
    second = client.get(first["next"]).json()
    assert [g["name"] for g in second["results"]] == ["Paged Town 2"] and second["next"] is None
    assert second["previous"].endswith("page=1")
    assert client.get("/api/v1/governments?q=paged&page=3").status_code == 404
    assert client.get("/api/v1/governments?q=nowhere").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_it_refuses_bad_parameters_with_400(db: None, client: Client) -> None:
    for query in ("page_size=101", "page=0", "page=x", "updated_since=yesterday"):
        response = client.get(f"/api/v1/matters?{query}")
        assert response.status_code == 400, query
        assert response.json()["detail"][0]["loc"][0] == "query"


def test_it_names_governments_by_ocd_id_and_geoid(world: World, client: Client) -> None:
    from interlocal.governments.actions import government_update

    government_update(
        acting_user=world.admin, government=world.lees_summit,
        ocd_division_id="ocd-division/country:us/state:mo/place:lees_summit", geoid="2941348",
    )  # fmt: skip
    found = client.get("/api/v1/governments?geoid=2941348").json()["results"]
    assert [(g["slug"], g["ocd_division_id"]) for g in found] == [
        ("lees-summit", "ocd-division/country:us/state:mo/place:lees_summit")
    ]
    matter = client.get(f"/api/v1/matters/{world.matter.pk}").json()
    assert matter["government"]["geoid"] == "2941348"
    partners = client.get("/api/v1/initiatives/list").json()["results"][0]["partners"]
    assert {p["government"]["geoid"] for p in partners} >= {"2941348"}


def test_it_keeps_records_changed_since_a_moment(world: World, client: Client) -> None:
    from interlocal.governments.actions import government_update

    before = timezone.now()
    government_update(acting_user=world.admin, government=world.blue_springs, population=58000)
    since = before.isoformat().replace("+00:00", "Z")
    changed = client.get("/api/v1/governments", {"updated_since": since}).json()["results"]
    assert [g["slug"] for g in changed] == ["blue-springs"]
    later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    assert client.get("/api/v1/governments", {"updated_since": later}).json()["count"] == 0


def test_it_filters_like_the_portal(matrix: MatrixWorld) -> None:
    client = _as(matrix, "admin")
    ours = client.get("/api/v1/initiatives/list", {"collaborative": matrix.ours.slug}).json()["results"]
    assert {i["collaborative"] for i in ours} == {matrix.ours.slug} and len(ours) == 2
    led = client.get("/api/v1/initiatives/list", {"government": "blue-springs"}).json()["results"]
    assert [i["id"] for i in led] == [matrix.hidden_initiative.pk]
    day = matrix.meeting.date
    assert client.get("/api/v1/events", {"date_from": str(day), "date_to": str(day)}).json()["count"] == 1
    statuses = client.get("/api/v1/memberships", {"status": "proposed"}).json()["results"]
    assert [m["id"] for m in statuses] == [matrix.proposal.pk]


def test_it_answers_304_to_a_matching_etag_or_an_unchanged_date(
    world: World, client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "data-generation")
    bump_generation()
    an_hour_ago = time.time() - 3600
    os.utime(settings.PAGE_CACHE_STAMP_FILE, (an_hour_ago, an_hour_ago))  # the last write, an hour ago
    url = f"/api/v1/initiatives/{world.initiative.pk}"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first.status_code == 200 and etag.startswith('"')
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"stale"'}).status_code == 200
    listed = client.get("/api/v1/matters")
    assert client.get("/api/v1/matters", headers={"if-none-match": listed["ETag"]}).status_code == 304
    assert modified == http_date(int(an_hour_ago))
    # A write since then makes the date stale.
    bump_generation()
    again = client.get(url, headers={"if-modified-since": modified})
    assert again.status_code == 200 and again["Last-Modified"] != modified


def test_it_hides_what_the_portal_hides(matrix: MatrixWorld) -> None:
    public, member = _as(matrix, "public"), _as(matrix, "member")
    for url in (
        f"/api/v1/matters/{matrix.hidden_matter.pk}",
        f"/api/v1/attachments/{matrix.hidden_attachment.pk}",
        f"/api/v1/events/{matrix.hidden_meeting.pk}",
    ):
        assert public.get(url).status_code == 404 and member.get(url).status_code == 200
    detail = member.get(f"/api/v1/matters/{matrix.matter.pk}").json()
    assert detail["attachments"][0]["download_url"] == (
        f"/legislation/{matrix.matter.pk}/attachments/{matrix.attachment.pk}/"
    )
    assert public.get("/api/v1/scenarios").json()["count"] == 0
    scenarios = {s["id"]: s for s in member.get("/api/v1/scenarios").json()["results"]}
    assert {a["method"] for a in scenarios[matrix.scenario.pk]["allocations"]} == {"equal", "proportional"}


def test_it_runs_a_fixed_number_of_queries_per_list_whatever_its_length(matrix: MatrixWorld) -> None:
    checked = 0
    for role in ("public", "member", "admin"):
        client = _as(matrix, role)
        for name in LISTS:
            client.get(f"/api/v1/{name}")  # the session and the role's memberships, once
            counts = []
            for size in (1, 100):
                with CaptureQueriesContext(connection) as queries:
                    body = client.get(f"/api/v1/{name}?page_size={size}").json()
                counts.append(len(queries))
            assert counts[0] == counts[1] <= MOST_QUERIES, (role, name, counts)
            checked += body["count"] > 1
    assert checked >= 30  # most lists hold several records for some role, so a per-row query would show


def test_it_documents_every_field_and_error_with_an_example(db: None) -> None:
    schema = api.get_openapi_schema()
    operations = [(path, op) for path, ops in schema["paths"].items() for m, op in ops.items() if m == "get"]
    assert len(operations) >= 53
    for path, op in operations:
        assert {"200", "304", "400", "404"} <= {str(code) for code in op["responses"]}, path
    undocumented = []
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if not spec.get("description") or "examples" not in spec:
                undocumented.append(f"{name}.{field}")
    assert not undocumented
