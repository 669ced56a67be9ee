"""Saved Legistar Web API responses: matters (with histories, sponsors, attachments, indexes), bodies, persons,
office records, events, event items and roll-call votes, streamed and stored in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from interlocal.importers.base import MAX_LISTED_ROWS, Option, Report, RowOutcome, Source
from interlocal.importers.parsers.legistar_api import KINDS, iter_legistar_file
from interlocal.importers.sources.legistar_detail import government_option
from interlocal.legislation.ingest import Counts, IngestRefused, ingest_audit, ingest_batch

# The client's subject vocabulary has no table of its own; a matter's indexes are kept on the matter.
NOT_STORED = {"indexes"}
SINGULAR = {
    "matters": "matter",
    "actions": "action",
    "attachments": "attachment",
    "bodies": "body",
    "persons": "person",
    "office_records": "office record",
    "events": "event",
    "event_items": "event item",
    "votes": "vote",
}
# Top-level records per transaction savepoint and per bulk write; bounds memory on any file size.
CHUNK_RECORDS = 2000


@dataclass(frozen=True)
class LegistarFile:
    """What parse() checked; apply() streams the file itself."""

    path: Path
    client: str
    parent: int | None
    kind: str | None


class LegistarApiSource(Source):
    """One saved JSON response of the Legistar Web API; records are keyed by (client, id)."""

    name = "legistar-api"
    help = (
        "Legistar Web API JSON (matters, histories, sponsors, attachments, bodies, persons, events, votes...)"
    )
    extensions = (".json",)
    proposes_adoptions = True
    options = (
        Option("--government", "slug of the government the client's records belong to", required=True),
        Option("--client", "Legistar client name, e.g. chicago, metro or nyc", required=True),
        Option("--parent", "MatterId (or EventId, EventItemId, PersonId) of a nested response"),
        Option("--kind", "record kind when it cannot be detected (matters, histories, events, votes...)"),
    )

    def parse(self, path: Path, report: Report) -> LegistarFile | None:
        """Check the options; the records are read while they are stored, a chunk at a time."""
        client = self.option("client", report)
        parent_raw = self.values.get("parent")
        parent = None
        if parent_raw:
            if not str(parent_raw).isdigit():
                report.reject(None, "--parent", f"not a Legistar id: {parent_raw!r}")
                return None
            parent = int(parent_raw)
        kind = self.values.get("kind") or None
        if kind is not None and kind not in {k for k, _, _ in KINDS}:
            report.reject(None, "--kind", f"unknown Legistar record kind {kind!r}")
            return None
        if not client:
            return None
        return LegistarFile(path, client, parent, kind)

    def apply(self, parsed: LegistarFile, report: Report) -> None:
        """Stream the file in chunks; each chunk's records are stored in bulk; any problem rejects the file."""
        government = government_option(self, report)
        if government is None:
            return
        total = Counts()
        kind: str | None = None
        for chunk in iter_legistar_file(
            parsed.path, parsed.client, parent_id=parsed.parent, kind=parsed.kind, chunk_records=CHUNK_RECORDS
        ):
            for problem in chunk.problems:
                report.reject_parse(problem)
            kind = chunk.value.kind or kind
            if not report.ok:
                # Keep reading to list the file's other problems; nothing more is written.
                continue
            if chunk.value.kind in NOT_STORED:
                total.notes.append(f"{len(chunk.value.records)} Legistar {kind} records read; not stored")
                continue
            try:
                counts = ingest_batch(
                    government=government,
                    client=parsed.client,
                    batch=chunk.value.records,
                    acting_user=self.acting_user,
                    audit=False,
                )
            except IngestRefused as exc:
                for where, why in exc.problems:
                    report.reject(None, where, why)
                continue
            total.merge(counts)
        if report.ok and total.changes and not report.dry_run:
            ingest_audit(
                government=government,
                client=parsed.client,
                counts=total,
                acting_user=self.acting_user,
                note=f"legistar-api import of {Path(report.file).name} (client {parsed.client})",
            )
        for note in dict.fromkeys(total.notes):
            report.note(note)
        for counter in total.kinds.values():
            report.counts.update(counter)
        for status, record, key, detail in total.listed[: MAX_LISTED_ROWS - len(report.rows)]:
            report.rows.append(RowOutcome(status, SINGULAR.get(record, record), key, detail))
