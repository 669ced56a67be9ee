"""Rendering the reminder digest as e-mail text."""

from __future__ import annotations

import datetime as dt

from interlocal.tracking.queries import Digest


def render_digest(person: object, digest: Digest, today: dt.date) -> tuple[str, str]:
    """Subject and plain-text body of one person's digest."""
    n = len(digest.overdue_kpis) + len(digest.overdue_initiatives)
    subject = (
        f"Interlocal: {n} overdue update{'s' if n != 1 else ''}, {len(digest.deadlines)} agreement deadline"
        + ("s" if len(digest.deadlines) != 1 else "")
    )
    lines = [f"Hello {person},", "", f"Your Interlocal digest for {today:%B %-d, %Y}.", ""]
    if digest.overdue_kpis:
        lines.append("Measurements overdue:")
        lines += [
            f"  - {kpi.initiative.code or kpi.initiative.title}: {kpi.name} (due {due:%m/%d/%Y}; owner {kpi.owner or 'none'})"
            for kpi, due in digest.overdue_kpis
        ]
        lines.append("")
    if digest.overdue_initiatives:
        lines.append("Progress reports overdue:")
        lines += [
            f"  - {i.code + ': ' if i.code else ''}{i.title} ({i.get_stage_display()}, due {due:%m/%d/%Y})"
            for i, due in digest.overdue_initiatives
        ]
        lines.append("")
    if digest.deadlines:
        lines.append("Agreement deadlines:")
        lines += [f"  - {day:%m/%d/%Y}: {what}: {version}" for day, what, version in digest.deadlines]
        lines.append("")
    if digest.assessments:
        lines.append("Self-assessments to submit:")
        lines += [
            f"  - {member.round}: {member.government} ({member.get_status_display().lower()}, due {due:%m/%d/%Y})"
            for member, due in digest.assessments
        ]
        lines.append("")
    return subject, "\n".join(lines)
