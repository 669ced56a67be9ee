from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client

from interlocal.initiatives.actions import initiative_create, initiative_update
from interlocal.initiatives.queries import InitiativeFilters, list_initiatives_for_user
from interlocal.pagecache import GenerationPaginator, current_generation
from interlocal.testkit import World


@pytest.fixture
def page_cache(settings: Any, tmp_path: Path) -> None:
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "data-generation")
    caches[settings.PAGE_CACHE_ALIAS].clear()


def test_it_serves_an_anonymous_page_from_the_cache_until_a_write_commits(
    world: World, client: Client, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    path = f"/initiatives/{world.initiative.pk}/"
    assert client.get(path)["X-Page-Cache"] == "miss"
    again = client.get(path)
    assert again["X-Page-Cache"] == "hit" and "Radio equipment maintenance" in again.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        initiative_update(
            acting_user=world.coordinator, initiative=world.initiative, title="Shared radio shop"
        )
    after = client.get(path)
    assert after["X-Page-Cache"] == "miss"
    assert "Shared radio shop" in after.content.decode()
    assert "Radio equipment maintenance" not in after.content.decode()


def test_it_keeps_the_generation_when_a_write_rolls_back(
    world: World, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    before = current_generation()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        initiative_update(acting_user=world.coordinator, initiative=world.initiative, title="Never")
        raise RuntimeError("abandon the write")
    assert callbacks == [] and current_generation() == before


def test_it_never_caches_signed_in_pages_or_pages_with_a_form_token(
    world: World, client: Client, page_cache: None
) -> None:
    signed_in = Client()
    signed_in.force_login(world.coordinator)
    for _ in range(2):
        assert "X-Page-Cache" not in signed_in.get("/")
        assert "X-Page-Cache" not in client.get("/accounts/login/")
    assert client.get("/", HTTP_COOKIE="sessionid=stale").get("X-Page-Cache") is None


def test_it_keeps_the_htmx_results_apart_from_the_full_list(
    world: World, client: Client, page_cache: None
) -> None:
    full = client.get("/initiatives/")
    results = client.get("/initiatives/", HTTP_HX_REQUEST="true")
    assert results["X-Page-Cache"] == "miss"
    assert b"<html" in full.content and b"<html" not in results.content
    assert b"<html" not in client.get("/initiatives/", HTTP_HX_REQUEST="true").content


def test_it_pages_like_the_plain_list_and_recounts_after_a_write(
    world: World, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    def found() -> Any:
        return list_initiatives_for_user(world.coordinator, InitiativeFilters())

    paginator = GenerationPaginator(found(), 1)
    assert [list(paginator.page(n)) for n in paginator.page_range] == [[i] for i in found()]
    assert paginator.count == 2
    with django_capture_on_commit_callbacks(execute=True):
        initiative_create(
            acting_user=world.coordinator, collaborative=world.collaborative, title="Third idea"
        )
    again = GenerationPaginator(found(), 1)
    assert again.count == 3
    assert [i.title for n in again.page_range for i in again.page(n)] == [i.title for i in found()]
