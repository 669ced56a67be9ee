"""The government's Legistar sync page: its editors turn the schedule on and see the last run's status."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.importers.actions import legistar_sync_configure
from interlocal.importers.models import LegistarSync
from interlocal.testkit import World
from interlocal.vocab import SyncStatus

pytestmark = pytest.mark.django_db


def signed_in(world: World) -> Client:
    client = Client()
    client.force_login(world.clerk)
    return client


def test_it_lets_the_clerk_turn_the_schedule_on_and_shows_the_last_runs_status(world: World) -> None:
    client = signed_in(world)
    url = f"/governments/{world.lees_summit.slug}/legistar/"
    assert url in client.get(f"/governments/{world.lees_summit.slug}/").content.decode()
    answer = client.post(url, {"client": "lsmo", "enabled": "on", "interval_minutes": "120"})
    assert answer.status_code == 302
    sync = LegistarSync.objects.get(government=world.lees_summit, client="lsmo")
    assert sync.enabled and sync.interval_minutes == 120 and sync.base_url == ""
    LegistarSync.objects.filter(pk=sync.pk).update(
        status=SyncStatus.FAILED, last_error="GET https://x/v1/lsmo/bodies: HTTP 503 after 5 attempts"
    )
    page = client.get(url).content.decode()
    assert "Every 120 minutes" in page and "Failed" in page and "HTTP 503 after 5 attempts" in page
    answer = client.post(url, {"client": "lsmo", "interval_minutes": "120"})
    sync.refresh_from_db()
    assert not sync.enabled


def test_it_refuses_a_bad_client_name_and_too_short_an_interval(world: World) -> None:
    client = signed_in(world)
    url = f"/governments/{world.lees_summit.slug}/legistar/"
    page = client.post(url, {"client": "no such/client", "interval_minutes": "1"}).content.decode()
    assert "Letters, digits, - and _ only." in page
    assert "Ensure this value is greater than or equal to 15." in page
    assert not LegistarSync.objects.exists()


def test_it_lists_many_syncs_in_a_fixed_number_of_queries(world: World) -> None:
    client = signed_in(world)
    url = f"/governments/{world.lees_summit.slug}/legistar/"
    counts = []
    for n in (1, 6):
        for i in range(n):
            legistar_sync_configure(acting_user=world.clerk, government=world.lees_summit, client=f"c{n}-{i}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
