"""50 editors at once on PostgreSQL, each on its own connection: no update is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections

from interlocal.audit.models import AuditEvent
from interlocal.conflicts import EditConflict
from interlocal.governments.actions import government_update
from interlocal.governments.models import Government
from interlocal.initiatives.actions import initiative_update
from interlocal.initiatives.models import Initiative
from interlocal.testkit import World, build_world

EDITORS = 50


@pytest.fixture
def committed_world(transactional_db: None) -> World:
    """The test world, committed so that other connections see it; PostgreSQL only."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_lock"
        )
    return build_world()


def _on_own_connection(work: Callable[[], Any]) -> Any:
    # Each thread gets its own connection from Django; close it so PostgreSQL is not left with 50 of them.
    try:
        return work()
    finally:
        connections.close_all()


def _run_all(jobs: list[Callable[[], Any]]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(_on_own_connection, jobs))


def test_it_loses_no_update_among_50_concurrent_initiative_editors(committed_world: World) -> None:
    world = committed_world
    pk = world.initiative.pk
    start = Initiative.objects.get(pk=pk).lock_version
    ready = threading.Barrier(EDITORS)

    def editor(n: int) -> list[tuple[str, int | None, str]]:
        outcomes: list[tuple[str, int | None, str]] = []
        for attempt in range(3):
            # Every editor opens the form (reads the version), then all press Save together.
            mine = Initiative.objects.get(pk=pk)
            seen = mine.lock_version
            text = f"editor {n}, attempt {attempt}"
            if attempt == 0:
                ready.wait()
            try:
                saved = initiative_update(
                    acting_user=world.clerk, initiative=mine, expected_version=seen, description=text
                )
                # Applied on top of exactly the version this editor saw, never over an unseen one.
                assert saved.lock_version == seen + 1
                outcomes.append(("applied", saved.lock_version, text))
            except EditConflict as conflict:
                assert conflict.current is not None
                assert conflict.current.lock_version != seen  # type: ignore[attr-defined]
                outcomes.append(("conflict", None, text))
        return outcomes

    jobs: list[Callable[[], Any]] = [partial(editor, n) for n in range(EDITORS)]
    results = [o for outcomes in _run_all(jobs) for o in outcomes]
    applied = sorted((version, text) for kind, version, text in results if version is not None)
    conflicts = [r for r in results if r[0] == "conflict"]
    assert len(applied) + len(conflicts) == EDITORS * 3
    assert applied, "no editor succeeded"
    # Each applied update made exactly one new version, so none was overwritten unseen.
    assert [v for v, _ in applied] == list(range(start + 1, start + len(applied) + 1))
    stored = Initiative.objects.get(pk=pk)
    assert stored.lock_version == start + len(applied)
    assert stored.description == applied[-1][1]
    assert AuditEvent.objects.filter(verb="initiative_update", object_id=str(pk)).count() == len(applied)
    print(f"{EDITORS} editors x 3 saves: {len(applied)} applied, {len(conflicts)} refused, 0 lost")


def test_it_counts_every_increment_of_50_editors_who_retry_on_conflict(committed_world: World) -> None:
    world = committed_world
    pk = world.lees_summit.pk
    start = Government.objects.get(pk=pk)
    ready = threading.Barrier(EDITORS)

    def editor() -> int:
        ready.wait()
        refusals = 0
        while True:
            government = Government.objects.get(pk=pk)
            try:
                government_update(
                    acting_user=world.clerk,
                    government=government,
                    expected_version=government.lock_version,
                    population=(government.population or 0) + 1,
                )
                return refusals
            except EditConflict:
                refusals += 1  # re-read the stored version and apply the edit on top of it

    refusals = _run_all([editor for _ in range(EDITORS)])
    stored = Government.objects.get(pk=pk)
    assert stored.population == (start.population or 0) + EDITORS
    assert stored.lock_version == start.lock_version + EDITORS
    print(f"{EDITORS} increments with retry: population {stored.population}, {sum(refusals)} refusals")
