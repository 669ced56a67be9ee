"""Follow a government's Legistar client over time: page through the Web API and store each page atomically.

A run walks the kinds in KIND_ORDER. For each it asks for the records modified after that kind's high-water mark
(all of them the first time), $orderby its identity so pages stay put while the client edits records, $top/$skip
a page at a time. Each page is fetched whole with its nested records (a matter's histories, sponsors and
attachments; an event's items and their votes), then stored together with the cursor in one transaction: a crash
or Ctrl-C between pages resumes at the next page, one inside a page leaves nothing of it, and a rerun only
updates what it stored before. The high-water marks move when the run ends.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from interlocal.audit.actions import audit_record
from interlocal.governments.models import Person
from interlocal.importers.legistar_client import (
    PAGED_KINDS,
    LegistarClient,
    LegistarError,
    Opener,
    Sleep,
    parse_utc,
    urllib_opener,
)
from interlocal.importers.models import RUN_LEASE_MINUTES, LegistarSync
from interlocal.vocab import SyncStatus

if TYPE_CHECKING:
    from interlocal.legislation.ingest import Counts

# Office records are paged on their own: a new seat does not touch its person's PersonLastModifiedUtc.
KIND_ORDER = ("bodies", "persons", "officerecords", "matters", "events")
# Records modified while a run pages are fetched again by the next run: the new mark never passes its start,
# less this margin for the difference between Legistar's clock and ours.
CLOCK_MARGIN = dt.timedelta(minutes=10)
# The hook `adopt` offers to look for adoptions among newly stored matters; called after each committed run.
ADOPTION_HOOK = ("interlocal.agreements.actions", "propose_adoptions")


class SyncBusy(LegistarError):
    """Another run of the same sync holds it; str() is one line."""


class SyncRejected(LegistarError):
    """The server's records could not be stored (a row the importer refuses); str() is one line."""


@dataclass
class Page:
    """One page of a kind with the nested records fetched for it, all raw Legistar JSON."""

    kind: str
    skip: int
    rows: list[dict[str, Any]]
    nested: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)


@dataclass
class SyncOutcome:
    """What one run did: ok, fetched counts per kind, the stored matters' ids, and the one-line error if any."""

    ok: bool
    counts: Counter[str]
    requests: int
    retries: int
    resumed: bool
    error: str = ""
    stored: dict[str, dict[str, int]] = field(default_factory=dict)
    proposals: int = 0  # adoptions the matcher found in this run's matters
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command and the portal."""
        fetched = (
            ", ".join(f"{self.counts[k]} {k}" for k in sorted(self.counts) if self.counts[k]) or "nothing new"
        )
        how = "resumed and " if self.resumed else ""
        if not self.ok:
            return f"Sync failed: {self.error}"
        changed = sum(n for by in self.stored.values() for k, n in by.items() if k in ("new", "changed"))
        adoptions = "".join(f" {note}." for note in self.notes)
        if self.proposals:
            adoptions += f" {self.proposals} adoption(s) found, waiting for a person to confirm."
        return (
            f"Sync {how}finished: fetched {fetched}; {changed} record(s) new or changed "
            f"({self.requests} requests, {self.retries} retries).{adoptions}"
        )


def base_url_of(sync: LegistarSync, override: str | None = None) -> str:
    """The Web API base URL: the command's, the record's, or the setting's."""
    return override or sync.base_url or str(settings.INTERLOCAL_LEGISTAR_BASE_URL)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def fetch_page(api: LegistarClient, kind: str, skip: int, since: dt.datetime | None) -> Page:
    """One page of `kind` and everything nested under its records (network only, nothing stored)."""
    rows = api.page(kind, skip=skip, since=since)
    page = Page(kind, skip, rows)
    if kind == "matters":
        ids = [row["MatterId"] for row in rows]
        for nested in ("histories", "sponsors", "attachments"):
            answers = api.get_lists([(f"matters/{i}/{nested}", ()) for i in ids])
            page.nested[nested] = dict(zip(ids, answers, strict=True))
    elif kind == "events":
        ids = [row["EventId"] for row in rows]
        notes = (("AgendaNote", "1"), ("MinutesNote", "1"), ("Attachments", "1"))
        items = dict(zip(ids, api.get_lists([(f"events/{i}/eventitems", notes) for i in ids]), strict=True))
        # Only a roll call has votes; asking for every item's would double the requests for nothing.
        called = [
            item["EventItemId"]
            for event_items in items.values()
            for item in event_items
            if isinstance(item.get("EventItemId"), int) and item.get("EventItemRollCallFlag")
        ]
        votes = dict(zip(called, api.get_lists([(f"eventitems/{i}/votes", ()) for i in called]), strict=True))
        page.nested["eventitems"] = items
        page.nested["votes"] = votes
    return page


# --- storing ---------------------------------------------------------------------------------------------

Store = Callable[[LegistarSync, Page, Person], "Counts"]
# The parser's kind of each nested endpoint's rows.
NESTED_KINDS = {
    "histories": "histories",
    "sponsors": "sponsors",
    "attachments": "attachments",
    "officerecords": "office_records",
    "eventitems": "event_items",
    "votes": "votes",
}


def parse_page(page: Page, client: str) -> list[Any]:
    """The page's records and their nested ones, parsed; SyncRejected names the first unreadable row."""
    from interlocal.importers.parsers import parse_legistar_json

    label = f"{client}/{page.kind} $skip={page.skip}"
    records: list[Any] = []
    problems: list[Any] = []
    parsed = parse_legistar_json(page.rows, client, kind=NESTED_KINDS.get(page.kind, page.kind), file=label)
    records.extend(parsed.value.records)
    problems.extend(parsed.problems)
    for nested, groups in page.nested.items():
        for parent, rows in groups.items():
            where = f"{client}/{page.kind}/{parent}/{nested}"
            parsed = parse_legistar_json(
                rows, client, kind=NESTED_KINDS[nested], parent_id=parent, file=where
            )
            records.extend(parsed.value.records)
            problems.extend(parsed.problems)
    if problems:
        first = problems[0]
        where = first.file if first.row is None else f"{first.file}, row {first.row}"
        raise SyncRejected(
            f"{where}, field {first.field}: {first.message} ({len(problems)} problem(s); the page was not stored)"
        )
    return records


def store_page(sync: LegistarSync, page: Page, acting_user: Person) -> Counts:
    """Store one page through the legislation ingest (one bulk write path with the legistar-api import)."""
    from interlocal.legislation.ingest import IngestRefused, ingest_batch

    records = parse_page(page, sync.client)
    try:
        return ingest_batch(
            government=sync.government,
            client=sync.client,
            batch=records,
            acting_user=acting_user,
            audit=False,
        )
    except IngestRefused as exc:
        raise SyncRejected(
            f"{sync.client}/{page.kind} $skip={page.skip}: {exc} (the page was not stored)"
        ) from None


def propose_adoptions(sync: LegistarSync, legistar_ids: list[int], acting_user: Person) -> tuple[int, str]:
    """Hand a committed page's matters to the adoption matcher (`adopt`'s propose_adoptions), if installed.

    It only proposes; a person confirms. Returns how many adoptions it found, and why it did not look if it could
    not (the acting user may not have this council's legislation matched).
    """
    module_name, function_name = ADOPTION_HOOK
    hook = getattr(importlib.import_module(module_name), function_name, None)
    if not callable(hook) or not legistar_ids:
        return 0, ""
    from django.core.exceptions import PermissionDenied, ValidationError

    from interlocal.agreements.models import LegislativeMatter

    pks: list[int] = []
    ids = sorted(set(legistar_ids))
    for start in range(0, len(ids), 500):
        pks += LegislativeMatter.objects.filter(
            government=sync.government, client=sync.client, matter_id__in=ids[start : start + 500]
        ).values_list("pk", flat=True)
    try:
        proposals = hook(acting_user=acting_user, government=sync.government, matter_ids=pks)
    except (PermissionDenied, ValidationError) as exc:
        return 0, f"adoptions were not looked for ({' '.join(str(exc).split())})"
    return len(proposals), ""


# --- the run ---------------------------------------------------------------------------------------------


def _start(sync: LegistarSync, since: dt.datetime | None, now: dt.datetime) -> bool:
    """Begin a run or resume the unfinished one; True when resuming. Saved at once, before any page.

    The row lock makes two runs of one sync (two cron ticks, a run from the shell) exclusive: the second refuses
    while the first has stored a page within the lease.
    """
    with transaction.atomic():
        fresh = LegistarSync.objects.select_for_update().get(pk=sync.pk)
        if fresh.is_running(now):
            raise SyncBusy(
                f"{sync.client}: another run is in progress (its last page was stored at "
                f"{fresh.cursor.get('heartbeat')}); a run that died silently is taken over after "
                f"{RUN_LEASE_MINUTES} minutes"
            )
        sync.refresh_from_db()
        return _begin(sync, since, now)


def _begin(sync: LegistarSync, since: dt.datetime | None, now: dt.datetime) -> bool:
    resumed = bool(sync.cursor) and since is None
    if not resumed:
        marks = {k: (_iso(since) if since else sync.high_water.get(k)) for k in KIND_ORDER}
        sync.cursor = {
            "started_at": _iso(now),
            "since": marks,
            "explicit_since": since is not None,
            "kind": KIND_ORDER[0],
            "skip": 0,
            "max_seen": {},
            "counts": {},
        }
    sync.cursor["heartbeat"] = _iso(now)
    sync.status = SyncStatus.RUNNING
    sync.last_started_at = now
    sync.last_error = ""
    sync.save(update_fields=["cursor", "status", "last_started_at", "last_error"])
    return resumed


def _commit_page(sync: LegistarSync, page: Page, page_size: int, store: Store, acting_user: Person) -> None:
    """Store the page and move the cursor past it in one transaction."""
    _, _, modified = PAGED_KINDS[page.kind]
    with transaction.atomic():
        stored = store(sync, page, acting_user)
        cursor = dict(sync.cursor)
        seen = [t for t in (parse_utc(row.get(modified)) for row in page.rows) if t is not None]
        max_seen = dict(cursor.get("max_seen", {}))
        if seen:
            best = max(seen)
            old = _when(max_seen.get(page.kind))
            max_seen[page.kind] = _iso(best if old is None else max(old, best))
        counts: Counter[str] = Counter(cursor.get("counts", {}))
        counts[page.kind] += len(page.rows)
        for nested, groups in page.nested.items():
            counts[nested] += sum(len(rows) for rows in groups.values())
        changes: dict[str, dict[str, int]] = dict(cursor.get("stored", {}))
        for kind, by_status in stored.summary().items():
            mine = Counter(changes.get(kind, {}))
            mine.update(by_status)
            changes[kind] = dict(mine)
        cursor.update(
            heartbeat=_iso(timezone.now()),
            stored=changes,
            max_seen=max_seen,
            counts=dict(counts),
        )
        if len(page.rows) < page_size:
            following = KIND_ORDER.index(page.kind) + 1
            cursor["kind"] = KIND_ORDER[following] if following < len(KIND_ORDER) else ""
            cursor["skip"] = 0
        else:
            cursor["skip"] = page.skip + len(page.rows)
        sync.cursor = cursor
        sync.save(update_fields=["cursor"])


def _new_high_water(sync: LegistarSync) -> dict[str, str]:
    """Marks after a complete run: the newest record seen, but never past the run's start less the margin."""
    cursor = sync.cursor
    started = _when(cursor.get("started_at")) or timezone.now()
    marks = dict(sync.high_water)
    for kind in KIND_ORDER:
        seen = _when(cursor.get("max_seen", {}).get(kind))
        run_since = _when(cursor.get("since", {}).get(kind))
        old = _when(marks.get(kind))
        if seen is None:
            continue
        if cursor.get("explicit_since") and run_since is not None and old is not None and run_since > old:
            continue  # a --since later than the mark skipped records between them: the mark stays
        candidate = min(seen, started - CLOCK_MARGIN)
        if old is None or candidate > old:
            marks[kind] = _iso(candidate) or ""
    return marks


def run_sync(
    sync: LegistarSync,
    *,
    acting_user: Person,
    since: dt.datetime | None = None,
    base_url: str | None = None,
    opener: Opener | None = None,
    sleep: Sleep | None = None,
    page_size: int | None = None,
    store: Store | None = None,
    now: Callable[[], dt.datetime] = timezone.now,
) -> SyncOutcome:
    """Run (or resume) one sync; errors end it with status "failed" and the cursor kept for the next run.

    A KeyboardInterrupt marks it "interrupted" and propagates. `since` starts a new run from that date instead
    of resuming or starting from the high-water marks.
    """
    api = LegistarClient(base_url_of(sync, base_url), sync.client, opener=opener or urllib_opener)
    if sleep is not None:
        api.sleep = sleep
    if page_size:
        api.page_size = page_size
    store = store or store_page
    resumed = _start(sync, since, now())
    proposals, notes = 0, []
    try:
        while kind := sync.cursor.get("kind"):
            skip = int(sync.cursor.get("skip", 0))
            page = fetch_page(api, kind, skip, _when(sync.cursor["since"].get(kind)))
            _commit_page(sync, page, api.page_size, store, acting_user)
            if kind == "matters":
                # The page is committed: the matcher reads its matters, and a failure there cannot undo it.
                found, why_not = propose_adoptions(sync, [row["MatterId"] for row in page.rows], acting_user)
                proposals += found
                notes.extend([why_not] if why_not and why_not not in notes else [])
    except (LegistarError, DatabaseError) as exc:
        message = str(exc) if isinstance(exc, LegistarError) else f"the database refused a write: {exc}"
        message = " ".join(message.split())
        _finish(sync, SyncStatus.FAILED, now(), api, error=message)
        return _outcome(sync, api, resumed, error=message)
    except KeyboardInterrupt:
        _finish(sync, SyncStatus.INTERRUPTED, now(), api, error="interrupted; the next run resumes")
        raise
    outcome = _outcome(sync, api, resumed)
    outcome.proposals, outcome.notes = proposals, notes
    with transaction.atomic():
        sync.high_water = _new_high_water(sync)
        sync.cursor = {}
        _finish(sync, SyncStatus.OK, now(), api)
        audit_record(
            acting_user=acting_user,
            verb="legistar_sync_run",
            obj=sync,
            government=sync.government,
            changes={"fetched": (None, dict(outcome.counts)), "stored": (None, outcome.stored)},
            note=outcome.summary(),
        )
    return outcome


def _outcome(sync: LegistarSync, api: LegistarClient, resumed: bool, error: str = "") -> SyncOutcome:
    return SyncOutcome(
        ok=not error,
        counts=Counter(sync.cursor.get("counts", {})),
        requests=api.requests,
        retries=api.retries,
        resumed=resumed,
        error=error,
        stored=dict(sync.cursor.get("stored", {})),
    )


def _finish(sync: LegistarSync, status: str, when: dt.datetime, api: LegistarClient, error: str = "") -> None:
    sync.status = status
    sync.last_finished_at = when
    sync.last_error = error[:2000]
    if status == SyncStatus.OK:
        sync.last_success_at = when
    sync.last_counts = {**sync.cursor.get("counts", {}), "requests": api.requests, "retries": api.retries}
    sync.save(
        update_fields=[
            "status",
            "last_finished_at",
            "last_error",
            "last_success_at",
            "last_counts",
            "high_water",
            "cursor",
        ]
    )


def due_syncs(now: dt.datetime) -> list[LegistarSync]:
    """Every enabled sync whose interval has passed (or whose last run did not finish)."""
    candidates = LegistarSync.objects.filter(enabled=True).select_related("government")
    return [sync for sync in candidates if sync.is_due(now)]
