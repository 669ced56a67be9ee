"""`interlocal legistar sync` against a fake Legistar server: paging, retry, resume, incremental."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal.agreements.models import LegislativeMatter
from interlocal.importers.actions import legistar_sync_configure, legistar_sync_run
from interlocal.importers.legistar_sync import SyncOutcome
from interlocal.importers.models import LegistarSync
from interlocal.importers.tests.fake_legistar import BASE_TIME, FakeLegistar, build_client
from interlocal.importers.tests.helpers import fingerprint
from interlocal.testkit import World
from interlocal.vocab import SyncStatus

pytestmark = pytest.mark.django_db

PAGE = 5  # 12 matters: pages at $skip 0, 5 and 10


class Sleeper:
    """Records the waits instead of waiting; raises KeyboardInterrupt on the n-th wait when told to."""

    def __init__(self, interrupt_on: int | None = None) -> None:
        self.calls: list[float] = []
        self.interrupt_on = interrupt_on

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.interrupt_on is not None and len(self.calls) == self.interrupt_on:
            raise KeyboardInterrupt


@pytest.fixture
def server() -> Iterator[tuple[FakeLegistar, str]]:
    fake = build_client(matters=12)
    url = fake.start()
    yield fake, url
    fake.stop()


def stored(world: World) -> dict[int, tuple[str, str, str, int, int, list[str]]]:
    """The synced matters by MatterId: chosen fields, history and attachment counts, sponsors."""
    out = {}
    for m in LegislativeMatter.objects.filter(government=world.kansas_city, client="metro"):
        assert m.matter_id is not None
        out[m.matter_id] = (
            m.file_number,
            m.title,
            m.type_name,
            m.actions.count(),
            m.attachments.count(),
            list(m.sponsors),
        )
    return out


def expected(fake: FakeLegistar) -> dict[int, tuple[str, str, str, int, int, list[str]]]:
    """What the server holds, in the same shape."""
    return {
        row["MatterId"]: (
            row["MatterFile"],
            row["MatterTitle"],
            row["MatterTypeName"],
            len(fake.nested["matters/histories"][row["MatterId"]]),
            len(fake.nested["matters/attachments"][row["MatterId"]]),
            [s["MatterSponsorName"] for s in fake.nested["matters/sponsors"][row["MatterId"]]],
        )
        for row in fake.tables["matters"]
    }


def sync(world: World, url: str, sleeper: Sleeper | None = None, **options: Any) -> SyncOutcome:
    record = legistar_sync_configure(acting_user=world.admin, government=world.kansas_city, client="metro")
    outcome: SyncOutcome = legistar_sync_run(
        acting_user=world.admin,
        sync=record,
        base_url=url,
        sleep=sleeper or Sleeper(),
        page_size=PAGE,
        **options,
    )
    return outcome


def council_records(world: World) -> dict[str, set[int]]:
    """The stored ids of the client's bodies, persons, office records, events, event items and votes."""
    from interlocal.legislation.models import Body, Event, EventItem, OfficeRecord, Official, Vote

    scope = {"government": world.kansas_city, "client": "metro"}
    return {
        "bodies": set(Body.objects.filter(**scope).values_list("body_id", flat=True)),
        "persons": set(Official.objects.filter(**scope).values_list("person_id", flat=True)),
        "officerecords": set(OfficeRecord.objects.filter(**scope).values_list("office_record_id", flat=True)),
        "events": set(Event.objects.filter(**scope).values_list("event_id", flat=True)),
        "events/eventitems": set(EventItem.objects.filter(**scope).values_list("event_item_id", flat=True)),
        "eventitems/votes": set(Vote.objects.filter(**scope).values_list("vote_id", flat=True)),
    }


def served_council_records(fake: FakeLegistar) -> dict[str, set[int]]:
    keys = {
        "events/eventitems": "EventItemId",
        "eventitems/votes": "VoteId",
    }
    out = {"bodies": fake.all_ids("bodies", "BodyId"), "persons": fake.all_ids("persons", "PersonId")}
    out["officerecords"] = fake.all_ids("officerecords", "OfficeRecordId")
    out["events"] = fake.all_ids("events", "EventId")
    for path, key in keys.items():
        out[path] = {row[key] for rows in fake.nested[path].values() for row in rows}
    return out


def matter_skips(fake: FakeLegistar) -> list[str]:
    return [q["$skip"] for q in fake.queries("/v1/metro/matters")]


def test_it_retries_resumes_after_an_interruption_and_ends_with_exactly_the_servers_records(
    world: World, server: tuple[FakeLegistar, str]
) -> None:
    fake, url = server
    # Run 1: page 2 answers 503 once (retried after its Retry-After), then Ctrl-C while waiting to retry page 3.
    fake.fail("/v1/metro/matters?$top=5&$skip=5", 503, retry_after="7")
    fake.fail("/v1/metro/matters?$top=5&$skip=10", 503)
    sleeper = Sleeper(interrupt_on=2)
    with pytest.raises(KeyboardInterrupt):
        sync(world, url, sleeper)
    assert sleeper.calls == [7.0, 1.0]
    assert matter_skips(fake) == ["0", "5", "5", "10"]
    record = LegistarSync.objects.get(government=world.kansas_city, client="metro")
    assert record.status == SyncStatus.INTERRUPTED
    assert record.cursor["kind"] == "matters" and record.cursor["skip"] == 10
    assert sorted(stored(world)) == list(range(20000, 20010))  # pages 1 and 2, whole

    # Run 2: a matter of page 3 cannot be fetched whole; nothing of page 3 is stored.
    fake.requests.clear()
    fake.fail("/v1/metro/matters/20011/histories", 503, times=99)
    failed = sync(world, url)
    assert not failed.ok and "HTTP 503 after 5 attempts" in failed.error
    assert "/v1/metro/matters/20010/histories" in fake.paths()  # page 3's first matter was fetched...
    assert sorted(stored(world)) == list(range(20000, 20010))  # ...and not stored without the rest
    record.refresh_from_db()
    assert record.status == SyncStatus.FAILED and record.last_error == failed.error
    assert record.cursor["skip"] == 10

    # Run 3: resumes at page 3 without asking again for bodies, persons or the stored pages.
    fake.requests.clear()
    fake.rules.clear()
    done = sync(world, url)
    assert done.ok and done.resumed, done.error
    assert matter_skips(fake) == ["10"]
    assert not fake.paths("/v1/metro/bodies") and not fake.paths("/v1/metro/persons")
    assert not fake.paths("/v1/metro/officerecords")
    assert fake.paths("/v1/metro/events") and fake.paths("/v1/metro/eventitems/70000/votes")
    assert stored(world) == expected(fake)
    assert council_records(world) == served_council_records(fake)
    assert all(council_records(world).values())
    record.refresh_from_db()
    assert record.status == SyncStatus.OK and record.cursor == {}
    assert record.high_water["matters"] == "2024-12-01T08:11:00+00:00"

    # A rerun of the whole client changes nothing: no duplicates, no changes.
    before = fingerprint()
    again = sync(world, url, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert again.ok and again.counts["matters"] == 12
    after = fingerprint()
    assert [verb for _, verb in after["audit"][len(before["audit"]) :]] == ["legistar_sync_run"]
    assert {
        k: v for k, v in after.items() if k not in ("audit", "audit.AuditEvent", "importers.LegistarSync")
    } == {k: v for k, v in before.items() if k not in ("audit", "audit.AuditEvent", "importers.LegistarSync")}
    assert [verb for _, verb in after["audit"][len(before["audit"]) :]] == ["legistar_sync_run"]


def test_it_fetches_only_what_changed_since_the_last_run_or_the_given_date(
    world: World, server: tuple[FakeLegistar, str]
) -> None:
    fake, url = server
    assert sync(world, url).ok
    changed_at = BASE_TIME + timedelta(days=1)
    fake.touch("matters", "MatterId", 20003, changed_at, MatterTitle="Amended title")
    fake.touch("matters", "MatterId", 20007, changed_at, MatterStatusName="Adopted")
    fake.requests.clear()

    # From the high-water mark: only the two changed matters come, with their nested records.
    outcome = sync(world, url)
    assert outcome.ok and outcome.counts["matters"] == 2
    (query,) = fake.queries("/v1/metro/matters")
    assert query["$filter"] == "MatterLastModifiedUtc gt datetime'2024-12-01T08:11:00.000'"
    nested = {p for p in fake.paths("/v1/metro/matters/")}
    assert nested == {
        f"/v1/metro/matters/{i}/{n}" for i in (20003, 20007) for n in ("histories", "sponsors", "attachments")
    }
    assert LegislativeMatter.objects.get(matter_id=20003).title == "Amended title"
    assert LegislativeMatter.objects.get(matter_id=20007).status_name == "Adopted"
    assert stored(world) == expected(fake)

    # --since: the same two, asked with the given date.
    fake.requests.clear()
    out = io.StringIO()
    call_command(
        "legistar",
        "sync",
        "--client",
        "metro",
        "--government",
        world.kansas_city.slug,
        "--as",
        world.admin.username,
        "--since",
        "2024-12-01T12:00",
        "--base-url",
        url,
        "--page-size",
        "5",
        stdout=out,
    )
    assert "Sync finished: " in out.getvalue() and "2 matters" in out.getvalue()
    (query,) = fake.queries("/v1/metro/matters")
    assert query["$filter"] == "MatterLastModifiedUtc gt datetime'2024-12-01T12:00:00.000'"
    assert {p.split("/")[4] for p in fake.paths("/v1/metro/matters/")} == {"20003", "20007"}


def run_command(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("legistar", "sync", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + err.getvalue() + str(exc)
    return 0, out.getvalue() + err.getvalue()


def test_it_says_in_one_line_when_the_server_is_unreachable_or_answers_garbage(
    world: World, server: tuple[FakeLegistar, str]
) -> None:
    fake, url = server
    base = ["--client", "metro", "--government", world.kansas_city.slug, "--as", world.admin.username]
    before = fingerprint()
    fake.garbage("/v1/metro/bodies")
    code, out = run_command(*base, "--base-url", url)
    assert code == 1
    assert f"GET {url}metro/bodies?$top=1000&$skip=0&$orderby=BodyId: not JSON" in out
    assert len(out.strip().splitlines()) == 1  # one line, naming the government, client and URL
    # Port 9 (discard) on loopback is closed: refused at once, retried without real waiting, then one line.
    record = LegistarSync.objects.get(client="metro")
    failed = legistar_sync_run(
        acting_user=world.admin, sync=record, base_url="http://127.0.0.1:9/v1/", sleep=Sleeper()
    )
    assert not failed.ok and "server unreachable after 5 attempts" in failed.error
    assert "\n" not in failed.error
    after = fingerprint()
    assert after["agreements.LegislativeMatter"] == before["agreements.LegislativeMatter"]
    code, out = run_command(*base, "--since", "yesterday")
    assert code == 1 and "--since: not a date" in out
    code, out = run_command("--client", "no such", "--government", world.kansas_city.slug)
    assert code == 1 and "--client: not a Legistar client name" in out


def test_it_runs_every_enabled_due_sync_with_all(world: World, server: tuple[FakeLegistar, str]) -> None:
    _fake, url = server
    record = legistar_sync_configure(
        acting_user=world.admin, government=world.kansas_city, client="metro", base_url=url, enabled=True
    )
    legistar_sync_configure(acting_user=world.admin, government=world.lees_summit, client="other")
    code, out = run_command("--all", "--as", world.admin.username, "--page-size", "5")
    assert code == 0, out
    assert f"{world.kansas_city.slug}/metro: Sync finished" in out and "other" not in out
    record.refresh_from_db()
    assert record.status == SyncStatus.OK
    code, out = run_command("--all", "--as", world.admin.username)
    assert code == 0 and "No Legistar sync is due." in out  # not due again before its interval


def test_it_lets_only_the_governments_own_editors_configure_or_run_its_sync(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        legistar_sync_configure(acting_user=world.outsider, government=world.lees_summit, client="lsmo")
    record = legistar_sync_configure(acting_user=world.clerk, government=world.lees_summit, client="lsmo")
    with pytest.raises(PermissionDenied):
        legistar_sync_run(acting_user=world.outsider, sync=record)


def test_it_refuses_a_second_run_while_one_holds_the_sync_and_takes_over_a_dead_one(
    world: World, server: tuple[FakeLegistar, str]
) -> None:
    fake, url = server
    record = legistar_sync_configure(
        acting_user=world.admin, government=world.kansas_city, client="metro", base_url=url, enabled=True
    )
    started = datetime.now(UTC)
    LegistarSync.objects.filter(pk=record.pk).update(
        status=SyncStatus.RUNNING,
        cursor={"kind": "matters", "skip": 5, "since": {}, "heartbeat": started.isoformat()},
    )
    code, out = run_command("--all", "--as", world.admin.username)
    assert code == 0 and "No Legistar sync is due." in out
    code, out = run_command(
        "--client", "metro", "--government", world.kansas_city.slug, "--as", world.admin.username
    )
    assert code == 1 and "another run is in progress" in out
    assert not fake.requests
    # An hour without a stored page: the run died; the next one takes over from its cursor.
    record.refresh_from_db()
    outcome = legistar_sync_run(
        acting_user=world.admin,
        sync=record,
        sleep=Sleeper(),
        page_size=PAGE,
        now=lambda: started + timedelta(minutes=61),
    )
    assert outcome.ok and outcome.resumed
    assert matter_skips(fake) == ["5", "10"]


HOOK_CALLS: list[dict[str, Any]] = []


def record_proposals(*, acting_user: Any, government: Any, matter_ids: list[int]) -> list[str]:
    """A stand-in for the adoption matcher: records what the sync hands it, and how much of it is stored."""
    HOOK_CALLS.append(
        {
            "government": government,
            "matter_ids": sorted(matter_ids),
            "stored": LegislativeMatter.objects.filter(pk__in=matter_ids).count(),
        }
    )
    return ["a proposal"]


def test_it_hands_each_committed_page_of_matters_to_the_adoption_matcher(
    world: World, server: tuple[FakeLegistar, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from interlocal.importers import legistar_sync

    _fake, url = server
    monkeypatch.setattr(legistar_sync, "ADOPTION_HOOK", (__name__, "record_proposals"))
    HOOK_CALLS.clear()
    outcome = sync(world, url)
    assert outcome.ok and "3 adoption(s) found, waiting for a person to confirm" in outcome.summary()
    mine = LegislativeMatter.objects.filter(government=world.kansas_city, client="metro").order_by(
        "matter_id"
    )
    pks = list(mine.values_list("pk", flat=True))
    assert [call["matter_ids"] for call in HOOK_CALLS] == [
        sorted(pks[0:5]),
        sorted(pks[5:10]),
        sorted(pks[10:]),
    ]
    assert [call["stored"] for call in HOOK_CALLS] == [5, 5, 2]
    assert all(call["government"] == world.kansas_city for call in HOOK_CALLS)
    # A run that stores no matter asks nothing.
    assert sync(world, url).ok and len(HOOK_CALLS) == 3
