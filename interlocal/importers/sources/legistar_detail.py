"""Legistar "Legislation Details (With Text)" text or PDF, and LegislationDetail.aspx pages."""

from __future__ import annotations

import re
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
    row_guard,
)
from interlocal.importers.parsers import parse_legislation_detail_html, parse_legislation_text
from interlocal.importers.parsers.legistar_detail import layout_to_cells
from interlocal.importers.parsers.legistar_html import MAX_HTML_BYTES, PageError, decode_page
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
        if row.details_url:
            values["details_url"] = row.details_url[:500]
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


# A council PDF with its text runs to a few MB; a saved page or text export to one. The limits are checked
# before reading, so a wrong or hostile file costs neither time nor memory.
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_TEXT_BYTES = MAX_HTML_BYTES
PDFTOTEXT_TIMEOUT = 60


def too_large(path: Path, limit: int, what: str, report: Report) -> bool:
    """Refuse a file over the limit before reading it."""
    size = path.stat().st_size
    if size > limit:
        report.reject(
            None, "<file>", f"{what} of {size / 2**20:.1f} MB is larger than the {limit // 2**20} MB limit"
        )
        return True
    return False


class LegistarDetailSource(Source):
    """One matter from Legistar's detail export: text (or PDF through pdftotext) or the detail HTML page."""

    name = "legistar-detail"
    help = 'Legistar "Legislation Details (With Text)" text/PDF or LegislationDetail.aspx HTML'
    extensions = (".txt", ".pdf", ".html", ".htm")
    proposes_adoptions = True
    options = (
        Option("--government", "slug of the government whose council considered it", required=True),
        Option(
            "--client",
            "Legistar client name (e.g. chicago); kept on the matter, and https://CLIENT.legistar.com/ "
            "resolves the page's relative links when it does not say its own address",
        ),
        Option("--base-url", "the page's address, to resolve its relative links (View.ashx?M=F&ID=...)"),
    )

    def parse(self, path: Path, report: Report) -> LegislativeMatterRecord | None:
        """Read text, HTML or (with pdftotext installed) PDF, whatever the file's name, and parse it."""
        try:
            with path.open("rb") as handle:
                is_pdf = handle.read(5) == b"%PDF-"
        except OSError as exc:
            report.reject(None, "<file>", f"cannot read: {exc}")
            return None
        if is_pdf:
            text = self._pdf_text(path, report)
            html = False
        else:
            if too_large(path, MAX_TEXT_BYTES, "a page or text export", report):
                return None
            try:
                text = decode_page(path.read_bytes())
            except PageError as exc:
                report.reject(None, "<file>", str(exc))
                return None
            html = looks_like_html(text) or bool(re.match(r"\s*<(!--|\?xml)", text))
        if text is None:
            return None
        client = self.values.get("client") or None
        if html:
            parsed = parse_legislation_detail_html(text, client=client, base_url=self.values.get("base_url"))
        else:
            parsed = parse_legislation_text(text)
        for problem in parsed.problems:
            report.reject_parse(problem)
        if report.ok and not parsed.value.file_number:
            report.reject(None, "file_number", "the matter has no file number")
        return parsed.value

    def _pdf_text(self, path: Path, report: Report) -> str | None:
        tool = shutil.which("pdftotext")
        if tool is None:
            report.reject(
                None, "<file>", "reading PDF needs pdftotext (poppler-utils); import the text instead"
            )
            return None
        if too_large(path, MAX_PDF_BYTES, "a PDF", report):
            return None
        try:
            done = subprocess.run(
                [tool, "-layout", "-enc", "UTF-8", str(path), "-"],
                capture_output=True,
                check=False,
                timeout=PDFTOTEXT_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            report.reject(None, "<file>", f"pdftotext did not finish within {PDFTOTEXT_TIMEOUT} s")
            return None
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            report.reject(None, "<file>", f"pdftotext failed: {(reason or ['no message'])[-1][:200]}")
            return None
        if len(done.stdout) > MAX_TEXT_BYTES:
            report.reject(None, "<file>", f"the PDF's text is larger than {MAX_TEXT_BYTES // 2**20} MB")
            return None
        return layout_to_cells(done.stdout.decode("utf-8", errors="replace"))

    def apply(self, parsed: LegislativeMatterRecord, report: Report) -> None:
        """Upsert the matter on (government, file number) with the fields the page shows, then its actions
        and attachments; fields the page lacks keep their stored values."""
        government = government_option(self, report)
        if government is None or not parsed.file_number:
            return
        rec = parsed
        existing = LegislativeMatter.objects.filter(
            government=government, file_number=rec.file_number
        ).first()
        shown = rec.present

        def has(name: str) -> bool:
            return shown is None or name in shown

        candidates: dict[str, Any] = {
            "file_number": rec.file_number,
            "name": rec.name or "",
            "type_name": rec.type_name or "",
            "status_name": rec.status_name or "",
            "title": rec.title or "",
            "body_name": rec.body_name or "",
            "intro_date": rec.intro_date,
            "agenda_date": rec.agenda_date,
            "enactment_number": rec.enactment_number or "",
            "enactment_date": rec.enactment_date,
            "version": rec.version or "",
            "sponsors": list(rec.sponsors),
            "indexes": list(rec.indexes),
            "code_sections": "\n".join(rec.code_sections),
            "text": rec.text or "",
        }
        values = {k: v for k, v in candidates.items() if k == "file_number" or has(k)}
        if shown is None and rec.enactment_date is None:
            # The text export shows an enactment date only when there is one.
            del values["enactment_date"]
        # Legistar's status can lag the votes; the date of the final passing action decides.
        if has("passed_date") or rec.histories:
            passed = rec.passed_date or passed_date_of(rec.histories)
            if passed is not None or has("passed_date"):
                values["passed_date"] = passed
        if not values.get("title") and (existing is None or not existing.title):
            values["title"] = rec.name or rec.file_number
            report.note(f"{rec.file_number}: the page shows no title; the file number stands in for it")
        elif not values.get("title"):
            values.pop("title", None)
        # --client decides the client; a client read from the page only fills a blank one.
        client = self.values.get("client") or rec.client
        if client and (self.values.get("client") or existing is None or not existing.client):
            values["client"] = client[:80]
        if rec.matter_id is not None:
            values["matter_id"] = rec.matter_id
            if rec.page_url:
                values["detail_url"] = rec.page_url[:500]
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
