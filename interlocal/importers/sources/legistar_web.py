"""Saved Legistar list pages: the legislation grid, the meeting calendar and the people list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied

from interlocal.agreements.models import LegislativeMatter
from interlocal.importers.base import MAX_LISTED_ROWS, Option, Report, RowOutcome, Source
from interlocal.importers.parsers.legistar_html import MAX_HTML_BYTES, PageError, decode_page
from interlocal.importers.parsers.legistar_web import (
    CALENDAR,
    LEGISLATION,
    WebEventRow,
    WebMatterRow,
    WebPage,
    WebPersonRow,
    parse_legistar_list_page,
)
from interlocal.importers.parsers.records import LegistarBody, LegistarEvent, LegistarPerson, LegistarRecord
from interlocal.importers.sources.legistar_detail import government_option, too_large, upsert_matter
from interlocal.legislation.ingest import Counts, IngestRefused, ingest_audit, ingest_batch
from interlocal.legislation.models import Body, Event, Official

_SINGULAR = {"bodies": "body", "persons": "person", "events": "event"}
# The grid's columns that are the matter's own fields, by the parser's names.
_MATTER_FIELDS = (
    "type_name",
    "status_name",
    "name",
    "title",
    "version",
    "intro_date",
    "agenda_date",
    "passed_date",
    "enactment_date",
    "enactment_number",
    "body_name",
)


class LegistarWebSource(Source):
    """A saved Legislation.aspx, Calendar.aspx or People.aspx page of any Legistar site."""

    name = "legistar-web"
    help = (
        "Legistar list pages saved from a client's site: Legislation.aspx, Calendar.aspx or People.aspx HTML"
    )
    extensions = (".html", ".htm")
    options = (
        Option("--government", "slug of the government whose council publishes the site", required=True),
        Option("--client", "Legistar client name (e.g. chicago); read from the page's links when absent"),
        Option("--base-url", "the page's address, to resolve relative links"),
    )

    def parse(self, path: Path, report: Report) -> WebPage | None:
        """Recognise the page by its grid and read every row; limits checked before reading."""
        if too_large(path, MAX_HTML_BYTES, "a page", report):
            return None
        try:
            text = decode_page(path.read_bytes())
        except PageError as exc:
            report.reject(None, "<file>", str(exc))
            return None
        parsed = parse_legistar_list_page(text, base_url=self.values.get("base_url"))
        for problem in parsed.problems:
            report.reject_parse(problem)
        return parsed.value

    def apply(self, parsed: WebPage, report: Report) -> None:
        """Upsert the page's matters through the matter actions, or its meetings / people in bulk."""
        government = government_option(self, report)
        if government is None:
            return
        client = self.values.get("client") or parsed.client
        shown = parsed.total if parsed.total is not None else None
        rows = len(parsed.matters or parsed.events or parsed.people)
        if shown is not None and shown > rows:
            report.note(
                f"the page lists {rows} of {shown} rows; save each page of the grid to import them all"
            )
        if parsed.extra_columns:
            report.note(f"columns read but not stored: {', '.join(parsed.extra_columns)}")
        if parsed.kind == LEGISLATION:
            for row in parsed.matters:
                self._matter(government, client, row, report)
            return
        if not client:
            report.reject(
                None, "--client", "the page's links name no Legistar site; give the client (e.g. chicago)"
            )
            return
        batch: list[LegistarRecord]
        if parsed.kind == CALENDAR:
            batch = self._events(government, client, parsed.events, report)
        else:
            batch = self._people(government, client, parsed.people, report)
        self._ingest(government, client, batch, report)

    # --- legislation ---------------------------------------------------------------------------------

    def _matter(self, government: Any, client: str | None, row: WebMatterRow, report: Report) -> None:
        existing = LegislativeMatter.objects.filter(
            government=government, file_number=row.file_number
        ).first()
        values: dict[str, Any] = {"file_number": row.file_number}
        for name in _MATTER_FIELDS:
            if name in row.present:
                value = getattr(row, name)
                values[name] = "" if value is None and name not in _DATES else value
        if not values.get("title"):
            values.pop("title", None)
            if existing is None or not existing.title:
                values["title"] = row.name or row.file_number
                report.note(f"{row.file_number}: the grid shows no title; the file number stands in for it")
        # The grid names only the prime sponsor; a list of all sponsors from a detail page stays.
        if row.sponsor and (existing is None or not existing.sponsors):
            values["sponsors"] = [row.sponsor]
        if row.matter_id is not None:
            values["matter_id"] = row.matter_id
        if row.detail_url and row.detail_url.startswith(("http://", "https://")):
            values["detail_url"] = row.detail_url[:500]
        if client and (self.values.get("client") or existing is None or not existing.client):
            values["client"] = client[:80]
        upsert_matter(self, government, existing, values, report, row.row)

    # --- meetings and people -------------------------------------------------------------------------

    def _events(
        self, government: Any, client: str, rows: tuple[WebEventRow, ...], report: Report
    ) -> list[LegistarRecord]:
        keyed = [r for r in rows if r.event_id is not None]
        for r in rows:
            if r.event_id is None:
                report.note(
                    f"row {r.row}: {r.body_name} {r.date}: no meeting link, so no EventId; not stored"
                )
        stored = {
            e.event_id: e
            for e in Event.objects.filter(
                government=government, client=client, event_id__in=[r.event_id for r in keyed]
            ).select_related("body")
        }
        known_bodies = set(
            Body.objects.filter(
                government=government, client=client, body_id__in=[r.body_id for r in keyed if r.body_id]
            ).values_list("body_id", flat=True)
        )
        batch: list[LegistarRecord] = []
        new_bodies = {r.body_id: r for r in keyed if r.body_id is not None and r.body_id not in known_bodies}
        for body_id, r in new_bodies.items():
            # A body the calendar names but no sync has stored yet: its id and name, the rest to come.
            batch.append(
                LegistarBody(
                    client, body_id, r.body_guid, r.body_name, None, None, None, None, meet_flag=True
                )
            )
        for r in keyed:
            old = stored.get(r.event_id or 0)

            def keep(new: Any, attr: str, old: Event | None = old) -> Any:
                # A column the page lacks (or shows "Not available") keeps what a sync or earlier page stored.
                return new if new not in (None, "") or old is None else getattr(old, attr) or None

            event_body: int | None = r.body_id
            if event_body is None and old is not None and old.body is not None:
                event_body = old.body.body_id
            batch.append(
                LegistarEvent(
                    client=client,
                    event_id=r.event_id or 0,
                    guid=keep(r.guid, "guid"),
                    body_id=event_body,
                    body_name=r.body_name,
                    date=keep(r.date, "date"),
                    time=keep(r.time, "time"),
                    location=keep(r.location, "location"),
                    agenda_status_name=old.agenda_status_name or None if old else None,
                    minutes_status_name=old.minutes_status_name or None if old else None,
                    agenda_file=keep(r.agenda_url, "agenda_file"),
                    minutes_file=keep(r.minutes_url, "minutes_file"),
                    insite_url=keep(r.details_url, "in_site_url"),
                    last_modified_utc=old.last_modified_utc if old else None,
                    video_path=keep(r.video_url, "video_path"),
                    comment=keep(r.topic, "comment"),
                )
            )
        return batch

    def _people(
        self, government: Any, client: str, rows: tuple[WebPersonRow, ...], report: Report
    ) -> list[LegistarRecord]:
        keyed = [r for r in rows if r.person_id is not None]
        for r in rows:
            if r.person_id is None:
                report.note(f"row {r.row}: {r.full_name}: no PersonDetail link, so no PersonId; not stored")
        stored = {
            p.person_id: p
            for p in Official.objects.filter(
                government=government, client=client, person_id__in=[r.person_id for r in keyed]
            )
        }
        batch: list[LegistarRecord] = []
        for r in keyed:
            old = stored.get(r.person_id or 0)
            # "Arena, John" on Chicago's list; "Adrienne E. Adams" on New York's.
            last, comma, first = r.full_name.partition(",")
            first_name, last_name = (first.strip(), last.strip()) if comma else (None, None)
            batch.append(
                LegistarPerson(
                    client=client,
                    person_id=r.person_id or 0,
                    guid=r.guid or (old.guid if old else None),
                    full_name=r.full_name,
                    first_name=first_name or (old.first_name if old else None),
                    last_name=last_name or (old.last_name if old else None),
                    email=r.email or (old.email if old else None),
                    active=True,
                    last_modified_utc=old.last_modified_utc if old else None,
                    www=r.website or (old.www if old else None),
                )
            )
        return batch

    def _ingest(self, government: Any, client: str, batch: list[LegistarRecord], report: Report) -> None:
        try:
            counts = ingest_batch(
                government=government, client=client, batch=batch, acting_user=self.acting_user, audit=False
            )
        except IngestRefused as exc:
            for where, why in exc.problems:
                report.reject(None, where, why)
            return
        except PermissionDenied as exc:
            report.reject(None, "--government", f"permission denied: {exc}")
            return
        if counts.changes and not report.dry_run:
            ingest_audit(
                government=government,
                client=client,
                counts=counts,
                acting_user=self.acting_user,
                note=f"legistar-web import of {Path(report.file).name} (client {client})",
            )
        _report_counts(counts, report)


_DATES = frozenset({"intro_date", "agenda_date", "passed_date", "enactment_date"})


def _report_counts(counts: Counts, report: Report) -> None:
    for counter in counts.kinds.values():
        report.counts.update(counter)
    for status, record, key, detail in counts.listed[: max(MAX_LISTED_ROWS - len(report.rows), 0)]:
        singular = _SINGULAR.get(record, record)
        report.rows.append(RowOutcome(status, singular, key.removeprefix(f"{singular} "), detail))
    for note in counts.notes:
        report.note(re.sub(r"\s+", " ", note))
