"""Every saved Legistar Web API file imports, keyed by (client, id), and a second run changes nothing."""

from __future__ import annotations

import pytest

from interlocal.agreements.models import LegislativeMatter
from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.testkit import World

pytestmark = pytest.mark.django_db

# (file, client, parent MatterId of a nested response)
FILES = [
    ("lametro_matter_candidates.json", "metro", None),
    ("lametro_minutes_candidates.json", "metro", "10881"),
    ("metro_matter_index.json", "metro", None),
    ("metro_all_indexes.json", "metro", None),
    ("chicago_dupe_event.json", "chicago", "1001"),
    ("chicago_no_dupe_event.json", "chicago", "1002"),
]


def import_all(world: World) -> list[tuple[int, str]]:
    results = []
    for name, client, parent in FILES:
        args = ["legistar-api", str(shared("data", "legistar", name)), "--as", world.admin.username]
        args += ["--government", world.kansas_city.slug, "--client", client]
        if parent:
            args += ["--parent", parent]
        results.append(run(*args))
    return results


def test_it_imports_every_saved_legistar_file(world: World) -> None:
    for code, out in import_all(world):
        assert code == 0, out
    matter = LegislativeMatter.objects.get(client="metro", matter_id=10881)
    assert matter.file_number == "2024-1026"
    assert matter.type_name == "Minutes"
    assert matter.attachments.count() >= 1
    assert matter.attachments.first().url.startswith("https://metro.legistar1.com/")  # type: ignore[union-attr]
    indexed = LegislativeMatter.objects.get(client="metro", matter_id=5036)
    assert indexed.indexes == ["BUS CONGESTION"]
    assert not indexed.is_published  # a placeholder until its matter record comes


def test_it_merges_the_duplicated_history_of_one_event(world: World) -> None:
    results = import_all(world)
    assert "duplicate history rows of one event action were merged" in results[4][1]
    dupe = LegislativeMatter.objects.get(client="chicago", matter_id=1001)
    plain = LegislativeMatter.objects.get(client="chicago", matter_id=1002)
    assert dupe.actions.count() == plain.actions.count()


def test_it_reports_no_changes_when_the_legistar_files_are_imported_again(world: World) -> None:
    import_all(world)
    before = fingerprint()
    for code, out in import_all(world):
        assert code == 0 and "No changes" in out, out
    assert fingerprint() == before
