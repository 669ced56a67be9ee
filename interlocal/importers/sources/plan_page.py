"""Plan recommendation pages (e.g. St. Louis County's LR.33) become initiatives of a plan."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from interlocal.collaboratives.models import Collaborative
from interlocal.governments.models import Government
from interlocal.importers.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    Option,
    Report,
    Source,
    bullets,
    differences,
    ensure_government,
    partner_kind,
    read_text,
    row_guard,
)
from interlocal.importers.parsers import parse_plan_page
from interlocal.importers.parsers.records import PlanLink, PlanRecommendation
from interlocal.initiatives import actions
from interlocal.initiatives.models import Initiative, Plan
from interlocal.vocab import CostBand, InitiativeStatus, PartnerRole, TermKind, TimelineBand

# The parser cannot always tell which option is selected; those fields stay unknown and the report says so.
UNKNOWABLE = {"cost_band", "timeline_band", "sustainability_considerations", "markers"}


def position_of(code: str) -> int | None:
    """The plan order from a code's number: LR.33 -> 33."""
    match = re.search(r"(\d+)\s*$", code)
    return int(match.group(1)) if match else None


def choice(label: str | None, choices: Any) -> str | None:
    """The vocabulary value whose label or value starts like the text (Near-term (Within 5 Years) -> near)."""
    if not label:
        return None
    head = label.split("(")[0].strip().lower()
    for value, text in choices.choices:
        if head in (value, str(text).split("(")[0].strip().lower()):
            return str(value)
    return None


class PlanPageSource(Source):
    """A plan's recommendation page, as text or HTML."""

    name = "plan-page"
    help = "plan recommendation page (text or HTML) -> initiative of --plan in --collaborative"
    extensions = (".txt", ".html", ".htm")
    options = (
        Option("--collaborative", "slug of the collaborative that owns the plan", required=True),
        Option("--plan", "slug of the plan (created, named after the slug, when absent)", required=True),
    )

    def parse(self, path: Path, report: Report) -> PlanRecommendation | None:
        """Parse the page; unknowable option fields become notes, anything else rejects the page."""
        text = read_text(path, report)
        if text is None:
            return None
        parsed = parse_plan_page(text)
        for problem in parsed.problems:
            if problem.field == "markers" or (
                problem.field in UNKNOWABLE and getattr(parsed.value, problem.field, None)
            ):
                report.note(f"{problem.field}: {problem.message}")
            elif problem.field in UNKNOWABLE:
                report.note(f"{problem.field} left unknown: {problem.message}")
            else:
                report.reject_parse(problem)
        rec = parsed.value
        if rec.status is not None and choice(rec.status, InitiativeStatus) is None:
            report.reject(None, "status", f"unknown status {rec.status!r}")
        for column, value, vocab in (
            ("cost_band", rec.cost_band, CostBand),
            ("timeline_band", rec.timeline_band, TimelineBand),
        ):
            if value is not None and choice(value, vocab) is None:
                report.reject(None, column, f"unknown option {value!r}")
        return rec

    def _plan(self, report: Report) -> Plan | None:
        collab_slug, plan_slug = self.option("collaborative", report), self.option("plan", report)
        if not collab_slug or not plan_slug:
            return None
        collab = Collaborative.objects.filter(slug=collab_slug).first()
        if collab is None:
            report.reject(None, "--collaborative", f"no collaborative with slug {collab_slug!r}")
            return None
        plan = Plan.objects.filter(slug=plan_slug).first()
        if plan is None:
            with row_guard(report, None, "--plan"):
                plan = actions.plan_create(
                    acting_user=self.acting_user,
                    collaborative=collab,
                    name=plan_slug.replace("-", " ").title(),
                    slug=plan_slug,
                )
                report.add(NEW, "plan", plan_slug)
        elif plan.collaborative_id != collab.pk:
            report.reject(None, "--plan", f"plan {plan_slug!r} belongs to {plan.collaborative}")
            return None
        return plan

    def apply(self, parsed: PlanRecommendation, report: Report) -> None:
        """Upsert the recommendation on (plan, code), then its terms, partners and neighbours in order."""
        plan = self._plan(report)
        code = parsed.code
        if plan is None or code is None:
            return
        rec = parsed
        values: dict[str, Any] = {
            "plan_position": position_of(rec.code or ""),
            "title": rec.title or rec.code,
            "description": rec.description or "",
            "status": choice(rec.status, InitiativeStatus) or InitiativeStatus.NEW,
            "is_project": "project" in rec.types,
            "is_partnership": "partnership" in rec.types,
            "is_policy": "policy" in rec.types,
            "equity_considerations": bullets(rec.equity_considerations),
            "tracking_implementation": rec.tracking_implementation or "",
            "tracking_success": list(rec.tracking_success),
            "if_overperforming": rec.if_overperforming or "",
            "if_underperforming": rec.if_underperforming or "",
        }
        # Fields the page does not show are left as they are rather than blanked.
        if rec.sustainability_considerations:
            values["sustainability_considerations"] = bullets(rec.sustainability_considerations)
        if rec.cost_band:
            values["cost_band"] = choice(rec.cost_band, CostBand)
        if rec.timeline_band:
            values["timeline_band"] = choice(rec.timeline_band, TimelineBand)
        terms: dict[str, list[str]] = {
            TermKind.PLAN_GOAL: list(rec.plan_goals),
            TermKind.TOPIC_AREA: list(rec.topic_areas),
            TermKind.GEOGRAPHIC_SCALE: list(rec.geographic_scales),
            TermKind.KEY_ISSUE: list(rec.key_issues),
            TermKind.FUNDING_SOURCE: list(rec.funding_sources),
        }
        partner_names = {PartnerRole.LEAD: rec.lead_partners, PartnerRole.SUPPORTING: rec.supporting_partners}
        partners: dict[str, list[Government]] = {
            role: [g for g in (ensure_government(self, report, n, partner_kind(n)) for n in names) if g]
            for role, names in partner_names.items()
        }
        with row_guard(report, None):
            self._upsert(plan, code, values, terms, partners, report)
        for link in (rec.previous, rec.next):
            if link is not None:
                self._placeholder(plan, link, report)

    def _upsert(
        self,
        plan: Plan,
        code: str,
        values: dict[str, Any],
        terms: dict[str, list[str]],
        partners: dict[str, list[Government]],
        report: Report,
    ) -> None:
        initiative = Initiative.objects.filter(plan=plan, code=code).first()
        if initiative is None:
            actions.initiative_create(
                acting_user=self.acting_user,
                collaborative=plan.collaborative,
                plan=plan,
                code=code,
                terms=terms,
                partners=partners,
                **values,
            )
            report.add(NEW, "initiative", code)
            return
        changed = list(differences(initiative, values))
        if changed:
            actions.initiative_update(acting_user=self.acting_user, initiative=initiative, **values)
        before_terms = {k: sorted(t.name for t in initiative.terms.filter(kind=k)) for k in terms}
        if before_terms != {k: sorted(v) for k, v in terms.items()}:
            actions.initiative_set_terms(acting_user=self.acting_user, initiative=initiative, terms=terms)
            changed.append("terms")
        before_partners = {
            role: list(initiative.partners.filter(role=role).values_list("government_id", flat=True))
            for role in partners
        }
        if before_partners != {role: [g.pk for g in govs] for role, govs in partners.items()}:
            actions.initiative_set_partners(
                acting_user=self.acting_user, initiative=initiative, partners=partners
            )
            changed.append("partners")
        report.add(CHANGED if changed else UNCHANGED, "initiative", code, ", ".join(changed))

    def _placeholder(self, plan: Plan, link: PlanLink, report: Report) -> None:
        # Previous/next follow plan_position, so a neighbour the plan has not imported yet gets a placeholder;
        # an existing initiative is never overwritten by the link's truncated title.
        if Initiative.objects.filter(plan=plan, code=link.code).exists():
            report.add(UNCHANGED, "initiative", link.code, "previous/next link")
            return
        with row_guard(report, None, "previous/next"):
            actions.initiative_create(
                acting_user=self.acting_user,
                collaborative=plan.collaborative,
                plan=plan,
                code=link.code,
                title=link.title,
                plan_position=position_of(link.code),
            )
            report.add(NEW, "initiative", link.code, "placeholder from a previous/next link")
