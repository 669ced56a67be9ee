"""Saved Legistar Web API responses: matters and their histories, attachments, sponsors and indexes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from interlocal.agreements.models import LegislativeMatter
from interlocal.governments.models import Government
from interlocal.importers.base import NEW, Option, Report, Source, row_guard
from interlocal.importers.parsers import dedupe_histories, load_legistar_file, matter_outcome
from interlocal.importers.parsers.records import (
    LegistarAttachment,
    LegistarBatch,
    LegistarMatter,
    LegistarMatterHistory,
    LegistarMatterIndex,
    LegistarSponsor,
)
from interlocal.importers.sources.legistar_detail import (
    government_option,
    upsert_actions,
    upsert_attachments,
    upsert_matter,
)

# Interlocal keeps no record type for these yet; the import says so instead of pretending to store them.
NOT_STORED = {"votes", "event_items", "events", "indexes", "bodies", "persons"}
NESTED = {"histories", "attachments", "sponsors", "matter_indexes"}


class LegistarApiSource(Source):
    """One saved JSON response of the Legistar Web API; records are keyed by (client, id)."""

    name = "legistar-api"
    help = "Legistar Web API JSON (matters, histories, attachments, sponsors, indexes, events...)"
    extensions = (".json",)
    proposes_adoptions = True
    options = (
        Option("--government", "slug of the government the client's matters belong to", required=True),
        Option("--client", "Legistar client name, e.g. chicago or metro", required=True),
        Option("--parent", "MatterId of a nested response (/matters/{id}/histories, /attachments...)"),
        Option("--kind", "record kind when it cannot be detected (matters, histories, attachments...)"),
    )

    def parse(self, path: Path, report: Report) -> LegistarBatch | None:
        """Decode and parse the response; any unreadable row rejects the file."""
        client = self.option("client", report)
        parent_raw = self.values.get("parent")
        parent = None
        if parent_raw:
            if not str(parent_raw).isdigit():
                report.reject(None, "--parent", f"not a MatterId: {parent_raw!r}")
                return None
            parent = int(parent_raw)
        if not client:
            return None
        try:
            parsed = load_legistar_file(path, client, parent_id=parent, kind=self.values.get("kind"))
        except ValueError as exc:
            report.reject(None, "--kind", str(exc))
            return None
        for problem in parsed.problems:
            report.reject_parse(problem)
        return parsed.value

    def apply(self, parsed: LegistarBatch, report: Report) -> None:
        """Upsert the batch's records according to their kind."""
        government = government_option(self, report)
        if government is None:
            return
        kind = parsed.kind
        if kind in NOT_STORED or kind is None:
            report.note(
                f"{len(parsed.records)} Legistar {kind or 'unknown'} records read; Interlocal does not store them"
            )
            return
        if kind == "matters":
            for index, record in enumerate(parsed.records):
                assert isinstance(record, LegistarMatter)
                self._matter(government, record, report, index)
            return
        groups: dict[int | None, list[Any]] = defaultdict(list)
        for record in parsed.records:
            groups[getattr(record, "matter_id", None)].append(record)
        for matter_id, records in groups.items():
            if matter_id is None:
                report.reject(
                    None, "--parent", f"{kind} rows do not name their matter; give --parent MatterId"
                )
                continue
            matter = self._matter_for(government, matter_id, report)
            if matter is None:
                continue
            if kind == "histories":
                self._histories(matter, records, report)
            elif kind == "attachments":
                rows: list[LegistarAttachment] = sorted(records, key=lambda a: (a.sort or 0, a.attachment_id))
                upsert_attachments(self, matter, [(a.name or "", a.hyperlink or "") for a in rows], report)
            elif kind == "sponsors":
                sponsors: list[LegistarSponsor] = sorted(
                    records, key=lambda s: (s.sequence or 0, s.sponsor_id)
                )
                self._set(government, matter, {"sponsors": [s.name for s in sponsors if s.name]}, report)
            elif kind == "matter_indexes":
                indexes: list[LegistarMatterIndex] = records
                self._set(government, matter, {"indexes": [i.name for i in indexes if i.name]}, report)

    def _existing(self, government: Government, matter_id: int) -> LegislativeMatter | None:
        client = self.values["client"]
        return LegislativeMatter.objects.filter(
            government=government, client=client, matter_id=matter_id
        ).first()

    def _matter(self, government: Government, m: LegistarMatter, report: Report, row: int) -> None:
        if not m.file:
            report.reject(row, "MatterFile", "empty; a matter needs its file number")
            return
        values: dict[str, Any] = {
            "client": m.client,
            "matter_id": m.matter_id,
            "file_number": m.file,
            "name": m.name or "",
            "type_name": m.type_name or "",
            "status_name": m.status_name or "",
            "title": m.title or m.name or m.file,
            "body_name": m.body_name or "",
            "intro_date": m.intro_date,
            "agenda_date": m.agenda_date,
            "passed_date": m.passed_date,
            "enactment_number": m.enactment_number or "",
            "version": "" if m.version is None else str(m.version),
        }
        existing = self._existing(government, m.matter_id)
        if existing is not None and not existing.is_published and existing.file_number == f"#{m.matter_id}":
            # The placeholder made by an earlier nested import now gets its real record and is shown.
            values["is_published"] = True
        upsert_matter(self, government, existing, values, report, row)

    def _matter_for(self, government: Government, matter_id: int, report: Report) -> LegislativeMatter | None:
        existing = self._existing(government, matter_id)
        if existing is not None:
            return existing
        # Nested responses may come before their matter; a hidden placeholder keeps (client, id) until it does.
        with row_guard(report, None, "--parent"):
            from interlocal.agreements.actions import matter_create

            placeholder = matter_create(
                acting_user=self.acting_user,
                government=government,
                file_number=f"#{matter_id}",
                title=f"Legistar matter {matter_id} (its matter record is not imported yet)",
                client=self.values["client"],
                matter_id=matter_id,
                is_published=False,
            )
            report.add(NEW, "matter", f"#{matter_id}", "placeholder until its matter record is imported")
            return placeholder
        return None

    def _histories(
        self, matter: LegislativeMatter, rows: list[LegistarMatterHistory], report: Report
    ) -> None:
        kept = dedupe_histories(rows)
        if len(kept) < len(rows):
            report.note(f"{len(rows) - len(kept)} duplicate history rows of one event action were merged")
        upsert_actions(self, matter, [h.to_action_record() for h in kept], report)
        outcome = matter_outcome(kept)
        if outcome.passed is not None:
            # The votes decide whether it passed; MatterStatusName is not trusted for this.
            passed_date = outcome.action_date if outcome.passed else None
            self._set(matter.government, matter, {"passed_date": passed_date}, report)

    def _set(
        self, government: Government, matter: LegislativeMatter, values: dict[str, Any], report: Report
    ) -> None:
        values = {"file_number": matter.file_number, **values}
        upsert_matter(self, government, matter, values, report)
