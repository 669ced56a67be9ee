"""Statements of purpose: parties, facilitator, action steps and first ideas of a collaborative."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from interlocal import access
from interlocal.agreements import actions as agreement_actions
from interlocal.agreements.models import Agreement
from interlocal.collaboratives import actions as collab_actions
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.governments.models import Government
from interlocal.importers.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    Option,
    Report,
    Source,
    bullets,
    ensure_government,
    find_government,
    read_text,
    row_guard,
)
from interlocal.importers.parsers import parse_statement
from interlocal.importers.parsers.records import StatementOfPurpose
from interlocal.initiatives import actions as initiative_actions
from interlocal.initiatives.models import Initiative
from interlocal.vocab import AgreementKind, GovernmentKind, InitiativeStatus, VersionKind

SEASON_MONTH = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}


def start_date(note: str | None) -> dt.date | None:
    """The first day of the season named in "would commence in fall 2018"."""
    match = re.search(r"\b(spring|summer|fall|autumn|winter)\s+(\d{4})\b", note or "", re.IGNORECASE)
    if match is None:
        return None
    return dt.date(int(match.group(2)), SEASON_MONTH[match.group(1).lower()], 1)


def statement_text(rec: StatementOfPurpose) -> str:
    """The statement as Markdown: purpose, background, action steps, start and ideas."""
    steps = "\n".join(f"{'  ' * item.level}- {item.text}" for item in rec.action_steps)
    parts = [
        rec.purpose or "",
        "## Background",
        *rec.background,
        "## Action steps",
        rec.action_steps_intro or "",
        steps,
        rec.start_note or "",
        "## Ideas",
        bullets(rec.ideas),
    ]
    return "\n\n".join(p for p in parts if p)


class StatementSource(Source):
    """A collaborative's statement of purpose, as text."""

    name = "statement"
    help = "statement of purpose (text) -> parties, memberships, agreement and ideas of --collaborative"
    extensions = (".txt", ".md")
    options = (
        Option("--collaborative", "slug of the collaborative the statement founds", required=True),
        Option("--joined-on", "date the parties joined (YYYY-MM-DD); default: the season the text names"),
    )

    def parse(self, path: Path, report: Report) -> StatementOfPurpose | None:
        """Parse the statement; any unreadable section rejects it."""
        text = read_text(path, report)
        if text is None:
            return None
        parsed = parse_statement(text)
        for problem in parsed.problems:
            report.reject_parse(problem)
        return parsed.value

    def _joined_on(self, rec: StatementOfPurpose, report: Report) -> dt.date | None:
        raw = self.values.get("joined_on")
        if raw:
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                report.reject(None, "--joined-on", f"not a date (YYYY-MM-DD): {raw!r}")
                return None
        day = start_date(rec.start_note)
        if day is None:
            report.reject(None, "start_note", "the text names no start season; give --joined-on")
        return day

    def apply(self, parsed: StatementOfPurpose, report: Report) -> None:
        """Upsert parties, memberships, the statement as an agreement, and each idea as a new initiative."""
        rec = parsed
        slug = self.option("collaborative", report)
        collab = Collaborative.objects.filter(slug=slug).first() if slug else None
        if slug and collab is None:
            report.reject(None, "--collaborative", f"no collaborative with slug {slug!r}")
        joined_on = self._joined_on(rec, report)
        if collab is None or joined_on is None:
            return
        facilitator = find_government(rec.facilitator or "") or find_government(
            rec.facilitator_abbreviation or ""
        )
        if facilitator is None or facilitator.pk != collab.facilitator_id:
            report.note(
                f"the statement names {rec.facilitator} as facilitator; {collab} has {collab.facilitator}"
            )
        else:
            report.add(UNCHANGED, "facilitator", str(facilitator))
        if not collab.purpose and rec.purpose:
            with row_guard(report, None, "purpose"):
                collab_actions.collaborative_update(
                    acting_user=self.acting_user, collaborative=collab, purpose=rec.purpose
                )
                report.add(CHANGED, "collaborative", collab.slug, "purpose")
        parties: list[Government] = []
        for name in rec.parties:
            government = ensure_government(self, report, name, GovernmentKind.CITY)
            if government is None:
                continue
            parties.append(government)
            self._membership(collab, government, joined_on, report)
        # Only governments that consented (accepted, current members) may be named as parties.
        members = access.current_member_ids(collab)
        waiting = [g.name for g in parties if g.pk not in members]
        if waiting:
            report.note(f"not yet parties, until they accept membership: {', '.join(waiting)}")
        self._agreement(collab, rec, [g for g in parties if g.pk in members], report)
        for idea in rec.ideas:
            self._idea(collab, idea, report)

    def _membership(
        self, collab: Collaborative, government: Government, joined_on: dt.date, report: Report
    ) -> None:
        if Membership.objects.filter(collaborative=collab, government=government).exists():
            report.add(UNCHANGED, "membership", str(government))
            return
        with row_guard(report, None, "parties"):
            membership = collab_actions.membership_propose(
                acting_user=self.acting_user, collaborative=collab, government=government, joined_on=joined_on
            )
            # A site administrator may accept for the government; anyone else leaves it proposed.
            if self.acting_user.has_perm("collaboratives.accept_membership", membership):
                collab_actions.membership_accept(acting_user=self.acting_user, membership=membership)
                report.add(NEW, "membership", str(government), f"from {joined_on}")
            else:
                report.add(NEW, "membership", str(government), f"proposed from {joined_on}")

    def _agreement(
        self, collab: Collaborative, rec: StatementOfPurpose, parties: list[Government], report: Report
    ) -> None:
        title = rec.title or "Statement of Purpose"
        text = statement_text(rec)
        agreement = Agreement.objects.filter(
            collaborative=collab, kind=AgreementKind.STATEMENT_OF_PURPOSE, title=title
        ).first()
        if agreement is not None:
            first = agreement.versions.order_by("number").first()
            if first is not None and first.text != text:
                # Versions are legal records; a different text is a new version, which a person decides.
                report.note(f"{title}: the stored text differs from this file and was left as it is")
            report.add(UNCHANGED, "agreement", title)
            return
        with row_guard(report, None, "title"):
            agreement = agreement_actions.agreement_create(
                acting_user=self.acting_user,
                collaborative=collab,
                kind=AgreementKind.STATEMENT_OF_PURPOSE,
                title=title,
                summary=rec.purpose or "",
            )
            agreement_actions.agreement_version_create(
                acting_user=self.acting_user,
                agreement=agreement,
                kind=VersionKind.ORIGINAL,
                title=title,
                parties=parties,
                text=text,
            )
            report.add(NEW, "agreement", title, f"parties: {', '.join(g.name for g in parties)}")

    def _idea(self, collab: Collaborative, idea: str, report: Report) -> None:
        title = idea[:300]
        if Initiative.objects.filter(collaborative=collab, plan=None, title=title).exists():
            report.add(UNCHANGED, "initiative", title)
            return
        with row_guard(report, None, "ideas"):
            initiative_actions.initiative_create(
                acting_user=self.acting_user,
                collaborative=collab,
                title=title,
                description=idea,
                status=InitiativeStatus.NEW,
            )
            report.add(NEW, "initiative", title, "idea")
