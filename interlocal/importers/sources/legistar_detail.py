"""Legistar "Legislation Details (With Text)" text or PDF, and LegislationDetail.aspx pages."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from interlocal.agreements import actions
from interlocal.agreements.models import LegislativeMatter, MatterAction
from interlocal.governments.models import Government
from interlocal.importers.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    Option,
    Report,
    Source,
    differences,
    read_text,
    row_guard,
)
from interlocal.importers.parsers import parse_legislation_detail_html, parse_legislation_text
from interlocal.importers.parsers.records import LegislativeMatterRecord, MatterActionRecord
from interlocal.importers.parsers.textrepair import looks_like_html


def government_option(source: Source, report: Report) -> Government | None:
    """The --government the matters belong to."""
    slug = source.option("government", report)
    if not slug:
        return None
    government = Government.objects.filter(slug=slug).first()
    if government is None:
        report.reject(None, "--government", f"no government with slug {slug!r}")
    return government


def passed_date_of(histories: Sequence[MatterActionRecord]) -> Any:
    """The date of the last action with a result, when that result is a pass; None otherwise."""
    flagged = [h for h in histories if h.result and h.action_date]
    if not flagged:
        return None
    last = max(flagged, key=lambda h: h.action_date or 0)
    return last.action_date if (last.result or "").lower().startswith("pass") else None


def upsert_actions(
    source: Source, matter: LegislativeMatter, rows: Sequence[MatterActionRecord], report: Report
) -> None:
    """Add or correct action rows, keyed by (date, action, version, body) within the matter."""
    for index, row in enumerate(rows):
        key = f"{matter.file_number} {row.action_date} {row.action_name}"
        if row.action_date is None or not row.action_name:
            report.reject(index, "histories", "an action needs a date and a name")
            continue
        version = "" if row.version is None else str(row.version)
        existing = MatterAction.objects.filter(
            matter=matter,
            action_date=row.action_date,
            action_name=row.action_name,
            version=version,
            action_body_name=row.action_body or "",
        ).first()
        values: dict[str, Any] = {
            "passed_flag_name": row.result or "",
            "tally": row.tally or "",
            "mover_name": row.mover or "",
            "seconder_name": row.seconder or "",
        }
        with row_guard(report, index, "histories"):
            if existing is None:
                actions.matter_action_add(
                    acting_user=source.acting_user,
                    matter=matter,
                    action_date=row.action_date,
                    action_name=row.action_name,
                    version=version,
                    action_body_name=row.action_body or "",
                    **values,
                )
                report.add(NEW, "action", key)
            elif changed := differences(existing, values):
                actions.matter_action_update(acting_user=source.acting_user, action=existing, **values)
                report.add(CHANGED, "action", key, ", ".join(changed))
            else:
                report.add(UNCHANGED, "action", key)


def upsert_attachments(
    source: Source,
    matter: LegislativeMatter,
    attachments: Sequence[tuple[str, str]],
    report: Report,
    first_position: int = 0,
) -> None:
    """Add or correct attachments, keyed by name within the matter."""
    for offset, (name, url) in enumerate(attachments):
        position = first_position + offset
        existing = matter.attachments.filter(name=name).first()
        key = f"{matter.file_number}: {name}"
        with row_guard(report, offset, "attachments"):
            if existing is None:
                actions.matter_attachment_add(
                    acting_user=source.acting_user, matter=matter, name=name, url=url, position=position
                )
                report.add(NEW, "attachment", key)
            elif changed := differences(existing, {"url": url, "position": position}):
                actions.matter_attachment_update(
                    acting_user=source.acting_user, attachment=existing, url=url, position=position
                )
                report.add(CHANGED, "attachment", key, ", ".join(changed))
            else:
                report.add(UNCHANGED, "attachment", key)


def upsert_matter(
    source: Source,
    government: Government,
    existing: LegislativeMatter | None,
    values: dict[str, Any],
    report: Report,
    row: int | None = None,
) -> LegislativeMatter | None:
    """Create or update one matter through the actions and report which."""
    key = values.get("file_number") or (existing.file_number if existing else "?")
    with row_guard(report, row):
        if existing is None:
            matter = actions.matter_create(acting_user=source.acting_user, government=government, **values)
            report.add(NEW, "matter", key)
            return matter
        changed = differences(existing, values)
        if changed:
            actions.matter_update(acting_user=source.acting_user, matter=existing, **values)
        report.add(CHANGED if changed else UNCHANGED, "matter", key, ", ".join(changed))
        return existing
    return None


class LegistarDetailSource(Source):
    """One matter from Legistar's detail export: text (or PDF through pdftotext) or the detail HTML page."""

    name = "legistar-detail"
    help = 'Legistar "Legislation Details (With Text)" text/PDF or LegislationDetail.aspx HTML'
    extensions = (".txt", ".pdf", ".html", ".htm")
    proposes_adoptions = True
    options = (Option("--government", "slug of the government whose council considered it", required=True),)

    def parse(self, path: Path, report: Report) -> LegislativeMatterRecord | None:
        """Read text, HTML or (with pdftotext installed) PDF, and parse it."""
        text = self._pdf_text(path, report) if path.suffix.lower() == ".pdf" else read_text(path, report)
        if text is None:
            return None
        parsed = (
            parse_legislation_detail_html(text) if looks_like_html(text) else parse_legislation_text(text)
        )
        for problem in parsed.problems:
            report.reject_parse(problem)
        if not parsed.value.file_number:
            report.reject(None, "file_number", "the matter has no file number")
        if not parsed.value.title:
            report.reject(None, "title", "the matter has no title")
        return parsed.value

    def _pdf_text(self, path: Path, report: Report) -> str | None:
        if path.read_bytes()[:5] != b"%PDF-":
            report.reject(None, "<file>", "not a PDF file")
            return None
        tool = shutil.which("pdftotext")
        if tool is None:
            report.reject(
                None, "<file>", "reading PDF needs pdftotext (poppler-utils); import the text instead"
            )
            return None
        done = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=False)
        if done.returncode != 0:
            report.reject(None, "<file>", f"pdftotext failed: {done.stderr.decode(errors='replace')[:200]}")
            return None
        return done.stdout.decode("utf-8", errors="replace")

    def apply(self, parsed: LegislativeMatterRecord, report: Report) -> None:
        """Upsert the matter on (government, file number), then its actions and attachments."""
        government = government_option(self, report)
        if government is None or not parsed.file_number:
            return
        rec = parsed
        # Legistar's status can lag the votes; the date of the final passing action decides.
        passed = rec.passed_date or passed_date_of(rec.histories)
        values: dict[str, Any] = {
            "client": (rec.client or "")[:80],
            "file_number": rec.file_number,
            "name": rec.name or "",
            "type_name": rec.type_name or "",
            "status_name": rec.status_name or "",
            "title": rec.title or "",
            "body_name": rec.body_name or "",
            "intro_date": rec.intro_date,
            "agenda_date": rec.agenda_date,
            "passed_date": passed,
            "enactment_number": rec.enactment_number or "",
            "version": "" if rec.version is None else str(rec.version),
            "sponsors": list(rec.sponsors),
            "indexes": list(rec.indexes),
            "code_sections": "\n".join(rec.code_sections),
            "text": rec.text or "",
        }
        existing = LegislativeMatter.objects.filter(
            government=government, file_number=rec.file_number
        ).first()
        matter = upsert_matter(self, government, existing, values, report)
        if matter is None:
            return
        upsert_actions(self, matter, rec.histories, report)
        urls = list(rec.attachment_urls) + [None] * (len(rec.attachments) - len(rec.attachment_urls))
        upsert_attachments(
            self,
            matter,
            [(name, url or "") for name, url in zip(rec.attachments, urls, strict=False)],
            report,
        )
