"""The plan's data as one JSON-ready dict: what a published version freezes and every output renders.

`build_snapshot(plan, published_only=True)` is what publishing stores: only published initiatives and agreements
(a published plan is a public document), every figure with the id and path of the record it came from. The draft
preview calls it with published_only=False for the collaborative's members. Pages, PDF, Word, CSV and JSON all
render from this dict, never from live rows, so a published version reads the same forever.

A fixed number of queries whatever the plan's size (the bench and the query-count tests rely on it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from interlocal.agreements.models import Agreement, AgreementVersion
from interlocal.costshare.models import SavingsEntry
from interlocal.initiatives.models import Initiative, InitiativePartner
from interlocal.reports import planning
from interlocal.reports.models import ActionPlan
from interlocal.tracking.models import Kpi, Measurement, ResponseTrigger
from interlocal.vocab import CostBand, KpiStatus, PartnerRole, Stage, TermKind, TimelineBand

SCHEMA_VERSION = "plan-snapshot-1"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _initiative_qs(plan: ActionPlan, published_only: bool) -> Any:
    qs = Initiative.objects.filter(collaborative_id=plan.collaborative_id)
    if published_only:
        qs = qs.filter(is_published=True)
    return qs


def included_initiatives(plan: ActionPlan, *, published_only: bool) -> list[Initiative]:
    """The chosen initiatives in their order, then those the filter adds (by code and title), each once."""
    partners = InitiativePartner.objects.select_related("government").order_by("role", "position", "id")
    base = _initiative_qs(plan, published_only).prefetch_related(
        "terms", Prefetch("partners", queryset=partners)
    )
    chosen_ids = list(plan.items.order_by("position", "id").values_list("initiative_id", flat=True))
    query = Q(pk__in=chosen_ids)
    if plan.has_filter:
        match = Q()
        if plan.filter_stages:
            match &= Q(stage__in=plan.filter_stages)
        if plan.filter_timeline_bands:
            match &= Q(timeline_band__in=plan.filter_timeline_bands)
        if plan.filter_topics:
            match &= Q(
                pk__in=Initiative.terms.through.objects.filter(
                    term__kind=TermKind.TOPIC_AREA, term__slug__in=plan.filter_topics
                ).values("initiative_id")
            )
        if plan.source_plan_id:
            match &= Q(plan_id=plan.source_plan_id)
        query |= match
    rows = {i.pk: i for i in base.filter(query)}
    ordered = [rows[pk] for pk in chosen_ids if pk in rows]
    seen = {i.pk for i in ordered}
    ordered += sorted((i for i in rows.values() if i.pk not in seen), key=lambda i: (i.code, i.title, i.pk))
    return ordered


def _gov(g: Any) -> dict[str, Any]:
    return {"id": g.pk, "name": g.name, "url": reverse("portal:government", args=[g.slug])}


def build_snapshot(plan: ActionPlan, *, published_only: bool = True) -> dict[str, Any]:
    """Everything the plan shows, as plain JSON data (see the module's docstring)."""
    today = timezone.localdate()
    years = planning.plan_years(plan.start_year, plan.end_year)
    initiatives = included_initiatives(plan, published_only=published_only)
    ids = [i.pk for i in initiatives]
    kpis: dict[int, list[Kpi]] = defaultdict(list)
    kpi_list = list(Kpi.objects.filter(initiative_id__in=ids).order_by("initiative_id", "name", "id"))
    for kpi in kpi_list:
        kpis[kpi.initiative_id].append(kpi)
    latest: dict[int, Measurement] = {}
    for m in Measurement.objects.filter(kpi__in=kpi_list).order_by("kpi_id", "measured_on", "id"):
        latest[m.kpi_id] = m
    triggers: dict[int, list[ResponseTrigger]] = defaultdict(list)
    for t in ResponseTrigger.objects.filter(kpi__in=kpi_list).order_by("-triggered_at", "-id"):
        triggers[t.kpi_id].append(t)
    savings_rows = list(
        SavingsEntry.objects.filter(initiative_id__in=ids).order_by("fiscal_year", "initiative_id", "id")
    )
    versions = AgreementVersion.objects.prefetch_related("party_rows__government", "adoptions__government")
    agreements_qs = Agreement.objects.filter(collaborative_id=plan.collaborative_id)
    if published_only:
        agreements_qs = agreements_qs.filter(is_published=True)
    agreement_list = list(
        agreements_qs.prefetch_related(
            Prefetch("versions", queryset=versions.order_by("number")), "initiatives"
        ).order_by("title", "id")
    )

    stage_labels = dict(Stage.choices)
    band_labels = dict(TimelineBand.choices)
    cost_labels = dict(CostBand.choices)
    status_labels = dict(KpiStatus.choices)
    rows: list[dict[str, Any]] = []
    partners: dict[int, dict[str, Any]] = {}
    for i in initiatives:
        placed = planning.place(
            start_year=plan.start_year,
            end_year=plan.end_year,
            timeline_band=i.timeline_band,
            start_on=i.start_on,
            end_on=i.end_on,
        )
        lead = [_gov(p.government) for p in i.partners_of(PartnerRole.LEAD)]
        supporting = [_gov(p.government) for p in i.partners_of(PartnerRole.SUPPORTING)]
        for role, govs in (("lead", lead), ("supporting", supporting)):
            for g in govs:
                entry = partners.setdefault(g["id"], {**g, "lead": [], "supporting": []})
                entry[role].append(i.pk)
        rows.append(
            {
                "id": i.pk,
                "code": i.code,
                "title": i.title,
                "label": str(i),
                "url": reverse("portal:initiative", args=[i.pk]),
                "description": i.description,
                "stage": i.stage,
                "stage_label": stage_labels.get(i.stage, i.stage),
                "timeline_band": i.timeline_band,
                "timeline_label": band_labels.get(i.timeline_band, "Not set"),
                "start_on": _date(i.start_on),
                "end_on": _date(i.end_on),
                "years": list(placed.years),
                "placed_by": placed.basis,
                "after_plan": placed.beyond,
                "cost_band": i.cost_band,
                "cost_band_label": cost_labels.get(i.cost_band, "Not set"),
                "cost_estimate": _money(i.cost_estimate),
                "lead": lead,
                "supporting": supporting,
                "funding_sources": [t.name for t in i.terms_of(TermKind.FUNDING_SOURCE)],
                "topics": [t.name for t in i.terms_of(TermKind.TOPIC_AREA)],
                "tracking_implementation": i.tracking_implementation,
                "measures_of_success": list(i.tracking_success or []),
                "if_overperforming": i.if_overperforming,
                "if_underperforming": i.if_underperforming,
                "kpis": [
                    _kpi(k, latest.get(k.pk), triggers.get(k.pk, []), status_labels) for k in kpis[i.pk]
                ],
                "equity": i.equity_considerations,
                "sustainability": i.sustainability_considerations,
            }
        )

    included = set(ids)
    agreements = []
    for a in agreement_list:
        version = next(reversed(list(a.versions.all())), None)
        if version is None:
            continue
        linked = [i.pk for i in a.initiatives.all() if i.pk in included]
        if version.in_force_on(today):
            status = "in_force"
        elif version.in_force_from is None:
            status = "awaiting"
        elif version.in_force_from > today:
            status = "adopted_not_yet_effective"
        else:
            status = "ended"
        parties = [p.government for p in version.party_rows.all()]
        adopted = {ad.government_id: ad for ad in version.adoptions.all()}
        agreements.append(
            {
                "id": a.pk,
                "title": a.title,
                "url": reverse("portal:agreement", args=[a.pk]),
                "kind": a.get_kind_display(),
                "version": version.number,
                "version_title": version.title,
                "status": status,
                "in_force_from": _date(version.in_force_from),
                "renewal_on": _date(version.renewal_on),
                "adoption_due_on": _date(version.adoption_due_on),
                "parties": [
                    {
                        **_gov(g),
                        "adopted_on": _date(adopted[g.pk].adopted_on) if g.pk in adopted else None,
                    }
                    for g in parties
                ],
                "initiative_ids": linked,
            }
        )

    savings_entries = [
        {
            "initiative_id": s.initiative_id,
            "fiscal_year": s.fiscal_year,
            "projected": _money(s.projected_saving),
            "actual": _money(s.actual_saving),
            "certified": s.certified_at is not None,
        }
        for s in savings_rows
    ]
    by_year = planning.savings_by_year(
        (
            (s.fiscal_year, s.projected_saving, s.actual_saving, s.certified_at is not None)
            for s in savings_rows
        ),
        years,
    )
    return {
        "schema": SCHEMA_VERSION,
        "engine": planning.ENGINE_VERSION,
        "built_on": today.isoformat(),
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "summary": plan.summary,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "years": list(years),
            "collaborative": {
                "id": plan.collaborative_id,
                "name": plan.collaborative.name,
                "url": reverse("portal:collaborative", args=[plan.collaborative.slug]),
            },
            "source_plan": None
            if plan.source_plan is None
            else {"id": plan.source_plan_id, "name": plan.source_plan.name},
        },
        "sections": [
            {"title": s.title, "body": s.body, "position": s.position}
            for s in plan.sections.order_by("position", "id")
        ],
        "initiatives": rows,
        "partners": sorted(partners.values(), key=lambda p: (-len(p["lead"]), p["name"])),
        "agreements": agreements,
        "savings": savings_entries,
        "savings_by_year": [
            {
                "year": y.year,
                "projected": _money(y.projected),
                "certified": _money(y.certified),
                "uncertified": _money(y.uncertified),
                "certified_share": None if y.certified_share is None else str(y.certified_share),
                "entries": y.entries,
            }
            for y in by_year
        ],
    }


def _kpi(
    kpi: Kpi, last: Measurement | None, fired: list[ResponseTrigger], labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "baseline": _money(kpi.baseline),
        "baseline_on": _date(kpi.baseline_on),
        "target": _money(kpi.target),
        "target_on": _date(kpi.target_on),
        "status": kpi.status,
        "status_label": labels.get(kpi.status, kpi.status),
        "latest_on": _date(last.measured_on) if last else None,
        "latest": _money(last.value) if last else None,
        "responses": [
            {
                "status": t.status,
                "status_label": labels.get(t.status, t.status),
                "response": t.response,
                "on": t.triggered_at.date().isoformat(),
            }
            for t in fired[:3]
        ],
    }
