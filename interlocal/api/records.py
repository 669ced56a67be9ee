"""List and detail endpoints for every public record type, scoped exactly as the portal scopes them.

Each list is a page (count, next, previous, results; at most 100 records) in a stable order ending in the
primary key; each detail is a 404 whether the record is missing or hidden from the caller. Payloads are explicit
schemas (never a mirror of a table), and every government in them carries its OCD division id and GEOID.
`updated_since` keeps records written through an action since then (the audit log; initiatives' own
updated_at; for council records also Legistar's last-modified time).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema

from interlocal.agreements.models import Adoption, MatterAttachment
from interlocal.agreements.queries import get_matter_for_user, visible_agreements, visible_matters
from interlocal.api import queries as q
from interlocal.api.common import ERRORS, MAX_PAGE_SIZE, F, Since, changed_since, page_of, paginate
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.costshare.queries import get_scenario_for_user
from interlocal.governments.queries import visible_governments
from interlocal.initiatives.models import InitiativePartner, Term
from interlocal.initiatives.queries import _LIST_FIELDS, InitiativeFilters, list_initiatives_for_user
from interlocal.legislation.queries import (
    get_event_for_user,
    get_official_for_user,
    visible_events,
    visible_officials,
)
from interlocal.tracking.models import Measurement

router = Router()

# --- shared parameters -------------------------------------------------------------------------------------

PAGE = Query(1, ge=1, description="Page number, from 1.", examples=[1])
PAGE_SIZE = Query(50, ge=1, le=MAX_PAGE_SIZE, description="Records per page, at most 100.", examples=[100])
SINCE = Query(
    None,
    description="Only records changed at or after this moment (ISO 8601, with a time zone).",
    examples=["2025-01-31T00:00:00Z"],
)
COLLABORATIVE = Query("", description="A collaborative's slug.", examples=["eastern-jackson-county"])
GOVERNMENT = Query("", description="A government's slug.", examples=["lees-summit"])
DATE_FROM = Query(None, description="Only records dated on or after this day.", examples=["2024-01-01"])
DATE_TO = Query(None, description="Only records dated on or before this day.", examples=["2024-12-31"])


def _dates(
    qs: QuerySet[Any], field: str, date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[Any]:
    if date_from is not None:
        qs = qs.filter(**{f"{field}__gte": date_from})
    if date_to is not None:
        qs = qs.filter(**{f"{field}__lte": date_to})
    return qs


def _legistar_since(since: dt.datetime | None) -> Q | None:
    return None if since is None else Q(last_modified_utc__gte=since)


# --- shared shapes -----------------------------------------------------------------------------------------


GOV_EXAMPLE = {
    "id": 12,
    "slug": "lees-summit",
    "name": "Lee's Summit",
    "ocd_division_id": "ocd-division/country:us/state:mo/place:lees_summit",
    "geoid": "2941348",
}


class GovernmentRef(Schema):
    """A government named in another record, with its open identifiers."""

    id: int = F("The government's id in this API.", 12)
    slug: str = F("Its name in web addresses.", "lees-summit")
    name: str = F("Its common name.", "Lee's Summit")
    ocd_division_id: str = F(
        "Its Open Civic Data division id, or empty.", "ocd-division/country:us/state:mo/place:lees_summit"
    )
    geoid: str = F("Its Census GEOID, or empty.", "2941348")


def gov_ref(g: Any) -> dict[str, Any] | None:
    """A government as a GovernmentRef dict."""
    if g is None:
        return None
    return {
        "id": g.pk,
        "slug": g.slug,
        "name": g.name,
        "ocd_division_id": g.ocd_division_id,
        "geoid": g.geoid,
    }


# --- governments ---------------------------------------------------------------------------------------------


class GovernmentOut(GovernmentRef):
    """A local government (city, county, district...) or one of its departments."""

    kind: str = F("What sort of government it is.", "city")
    state: str = F("Two-letter USPS state code.", "MO")
    county_name: str = F("The county it lies in, or empty.", "Jackson County")
    parent: str | None = F("The slug of the government it is a department of, or null.", None)
    population: int | None = F("Resident population, or null.", 101728)
    population_year: int | None = F("The year of that population figure, or null.", 2020)
    land_area_m2: int | None = F("Land area in square metres, or null.", 169000000)
    website: str = F("Its public web site, or empty.", "https://cityofls.net")


def _government(g: Any) -> dict[str, Any]:
    return {
        **(gov_ref(g) or {}),
        "kind": g.kind,
        "state": g.state,
        "county_name": g.county_name,
        "parent": g.parent.slug if g.parent_id and g.parent is not None else None,
        "population": g.population,
        "population_year": g.population_year,
        "land_area_m2": g.land_area_m2,
        "website": g.website,
    }


def _governments_scope(request: HttpRequest) -> QuerySet[Any]:
    # The parent is named only when the caller may see it.
    visible = visible_governments(request.user)
    return visible.prefetch_related(Prefetch("parent", queryset=visible_governments(request.user)))


@router.get("/governments", response={200: page_of(GovernmentOut), **ERRORS}, summary="Governments")
def governments(
    request: HttpRequest,
    q_: str = Query("", alias="q", description="Words in the name.", examples=["summit"]),
    state: str = Query("", description="Two-letter state code.", examples=["MO"]),
    kind: str = Query("", description="Kind of government.", examples=["city"]),
    ocd_division_id: str = Query(
        "", description="An exact OCD division id.", examples=["ocd-division/country:us"]
    ),
    geoid: str = Query("", description="An exact Census GEOID.", examples=["2941348"]),
    collaborative: str = COLLABORATIVE,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Governments the caller may see, by name; `collaborative` keeps its facilitator and members."""
    qs = _governments_scope(request)
    for word in q_.split():
        qs = qs.filter(name__icontains=word)
    if state:
        qs = qs.filter(state=state.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if ocd_division_id:
        qs = qs.filter(ocd_division_id=ocd_division_id)
    if geoid:
        qs = qs.filter(geoid=geoid)
    if collaborative:
        qs = qs.filter(
            Q(memberships__collaborative__slug=collaborative)
            | Q(facilitated_collaboratives__slug=collaborative)
        ).distinct()
    qs = changed_since(qs, updated_since).order_by("name", "pk")
    return paginate(request, qs, _government, page, page_size, GovernmentOut)


@router.get("/governments/{slug}", response={200: GovernmentOut, **ERRORS}, summary="One government")
def government(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One government by slug; 404 whether missing or hidden."""
    return _government(get_object_or_404(_governments_scope(request), slug=slug))


# --- collaboratives and memberships -----------------------------------------------------------------------


class CollaborativeOut(Schema):
    """A group of governments sharing services."""

    id: int = F("The collaborative's id.", 3)
    slug: str = F("Its name in web addresses.", "eastern-jackson-county")
    name: str = F("Its full name.", "Eastern Jackson County Shared Services")
    short_name: str = F("Its abbreviation, or empty.", "EJC")
    purpose: str = F("Why it exists (Markdown).", "Share dispatch and fleet services.")
    formed_on: dt.date | None = F("When it began, or null.", "2019-07-01")
    facilitator: GovernmentRef = F("The government that convenes it.", GOV_EXAMPLE)


def _collaborative(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "slug": c.slug,
        "name": c.name,
        "short_name": c.short_name,
        "purpose": c.purpose,
        "formed_on": c.formed_on,
        "facilitator": gov_ref(c.facilitator),
    }


@router.get("/collaboratives", response={200: page_of(CollaborativeOut), **ERRORS}, summary="Collaboratives")
def collaboratives(
    request: HttpRequest,
    government: str = Query("", description="Only those this government facilitates or belongs to (slug)."),
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Collaboratives the caller may see, by name."""
    qs = visible_collaboratives(request.user)
    if government:
        qs = qs.filter(
            Q(facilitator__slug=government) | Q(memberships__government__slug=government)
        ).distinct()
    qs = changed_since(qs, updated_since).order_by("name", "pk")
    return paginate(request, qs, _collaborative, page, page_size, CollaborativeOut)


@router.get("/collaboratives/{slug}", response={200: CollaborativeOut, **ERRORS}, summary="One collaborative")
def collaborative(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One collaborative by slug; 404 whether missing or hidden."""
    return _collaborative(get_object_or_404(visible_collaboratives(request.user), slug=slug))


class MembershipOut(Schema):
    """A government's membership of a collaborative, from proposal to leaving."""

    id: int = F("The membership's id.", 40)
    collaborative: str = F("The collaborative's slug.", "eastern-jackson-county")
    government: GovernmentRef = F("The member.", GOV_EXAMPLE)
    role: str = F("Member or facilitator.", "member")
    status: str = F("Proposed, accepted or declined.", "accepted")
    joined_on: dt.date = F("First day of membership.", "2019-07-01")
    left_on: dt.date | None = F("Last day of membership, or null while it lasts.", None)
    authorising_matter: int | None = F("The council matter that authorised joining, if visible.", 812)


def _membership(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "collaborative": m.collaborative.slug,
        "government": gov_ref(m.government),
        "role": m.role,
        "status": m.status,
        "joined_on": m.joined_on,
        "left_on": m.left_on,
        "authorising_matter": m.authorising_matter.pk if m.authorising_matter else None,
    }


def _memberships(request: HttpRequest) -> QuerySet[Any]:
    matters = visible_matters(request.user).select_related(None).only("id")
    return q.visible_memberships(request.user).prefetch_related(
        Prefetch("authorising_matter", queryset=matters)
    )


@router.get("/memberships", response={200: page_of(MembershipOut), **ERRORS}, summary="Memberships")
def memberships(
    request: HttpRequest,
    collaborative: str = COLLABORATIVE,
    government: str = GOVERNMENT,
    status: str = Query("", description="proposed, accepted or declined.", examples=["accepted"]),
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Memberships of the collaboratives the caller may see; the dates filter the day of joining."""
    qs = _memberships(request)
    if collaborative:
        qs = qs.filter(collaborative__slug=collaborative)
    if government:
        qs = qs.filter(government__slug=government)
    if status:
        qs = qs.filter(status=status)
    qs = _dates(qs, "joined_on", date_from, date_to)
    qs = changed_since(qs, updated_since).order_by(
        "collaborative__name", "joined_on", "government__name", "pk"
    )
    return paginate(request, qs, _membership, page, page_size, MembershipOut)


@router.get("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS}, summary="One membership")
def membership(request: HttpRequest, membership_id: int) -> dict[str, Any]:
    """One membership; 404 whether missing or hidden."""
    return _membership(get_object_or_404(_memberships(request), pk=membership_id))


# --- initiatives, terms and plans ----------------------------------------------------------------------


class TermOut(Schema):
    """A term of a controlled vocabulary (topic area, service...)."""

    id: int = F("The term's id.", 7)
    kind: str = F("Which vocabulary.", "topic_area")
    slug: str = F("Its name in web addresses and filters.", "public-safety")
    name: str = F("Its name.", "Public safety")


def _term(t: Any) -> dict[str, Any]:
    return {"id": t.pk, "kind": t.kind, "slug": t.slug, "name": t.name}


class InitiativePartnerOut(Schema):
    """A government's part in an initiative."""

    government: GovernmentRef = F("The partner.", GOV_EXAMPLE)
    role: str = F("lead, participating or supporting.", "lead")


class InitiativeRowOut(Schema):
    """An initiative as a list shows it."""

    id: int = F("The initiative's id.", 101)
    collaborative: str = F("Its collaborative's slug.", "eastern-jackson-county")
    plan: int | None = F("The plan that recommends it, or null.", 2)
    plan_position: int | None = F("Its place in that plan, or null.", 4)
    code: str = F("Its code in the plan.", "EJC-1")
    title: str = F("Its title.", "Shared 911 dispatch")
    status: str = F("Its status.", "in_progress")
    stage: str = F("Its pipeline stage.", "implementing")
    types: list[str] = F("project, partnership and/or policy.", ["partnership"])
    cost_band: str = F("Its cost band.", "medium")
    cost_estimate: Decimal | None = F("Its estimated cost in dollars, or null.", "250000.00")
    timeline_band: str = F("Its timeline band.", "short")
    partners: list[InitiativePartnerOut] = F(
        "Its partners, leads first.", [{"government": GOV_EXAMPLE, "role": "lead"}]
    )
    terms: list[TermOut] = F("Its topic areas and other terms.", [])
    updated_at: dt.datetime = F("When it last changed.", "2025-03-01T12:00:00Z")


def _initiative_row(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "collaborative": i.collaborative.slug,
        "plan": i.plan_id,
        "plan_position": i.plan_position,
        "code": i.code,
        "title": i.title,
        "status": i.status,
        "stage": i.stage,
        "types": i.types,
        "cost_band": i.cost_band,
        "cost_estimate": i.cost_estimate,
        "timeline_band": i.timeline_band,
        "partners": [{"government": gov_ref(p.government), "role": p.role} for p in i.partners.all()],
        "terms": [_term(t) for t in i.terms.all()],
        "updated_at": i.updated_at,
    }


@router.get("/initiatives/list", response={200: page_of(InitiativeRowOut), **ERRORS}, summary="Initiatives")
def initiative_list(
    request: HttpRequest,
    q_: str = Query(
        "", alias="q", description="Words in the code, title or description.", examples=["dispatch"]
    ),
    collaborative: str = COLLABORATIVE,
    government: str = Query("", description="Only those this government is a partner of (slug)."),
    status: str = Query("", description="A status.", examples=["in_progress"]),
    stage: str = Query("", description="A pipeline stage.", examples=["implementing"]),
    topic: str = Query("", description="A topic area's slug.", examples=["public-safety"]),
    type: str = Query("", description="project, partnership or policy.", examples=["project"]),
    cost: str = Query("", description="A cost band.", examples=["medium"]),
    timeline: str = Query("", description="A timeline band.", examples=["short"]),
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Initiatives the caller may see, filtered as on the portal's list, with partners and terms."""
    filters = InitiativeFilters(
        q=q_, topic=topic, timeline=timeline, cost=cost, type=type, status=status, stage=stage,
        partner=government, collaborative=collaborative,
    )  # fmt: skip
    partners = InitiativePartner.objects.select_related("government").order_by("role", "position", "id")
    qs = (
        list_initiatives_for_user(request.user, filters)
        .prefetch_related(None)
        .only(*_LIST_FIELDS, "updated_at", "collaborative__slug")
        .prefetch_related(Prefetch("partners", queryset=partners), "terms")
    )
    qs = changed_since(
        qs, updated_since, also=None if updated_since is None else Q(updated_at__gte=updated_since)
    )
    return paginate(request, qs, _initiative_row, page, page_size, InitiativeRowOut)


@router.get("/terms", response={200: page_of(TermOut), **ERRORS}, summary="Vocabulary terms")
def terms(
    request: HttpRequest,
    kind: str = Query("", description="One vocabulary.", examples=["topic_area"]),
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """The controlled vocabularies initiatives are tagged with (public)."""
    qs = Term.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return paginate(request, qs.order_by("kind", "name", "pk"), _term, page, page_size, TermOut)


@router.get("/terms/{term_id}", response={200: TermOut, **ERRORS}, summary="One vocabulary term")
def term(request: HttpRequest, term_id: int) -> dict[str, Any]:
    """One term."""
    return _term(get_object_or_404(Term.objects.all(), pk=term_id))


class PlanOut(Schema):
    """A collaborative's adopted plan, whose recommendations are initiatives."""

    id: int = F("The plan's id.", 2)
    collaborative: str = F("Its collaborative's slug.", "eastern-jackson-county")
    name: str = F("Its name.", "Shared Services Plan 2024")
    slug: str = F("Its name in web addresses.", "plan-2024")
    adopted_on: dt.date | None = F("When it was adopted, or null.", "2024-02-01")
    url: str = F("Where the plan document is published, or empty.", "https://example.org/plan.pdf")


class PlanDetailOut(PlanOut):
    """A plan and the recommendations the caller may see."""

    initiatives: list[int] = F("Its initiatives' ids, in plan order.", [101, 102])


def _plan(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "collaborative": p.collaborative.slug,
        "name": p.name,
        "slug": p.slug,
        "adopted_on": p.adopted_on,
        "url": p.url,
    }


@router.get("/plans", response={200: page_of(PlanOut), **ERRORS}, summary="Plans")
def plans(
    request: HttpRequest,
    collaborative: str = COLLABORATIVE,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Plans of the collaboratives the caller may see."""
    qs = q.visible_plans(request.user)
    if collaborative:
        qs = qs.filter(collaborative__slug=collaborative)
    qs = changed_since(qs, updated_since).order_by("collaborative__name", "name", "pk")
    return paginate(request, qs, _plan, page, page_size, PlanOut)


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, summary="One plan")
def plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """One plan with its visible initiatives; 404 whether missing or hidden."""
    from interlocal.initiatives.queries import visible_initiatives

    p = get_object_or_404(q.visible_plans(request.user), pk=plan_id)
    found = visible_initiatives(request.user).filter(plan=p).order_by("plan_position", "code", "pk")
    return {**_plan(p), "initiatives": list(found.values_list("pk", flat=True))}


# --- agreements, versions, parties and adoptions ------------------------------------------------------


class AgreementRowOut(Schema):
    """An intergovernmental agreement as a list shows it."""

    id: int = F("The agreement's id.", 9)
    collaborative: str = F("Its collaborative's slug.", "eastern-jackson-county")
    kind: str = F("Its kind.", "iga")
    title: str = F("Its title.", "Shared dispatch agreement")
    summary: str = F("A summary, or empty.", "Dispatch for four cities.")


def _agreement_row(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "collaborative": a.collaborative.slug,
        "kind": a.kind,
        "title": a.title,
        "summary": a.summary,
    }


@router.get("/agreements", response={200: page_of(AgreementRowOut), **ERRORS}, summary="Agreements")
def agreements(
    request: HttpRequest,
    collaborative: str = COLLABORATIVE,
    government: str = Query("", description="Only those this government is a party to (slug)."),
    kind: str = Query("", description="A kind of agreement.", examples=["iga"]),
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Agreements the caller may see; `/agreements/{id}` gives versions and parties."""
    from interlocal.agreements.models import AgreementParty

    qs = visible_agreements(request.user)
    if collaborative:
        qs = qs.filter(collaborative__slug=collaborative)
    if government:
        parties = AgreementParty.objects.filter(government__slug=government).values("version__agreement_id")
        qs = qs.filter(pk__in=parties)
    if kind:
        qs = qs.filter(kind=kind)
    qs = changed_since(qs, updated_since).order_by("collaborative__name", "title", "pk")
    return paginate(request, qs, _agreement_row, page, page_size, AgreementRowOut)


class PartyOut(Schema):
    """A government that is party to an agreement version, and whether it has adopted it."""

    id: int = F("The party row's id.", 55)
    version: int = F("The version's id.", 14)
    agreement: int = F("The agreement's id.", 9)
    government: GovernmentRef = F("The party.", GOV_EXAMPLE)
    expected_file_number: str = F("The council file number expected to adopt it, or empty.", "RES. 21-14")
    adoption: int | None = F("The adoption's id, or null until adopted.", 31)
    adopted_on: dt.date | None = F("When it adopted the version, or null.", "2021-04-13")


class VersionRowOut(Schema):
    """One version (original or amendment) of an agreement."""

    id: int = F("The version's id.", 14)
    agreement: int = F("The agreement's id.", 9)
    collaborative: str = F("The collaborative's slug.", "eastern-jackson-county")
    number: int = F("Its number, from 1.", 1)
    kind: str = F("original, amendment or renewal.", "original")
    title: str = F("Its title.", "Shared dispatch agreement")
    effective_on: dt.date | None = F("When it takes effect, or null.", "2021-07-01")
    term_months: int | None = F("Its term in months, or null.", 60)
    renewal_on: dt.date | None = F("When it comes up for renewal, or null.", "2026-07-01")
    adoption_due_on: dt.date | None = F("By when every party should adopt it, or null.", "2021-06-30")
    in_force: bool = F("Whether every party has adopted it.", True)
    in_force_from: dt.date | None = F("The day it came into force, or null.", "2021-07-01")
    superseded_by: int | None = F("The id of the version that replaced it, or null.", None)
    superseded_on: dt.date | None = F("When it was replaced, or null.", None)


class VersionDetailOut(VersionRowOut):
    """A version with its parties and their adoptions."""

    parties: list[PartyOut] = F("Its parties.", [])


def _version_row(v: Any) -> dict[str, Any]:
    return {
        "id": v.pk,
        "agreement": v.agreement_id,
        "collaborative": v.agreement.collaborative.slug,
        "number": v.number,
        "kind": v.kind,
        "title": v.title,
        "effective_on": v.effective_on,
        "term_months": v.term_months,
        "renewal_on": v.renewal_on,
        "adoption_due_on": v.adoption_due_on,
        "in_force": v.in_force_at is not None,
        "in_force_from": v.in_force_from,
        "superseded_by": v.superseded_by_id,
        "superseded_on": v.superseded_on,
    }


@router.get("/versions", response={200: page_of(VersionRowOut), **ERRORS}, summary="Agreement versions")
def versions(
    request: HttpRequest,
    agreement: int | None = Query(None, description="An agreement's id.", examples=[9]),
    collaborative: str = COLLABORATIVE,
    in_force: bool | None = Query(None, description="Only versions in force (true) or not (false)."),
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Versions of the agreements the caller may see; the dates filter the effective day."""
    qs = q.visible_versions(request.user)
    if agreement is not None:
        qs = qs.filter(agreement_id=agreement)
    if collaborative:
        qs = qs.filter(agreement__collaborative__slug=collaborative)
    if in_force is not None:
        qs = qs.filter(in_force_at__isnull=not in_force)
    qs = _dates(qs, "effective_on", date_from, date_to)
    qs = changed_since(qs, updated_since).order_by("agreement_id", "number", "pk")
    return paginate(request, qs, _version_row, page, page_size, VersionRowOut)


def _party(p: Any, adoption: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "version": p.version_id,
        "agreement": p.version.agreement_id,
        "government": gov_ref(p.government),
        "expected_file_number": p.expected_file_number,
        "adoption": adoption.pk if adoption else None,
        "adopted_on": adoption.adopted_on if adoption else None,
    }


@router.get("/versions/{version_id}", response={200: VersionDetailOut, **ERRORS}, summary="One version")
def version(request: HttpRequest, version_id: int) -> dict[str, Any]:
    """One agreement version with its parties; 404 whether missing or hidden."""
    from interlocal.agreements.models import AgreementParty

    parties = AgreementParty.objects.select_related("government", "version").order_by(
        "government__name", "pk"
    )
    v = get_object_or_404(
        q.visible_versions(request.user).prefetch_related(
            Prefetch("party_rows", queryset=parties), "adoptions"
        ),
        pk=version_id,
    )
    adopted = {a.government_id: a for a in v.adoptions.all()}
    return {
        **_version_row(v),
        "parties": [_party(p, adopted.get(p.government_id)) for p in v.party_rows.all()],
    }


def _adoptions_for(rows: list[Any]) -> None:
    """Attach each party row's adoption, in one query for the page."""
    found = Adoption.objects.filter(version_id__in={r.version_id for r in rows})
    by_key = {(a.version_id, a.government_id): a for a in found}
    for r in rows:
        r.api_adoption = by_key.get((r.version_id, r.government_id))


@router.get("/parties", response={200: page_of(PartyOut), **ERRORS}, summary="Agreement parties")
def parties(
    request: HttpRequest,
    agreement: int | None = Query(None, description="An agreement's id.", examples=[9]),
    version: int | None = Query(None, description="A version's id.", examples=[14]),
    government: str = GOVERNMENT,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Parties to the agreement versions the caller may see, with their adoptions."""
    qs = q.visible_parties(request.user)
    if agreement is not None:
        qs = qs.filter(version__agreement_id=agreement)
    if version is not None:
        qs = qs.filter(version_id=version)
    if government:
        qs = qs.filter(government__slug=government)
    qs = qs.order_by("version_id", "government__name", "pk")
    return paginate(
        request,
        qs,
        lambda p: _party(p, getattr(p, "api_adoption", None)),
        page,
        page_size,
        PartyOut,
        prepare=_adoptions_for,
    )


@router.get("/parties/{party_id}", response={200: PartyOut, **ERRORS}, summary="One agreement party")
def party(request: HttpRequest, party_id: int) -> dict[str, Any]:
    """One party row; 404 whether missing or hidden."""
    p = get_object_or_404(q.visible_parties(request.user), pk=party_id)
    _adoptions_for([p])
    return _party(p, getattr(p, "api_adoption", None))


class AdoptionOut(Schema):
    """A government's adoption of an agreement version, by a council matter."""

    id: int = F("The adoption's id.", 31)
    version: int = F("The version's id.", 14)
    agreement: int = F("The agreement's id.", 9)
    government: GovernmentRef = F("The adopting government.", GOV_EXAMPLE)
    adopted_on: dt.date = F("The day it was adopted.", "2021-04-13")
    matter: int | None = F("The adopting council matter's id, if the caller may see it.", 812)
    matter_file_number: str | None = F("That matter's file number, if the caller may see it.", "RES. 21-14")


def _shown(obj: Any, attr: str) -> Any:
    """A related record prefetched through the caller's scope, or None when it is outside it."""
    try:
        return getattr(obj, attr)
    except ObjectDoesNotExist:
        return None


def _adoption(a: Any) -> dict[str, Any]:
    matter = _shown(a, "matter")
    return {
        "id": a.pk,
        "version": a.version_id,
        "agreement": a.version.agreement_id,
        "government": gov_ref(a.government),
        "adopted_on": a.adopted_on,
        "matter": matter.pk if matter else None,
        "matter_file_number": matter.file_number if matter else None,
    }


@router.get("/adoptions", response={200: page_of(AdoptionOut), **ERRORS}, summary="Adoptions")
def adoptions(
    request: HttpRequest,
    agreement: int | None = Query(None, description="An agreement's id.", examples=[9]),
    collaborative: str = COLLABORATIVE,
    government: str = GOVERNMENT,
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Adoptions of the agreement versions the caller may see; the dates filter the day of adoption."""
    qs = q.visible_adoptions(request.user)
    if agreement is not None:
        qs = qs.filter(version__agreement_id=agreement)
    if collaborative:
        qs = qs.filter(version__agreement__collaborative__slug=collaborative)
    if government:
        qs = qs.filter(government__slug=government)
    qs = _dates(qs, "adopted_on", date_from, date_to)
    qs = changed_since(qs, updated_since).order_by("-adopted_on", "pk")
    return paginate(request, qs, _adoption, page, page_size, AdoptionOut)


@router.get("/adoptions/{adoption_id}", response={200: AdoptionOut, **ERRORS}, summary="One adoption")
def adoption(request: HttpRequest, adoption_id: int) -> dict[str, Any]:
    """One adoption; 404 whether missing or hidden."""
    return _adoption(get_object_or_404(q.visible_adoptions(request.user), pk=adoption_id))


# --- legislation ---------------------------------------------------------------------------------------


class MatterRowOut(Schema):
    """A council matter (ordinance, resolution...) as kept from Legistar or entered by hand."""

    id: int = F("The matter's id in this API.", 812)
    government: GovernmentRef = F("The council's government.", GOV_EXAMPLE)
    legistar_client: str = F("The Legistar client name, or empty.", "leessummit")
    legistar_id: int | None = F("Legistar's MatterId, or null.", 5123)
    file_number: str = F("Its file number.", "RES. NO. 21-14")
    name: str = F("Its short name, or empty.", "Dispatch IGA")
    title: str = F("Its title.", "A resolution approving the shared dispatch agreement")
    type_name: str = F("Its type.", "Resolution")
    status_name: str = F("Its status.", "Passed")
    body_name: str = F("The body it is before.", "City Council")
    intro_date: dt.date | None = F("When it was introduced, or null.", "2021-03-30")
    agenda_date: dt.date | None = F("When it was on an agenda, or null.", "2021-04-13")
    passed_date: dt.date | None = F("When it passed, or null.", "2021-04-13")
    enactment_number: str = F("Its enactment number, or empty.", "R2021-14")
    enactment_date: dt.date | None = F("When it was enacted, or null.", "2021-04-13")
    sponsors: list[str] = F("Its sponsors' names.", ["Mayor Baird"])
    detail_url: str = F("Its page on the council's site, or empty.", "https://leessummit.legistar.com/")


class MatterActionOut(Schema):
    """One row of a matter's legislative history."""

    id: int = F("The history row's id.", 3001)
    matter: int = F("The matter's id.", 812)
    action_date: dt.date | None = F("When it happened, or null.", "2021-04-13")
    action_name: str = F("What happened.", "adopted")
    action_body_name: str = F("Which body acted.", "City Council")
    passed_flag_name: str = F("Pass or Fail, or empty.", "Pass")
    tally: str = F("The vote tally, or empty.", "7:0")
    mover_name: str = F("Who moved it, or empty.", "Council Member Carlyle")
    seconder_name: str = F("Who seconded it, or empty.", "Council Member Edson")
    sequence: int = F("Its order in the history.", 1)
    version: str = F("The matter version acted on, or empty.", "1")
    details_url: str = F("Its page on the council's site, or empty.", "")


class AttachmentOut(Schema):
    """A file attached to a matter: its metadata and where to download it."""

    id: int = F("The attachment's id.", 77)
    matter: int = F("The matter's id.", 812)
    name: str = F("Its name.", "Agreement text")
    position: int = F("Its order among the matter's attachments.", 1)
    url: str = F("Its address on the council's site, or empty.", "https://example.org/a.pdf")
    file_name: str = F("The stored file's name, or empty when only linked.", "agreement.pdf")
    note: str = F("A note, or empty.", "")
    download_url: str | None = F(
        "Where to download the stored file, or null.", "/legislation/812/attachments/77/"
    )


class MatterDetailOut(MatterRowOut):
    """A matter with its history, attachments and the agreement adoptions it records."""

    text: str = F("Its text, or empty.", "BE IT RESOLVED...")
    actions: list[MatterActionOut] = F("Its history, in order.", [])
    attachments: list[AttachmentOut] = F("Its attachments.", [])
    adoptions: list[int] = F("Ids of the adoptions it records (of agreements the caller may see).", [31])


def _matter_row(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "government": gov_ref(m.government),
        "legistar_client": m.client,
        "legistar_id": m.matter_id,
        "file_number": m.file_number,
        "name": m.name,
        "title": m.title,
        "type_name": m.type_name,
        "status_name": m.status_name,
        "body_name": m.body_name,
        "intro_date": m.intro_date,
        "agenda_date": m.agenda_date,
        "passed_date": m.passed_date,
        "enactment_number": m.enactment_number,
        "enactment_date": m.enactment_date,
        "sponsors": list(m.sponsors or []),
        "detail_url": m.detail_url,
    }


def _action(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "matter": a.matter_id,
        "action_date": a.action_date,
        "action_name": a.action_name,
        "action_body_name": a.action_body_name,
        "passed_flag_name": a.passed_flag_name,
        "tally": a.tally,
        "mover_name": a.mover_name,
        "seconder_name": a.seconder_name,
        "sequence": a.sequence,
        "version": a.version,
        "details_url": a.details_url,
    }


def _attachment(a: MatterAttachment) -> dict[str, Any]:
    download = reverse("portal:matter_attachment", args=[a.matter_id, a.pk]) if a.file_name else None
    return {
        "id": a.pk,
        "matter": a.matter_id,
        "name": a.name,
        "position": a.position,
        "url": a.url,
        "file_name": a.file_name,
        "note": a.note,
        "download_url": download,
    }


_MATTER_ROW = [
    "government", "client", "matter_id", "file_number", "name", "title", "type_name", "status_name",
    "body_name", "intro_date", "agenda_date", "passed_date", "enactment_number", "enactment_date", "sponsors",
    "detail_url",
]  # fmt: skip


@router.get("/matters", response={200: page_of(MatterRowOut), **ERRORS}, summary="Council matters")
def matters(
    request: HttpRequest,
    government: str = GOVERNMENT,
    q_: str = Query("", alias="q", description="Words in the file number or title.", examples=["dispatch"]),
    status: str = Query("", description="A status name, exactly.", examples=["Passed"]),
    type_name: str = Query("", description="A type name, exactly.", examples=["Resolution"]),
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Council matters the caller may see, newest first; the dates filter the day of introduction."""
    qs = visible_matters(request.user).only(*_MATTER_ROW, *(f"government__{f}" for f in _GOV_FIELDS))
    if government:
        qs = qs.filter(government__slug=government)
    for word in q_.split():
        qs = qs.filter(Q(file_number__icontains=word) | Q(title__icontains=word))
    if status:
        qs = qs.filter(status_name=status)
    if type_name:
        qs = qs.filter(type_name=type_name)
    qs = _dates(qs, "intro_date", date_from, date_to)
    qs = changed_since(qs, updated_since).order_by("-intro_date", "-pk")
    return paginate(request, qs, _matter_row, page, page_size, MatterRowOut)


_GOV_FIELDS = ("id", "slug", "name", "ocd_division_id", "geoid")


@router.get("/matters/{matter_id}", response={200: MatterDetailOut, **ERRORS}, summary="One council matter")
def matter(request: HttpRequest, matter_id: int) -> dict[str, Any]:
    """One matter with its history, attachments and adoptions; 404 whether missing or hidden."""
    m = get_matter_for_user(request.user, matter_id)
    adopted = Adoption.objects.filter(matter=m, version__agreement__in=visible_agreements(request.user))
    return {
        **_matter_row(m),
        "text": m.text,
        "actions": [_action(a) for a in m.actions.all()],
        "attachments": [_attachment(a) for a in m.attachments.all()],
        "adoptions": sorted(adopted.values_list("pk", flat=True)),
    }


@router.get("/matter-actions", response={200: page_of(MatterActionOut), **ERRORS}, summary="Matter history")
def matter_actions(
    request: HttpRequest,
    matter: int | None = Query(None, description="A matter's id.", examples=[812]),
    government: str = GOVERNMENT,
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """History rows of the matters the caller may see; the dates filter the day of the action."""
    qs = q.visible_actions(request.user)
    if matter is not None:
        qs = qs.filter(matter_id=matter)
    if government:
        qs = qs.filter(matter__government__slug=government)
    qs = _dates(qs, "action_date", date_from, date_to)
    qs = changed_since(qs, updated_since).order_by("matter_id", "sequence", "pk")
    return paginate(request, qs, _action, page, page_size, MatterActionOut)


@router.get(
    "/matter-actions/{action_id}", response={200: MatterActionOut, **ERRORS}, summary="One history row"
)
def matter_action(request: HttpRequest, action_id: int) -> dict[str, Any]:
    """One history row; 404 whether missing or hidden."""
    return _action(get_object_or_404(q.visible_actions(request.user), pk=action_id))


@router.get("/attachments", response={200: page_of(AttachmentOut), **ERRORS}, summary="Matter attachments")
def attachments(
    request: HttpRequest,
    matter: int | None = Query(None, description="A matter's id.", examples=[812]),
    government: str = GOVERNMENT,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Attachments of the matters the caller may see: metadata and a download address."""
    qs = q.visible_attachments(request.user)
    if matter is not None:
        qs = qs.filter(matter_id=matter)
    if government:
        qs = qs.filter(matter__government__slug=government)
    qs = changed_since(qs, updated_since).order_by("matter_id", "position", "pk")
    return paginate(request, qs, _attachment, page, page_size, AttachmentOut)


@router.get("/attachments/{attachment_id}", response={200: AttachmentOut, **ERRORS}, summary="One attachment")
def attachment(request: HttpRequest, attachment_id: int) -> dict[str, Any]:
    """One attachment's metadata; 404 whether missing or hidden."""
    return _attachment(get_object_or_404(q.visible_attachments(request.user), pk=attachment_id))


# --- KPIs and measurements ----------------------------------------------------------------------------


class MeasurementOut(Schema):
    """One reading of a KPI."""

    id: int = F("The measurement's id.", 901)
    kpi: int = F("The KPI's id.", 44)
    measured_on: dt.date = F("The day it was measured.", "2025-01-31")
    value: Decimal = F("The value, in the KPI's unit.", "92.5")
    note: str = F("A note, or empty.", "")
    entered_at: dt.datetime = F("When it was entered.", "2025-02-02T09:00:00Z")


class KpiOut(Schema):
    """A key performance indicator of an initiative."""

    id: int = F("The KPI's id.", 44)
    initiative: int = F("The initiative's id.", 101)
    collaborative: str = F("The collaborative's slug.", "eastern-jackson-county")
    name: str = F("Its name.", "Calls answered within 15 s")
    unit: str = F("Its unit.", "%")
    direction: str = F("Whether higher or lower is better.", "up")
    baseline: Decimal | None = F("The baseline value, or null.", "85")
    baseline_on: dt.date | None = F("When the baseline was measured, or null.", "2024-01-31")
    target: Decimal | None = F("The target value, or null.", "95")
    target_on: dt.date | None = F("By when, or null.", "2026-12-31")
    update_every_days: int | None = F("How often it should be measured, in days, or null.", 30)
    weight: Decimal = F("Its weight in the initiative's progress.", "1")
    status: str = F("active or retired.", "active")


class KpiDetailOut(KpiOut):
    """A KPI with every measurement, oldest first."""

    measurements: list[MeasurementOut] = F("Its measurements.", [])


def _kpi(k: Any) -> dict[str, Any]:
    return {
        "id": k.pk,
        "initiative": k.initiative_id,
        "collaborative": k.initiative.collaborative.slug,
        "name": k.name,
        "unit": k.unit,
        "direction": k.direction,
        "baseline": k.baseline,
        "baseline_on": k.baseline_on,
        "target": k.target,
        "target_on": k.target_on,
        "update_every_days": k.update_every_days,
        "weight": k.weight,
        "status": k.status,
    }


def _measurement(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kpi": m.kpi_id,
        "measured_on": m.measured_on,
        "value": m.value,
        "note": m.note,
        "entered_at": m.entered_at,
    }


@router.get("/kpis", response={200: page_of(KpiOut), **ERRORS}, summary="KPIs")
def kpis(
    request: HttpRequest,
    initiative: int | None = Query(None, description="An initiative's id.", examples=[101]),
    collaborative: str = COLLABORATIVE,
    status: str = Query("", description="active or retired.", examples=["active"]),
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """KPIs of the initiatives the caller may see."""
    qs = q.visible_kpis(request.user)
    if initiative is not None:
        qs = qs.filter(initiative_id=initiative)
    if collaborative:
        qs = qs.filter(initiative__collaborative__slug=collaborative)
    if status:
        qs = qs.filter(status=status)
    qs = changed_since(qs, updated_since).order_by("initiative_id", "name", "pk")
    return paginate(request, qs, _kpi, page, page_size, KpiOut)


@router.get("/kpis/{kpi_id}", response={200: KpiDetailOut, **ERRORS}, summary="One KPI")
def kpi(request: HttpRequest, kpi_id: int) -> dict[str, Any]:
    """One KPI with its measurements; 404 whether missing or hidden."""
    measured = Measurement.objects.order_by("measured_on", "pk")
    k = get_object_or_404(
        q.visible_kpis(request.user).prefetch_related(Prefetch("measurements", queryset=measured)), pk=kpi_id
    )
    return {**_kpi(k), "measurements": [_measurement(m) for m in k.measurements.all()]}


@router.get("/measurements", response={200: page_of(MeasurementOut), **ERRORS}, summary="KPI measurements")
def measurements(
    request: HttpRequest,
    kpi: int | None = Query(None, description="A KPI's id.", examples=[44]),
    initiative: int | None = Query(None, description="An initiative's id.", examples=[101]),
    collaborative: str = COLLABORATIVE,
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Measurements of the KPIs the caller may see; the dates filter the day measured."""
    qs = q.visible_measurements(request.user)
    if kpi is not None:
        qs = qs.filter(kpi_id=kpi)
    if initiative is not None:
        qs = qs.filter(kpi__initiative_id=initiative)
    if collaborative:
        qs = qs.filter(kpi__initiative__collaborative__slug=collaborative)
    qs = _dates(qs, "measured_on", date_from, date_to)
    also = None if updated_since is None else Q(entered_at__gte=updated_since)
    qs = changed_since(qs, updated_since, also=also).order_by("kpi_id", "measured_on", "pk")
    return paginate(request, qs, _measurement, page, page_size, MeasurementOut)


@router.get(
    "/measurements/{measurement_id}", response={200: MeasurementOut, **ERRORS}, summary="One measurement"
)
def measurement(request: HttpRequest, measurement_id: int) -> dict[str, Any]:
    """One measurement; 404 whether missing or hidden."""
    return _measurement(get_object_or_404(q.visible_measurements(request.user), pk=measurement_id))


# --- cost sharing ------------------------------------------------------------------------------------------


class ScenarioPartnerOut(Schema):
    """A government sharing the cost in a scenario."""

    government: GovernmentRef = F("The partner.", GOV_EXAMPLE)
    standalone_cost: Decimal | None = F("What it would pay alone, or null.", "410000.00")
    dedicated_cost: Decimal | None = F("Costs it carries alone, or null.", "0.00")


class AllocationOut(Schema):
    """One partner's share under one allocation method."""

    method: str = F("The allocation method.", "proportional")
    partner: str = F("The partner's name as the engine saw it.", "Lee's Summit")
    government: int | None = F("The partner government's id, or null.", 12)
    amount: Decimal = F("Its share in dollars.", "123456.78")


class ScenarioOut(Schema):
    """A cost-share scenario: the partners, the methods compared and each partner's allocation."""

    id: int = F("The scenario's id.", 5)
    collaborative: str = F("The collaborative's slug.", "eastern-jackson-county")
    name: str = F("Its name.", "FY2026 dispatch split")
    service: str = F("The shared service.", "Dispatch")
    fiscal_year: int = F("The fiscal year.", 2026)
    cost_model: str = F("How the total cost is modelled.", "fixed")
    total_cost: Decimal | None = F("The total cost in dollars, or null.", "1200000.00")
    status: str = F("draft, computed or adopted.", "computed")
    methods: list[str] = F("The allocation methods compared.", ["proportional", "shapley"])
    adopted_method: str = F("The method adopted, or empty.", "")
    adopted_at: dt.datetime | None = F("When it was adopted, or null.", None)
    computed_at: dt.datetime | None = F("When its results were computed, or null.", "2025-02-01T10:00:00Z")
    engine_version: str = F("The version of the engine that computed them, or empty.", "1.2")
    agreement_version: int | None = F("The agreement version it is for, or null.", 14)
    initiative: int | None = F("The initiative it is for, or null.", None)
    partners: list[ScenarioPartnerOut] = F("Its partners.", [])
    allocations: list[AllocationOut] = F("Each partner's share under each method.", [])


def _scenario(s: Any) -> dict[str, Any]:
    results = s.results or {}
    ids = s.partner_ids or {}
    allocations = [
        {"method": method, "partner": name, "government": ids.get(name), "amount": Decimal(str(amount))}
        for method, split in (results.get("allocations") or {}).items()
        for name, amount in split.items()
    ]
    return {
        "id": s.pk,
        "collaborative": s.collaborative.slug,
        "name": s.name,
        "service": s.service,
        "fiscal_year": s.fiscal_year,
        "cost_model": s.cost_model,
        "total_cost": s.total_cost,
        "status": s.status,
        "methods": list(s.methods or []),
        "adopted_method": s.adopted_method,
        "adopted_at": s.adopted_at,
        "computed_at": s.computed_at,
        "engine_version": s.engine_version,
        "agreement_version": s.agreement_version_id,
        "initiative": s.initiative_id,
        "partners": [
            {
                "government": gov_ref(p.government),
                "standalone_cost": p.standalone_cost,
                "dedicated_cost": p.dedicated_cost,
            }
            for p in s.partners.all()
        ],
        "allocations": allocations,
    }


@router.get("/scenarios", response={200: page_of(ScenarioOut), **ERRORS}, summary="Cost-share scenarios")
def scenarios(
    request: HttpRequest,
    collaborative: str = COLLABORATIVE,
    status: str = Query("", description="draft, computed or adopted.", examples=["adopted"]),
    fiscal_year: int | None = Query(None, description="A fiscal year.", examples=[2026]),
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Scenarios of the collaboratives the caller belongs to (members only, as on the portal)."""
    qs = q.scenarios_with_partners(request.user)
    if collaborative:
        qs = qs.filter(collaborative__slug=collaborative)
    if status:
        qs = qs.filter(status=status)
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    qs = changed_since(qs, updated_since).order_by("-fiscal_year", "name", "pk")
    return paginate(request, qs, _scenario, page, page_size, ScenarioOut)


@router.get("/scenarios/{scenario_id}", response={200: ScenarioOut, **ERRORS}, summary="One scenario")
def scenario(request: HttpRequest, scenario_id: int) -> dict[str, Any]:
    """One scenario with partners and allocations; 404 whether missing or hidden."""
    return _scenario(get_scenario_for_user(request.user, scenario_id))


class SavingsOut(Schema):
    """A government's projected or actual saving from an initiative in a fiscal year."""

    id: int = F("The entry's id.", 61)
    initiative: int = F("The initiative's id.", 101)
    collaborative: str = F("The collaborative's slug.", "eastern-jackson-county")
    government: GovernmentRef = F("The government that saves.", GOV_EXAMPLE)
    fiscal_year: int = F("The fiscal year.", 2025)
    recurrence: str = F("one_time or recurring.", "recurring")
    baseline_cost: Decimal | None = F("What the service cost before, or null.", "500000.00")
    projected_saving: Decimal | None = F("The projected saving, or null.", "60000.00")
    actual_saving: Decimal | None = F("The actual saving, or null.", "55000.00")
    evidence_url: str = F("Where the evidence is, or empty.", "https://example.org/budget.pdf")
    certified: bool = F("Whether the figure has been certified.", False)
    certified_at: dt.datetime | None = F("When it was certified, or null.", None)
    created_at: dt.datetime = F("When it was entered.", "2025-07-01T12:00:00Z")


def _savings(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "initiative": e.initiative_id,
        "collaborative": e.initiative.collaborative.slug,
        "government": gov_ref(e.government),
        "fiscal_year": e.fiscal_year,
        "recurrence": e.recurrence,
        "baseline_cost": e.baseline_cost,
        "projected_saving": e.projected_saving,
        "actual_saving": e.actual_saving,
        "evidence_url": e.evidence_url,
        "certified": e.certified_at is not None,
        "certified_at": e.certified_at,
        "created_at": e.created_at,
    }


@router.get("/savings", response={200: page_of(SavingsOut), **ERRORS}, summary="Savings ledger")
def savings(
    request: HttpRequest,
    collaborative: str = COLLABORATIVE,
    government: str = GOVERNMENT,
    initiative: int | None = Query(None, description="An initiative's id.", examples=[101]),
    fiscal_year: int | None = Query(None, description="A fiscal year.", examples=[2025]),
    certified: bool | None = Query(None, description="Only certified (true) or uncertified (false) entries."),
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Savings entries of the collaboratives the caller belongs to (members only, as on the portal)."""
    qs = q.visible_savings(request.user)
    if collaborative:
        qs = qs.filter(initiative__collaborative__slug=collaborative)
    if government:
        qs = qs.filter(government__slug=government)
    if initiative is not None:
        qs = qs.filter(initiative_id=initiative)
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    if certified is not None:
        qs = qs.filter(certified_at__isnull=not certified)
    qs = changed_since(qs, updated_since).order_by("-fiscal_year", "government__name", "pk")
    return paginate(request, qs, _savings, page, page_size, SavingsOut)


@router.get("/savings/{entry_id}", response={200: SavingsOut, **ERRORS}, summary="One savings entry")
def savings_entry(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    """One savings entry; 404 whether missing or hidden."""
    return _savings(get_object_or_404(q.visible_savings(request.user), pk=entry_id))


# --- council records kept from Legistar ------------------------------------------------------------


class BodyOut(Schema):
    """A council, board or committee."""

    id: int = F("The body's id in this API.", 8)
    government: GovernmentRef = F("Its government.", GOV_EXAMPLE)
    legistar_id: int = F("Legistar's BodyId.", 138)
    name: str = F("Its name.", "City Council")
    type_name: str = F("Its type.", "Primary Legislative Body")
    meets: bool = F("Whether it meets.", True)
    active: bool = F("Whether it is active.", True)
    description: str = F("A description, or empty.", "")
    number_of_members: int | None = F("How many members it has, or null.", 9)
    last_modified_utc: dt.datetime | None = F("When Legistar last changed it, or null.", None)


def _body(b: Any) -> dict[str, Any]:
    return {
        "id": b.pk,
        "government": gov_ref(b.government),
        "legistar_id": b.body_id,
        "name": b.name,
        "type_name": b.type_name,
        "meets": bool(b.meet_flag),
        "active": bool(b.active_flag),
        "description": b.description,
        "number_of_members": b.number_of_members,
        "last_modified_utc": b.last_modified_utc,
    }


@router.get("/bodies", response={200: page_of(BodyOut), **ERRORS}, summary="Councils and committees")
def bodies(
    request: HttpRequest,
    government: str = GOVERNMENT,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Bodies of the governments whose council records the caller may see."""
    qs = q.visible_bodies(request.user)
    if government:
        qs = qs.filter(government__slug=government)
    qs = changed_since(qs, updated_since, also=_legistar_since(updated_since))
    return paginate(
        request, qs.order_by("government__name", "sort", "name", "pk"), _body, page, page_size, BodyOut
    )


@router.get("/bodies/{body_id}", response={200: BodyOut, **ERRORS}, summary="One council or committee")
def body(request: HttpRequest, body_id: int) -> dict[str, Any]:
    """One body; 404 whether missing or hidden."""
    return _body(get_object_or_404(q.visible_bodies(request.user), pk=body_id))


class OfficeOut(Schema):
    """An office an official held on a body."""

    id: int = F("The office record's id.", 70)
    official: int = F("The official's id.", 21)
    government: GovernmentRef = F("The government.", GOV_EXAMPLE)
    body: int | None = F("The body's id, or null.", 8)
    body_name: str = F("The body's name.", "City Council")
    title: str = F("The office.", "Council Member")
    member_type: str = F("The kind of membership.", "Voting Member")
    start_date: dt.date | None = F("First day in office, or null.", "2022-04-12")
    end_date: dt.date | None = F("Last day in office, or null.", "2026-04-14")


class OfficialOut(Schema):
    """An elected or appointed official, as the council's Legistar lists them."""

    id: int = F("The official's id in this API.", 21)
    government: GovernmentRef = F("Their government.", GOV_EXAMPLE)
    legistar_id: int = F("Legistar's PersonId.", 301)
    full_name: str = F("Their full name.", "Beto Lopez")
    first_name: str = F("Their first name.", "Beto")
    last_name: str = F("Their last name.", "Lopez")
    www: str = F("Their web page, or empty.", "")
    active: bool = F("Whether they are active.", True)
    last_modified_utc: dt.datetime | None = F("When Legistar last changed them, or null.", None)


class OfficialDetailOut(OfficialOut):
    """An official with the offices held, latest first."""

    offices: list[OfficeOut] = F("The offices held.", [])


def _official(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "government": gov_ref(o.government),
        "legistar_id": o.person_id,
        "full_name": o.full_name,
        "first_name": o.first_name,
        "last_name": o.last_name,
        "www": o.www,
        "active": bool(o.active_flag),
        "last_modified_utc": o.last_modified_utc,
    }


def _office(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "official": r.person_id,
        "government": gov_ref(r.government),
        "body": r.body_id,
        "body_name": r.body_name,
        "title": r.title,
        "member_type": r.member_type,
        "start_date": r.start_date,
        "end_date": r.end_date,
    }


@router.get("/officials", response={200: page_of(OfficialOut), **ERRORS}, summary="Officials")
def officials(
    request: HttpRequest,
    government: str = GOVERNMENT,
    q_: str = Query("", alias="q", description="Words in the name.", examples=["lopez"]),
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Officials the caller may see."""
    qs = visible_officials(request.user)
    if government:
        qs = qs.filter(government__slug=government)
    for word in q_.split():
        qs = qs.filter(full_name__icontains=word)
    qs = changed_since(qs, updated_since, also=_legistar_since(updated_since))
    return paginate(
        request,
        qs.order_by("government__name", "last_name", "first_name", "pk"),
        _official,
        page,
        page_size,
        OfficialOut,
    )


@router.get("/officials/{official_id}", response={200: OfficialDetailOut, **ERRORS}, summary="One official")
def official(request: HttpRequest, official_id: int) -> dict[str, Any]:
    """One official with the offices held; 404 whether missing or hidden."""
    o = get_official_for_user(request.user, official_id)
    return {**_official(o), "offices": [_office(r) for r in o.offices.all()]}


@router.get("/office-records", response={200: page_of(OfficeOut), **ERRORS}, summary="Offices held")
def office_records(
    request: HttpRequest,
    official: int | None = Query(None, description="An official's id.", examples=[21]),
    body: int | None = Query(None, description="A body's id.", examples=[8]),
    government: str = GOVERNMENT,
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Offices held by the officials the caller may see; the dates filter the first day in office."""
    qs = q.visible_office_records(request.user)
    if official is not None:
        qs = qs.filter(person_id=official)
    if body is not None:
        qs = qs.filter(body_id=body)
    if government:
        qs = qs.filter(government__slug=government)
    qs = _dates(qs, "start_date", date_from, date_to)
    qs = changed_since(qs, updated_since, also=_legistar_since(updated_since))
    return paginate(
        request, qs.order_by("person_id", "-start_date", "pk"), _office, page, page_size, OfficeOut
    )


@router.get("/office-records/{record_id}", response={200: OfficeOut, **ERRORS}, summary="One office held")
def office_record(request: HttpRequest, record_id: int) -> dict[str, Any]:
    """One office record; 404 whether missing or hidden."""
    return _office(get_object_or_404(q.visible_office_records(request.user), pk=record_id))


class VoteOut(Schema):
    """One official's vote on an agenda item."""

    id: int = F("The vote's id.", 5001)
    event_item: int = F("The agenda item's id.", 700)
    official: int | None = F("The official's id, if the caller may see them.", 21)
    person_name: str = F("The voter's name as recorded.", "Beto Lopez")
    value_name: str = F("How they voted.", "Aye")
    result: int | None = F("Legistar's result code, or null.", 1)


class EventItemOut(Schema):
    """An item on a meeting's agenda."""

    id: int = F("The item's id.", 700)
    event: int = F("The meeting's id.", 60)
    government: GovernmentRef = F("The government.", GOV_EXAMPLE)
    agenda_sequence: int | None = F("Its order on the agenda, or null.", 4)
    agenda_number: str = F("Its agenda number, or empty.", "4.a")
    title: str = F("Its title.", "A resolution approving the dispatch agreement")
    action_name: str = F("What was done, or empty.", "Adopted")
    passed_flag_name: str = F("Pass or Fail, or empty.", "Pass")
    tally: str = F("The tally, or empty.", "7:0")
    matter: int | None = F("The matter's id, if the caller may see it.", 812)
    matter_action: int | None = F("The matter history row it made, or null.", 3001)


class EventItemDetailOut(EventItemOut):
    """An agenda item with its roll call."""

    votes: list[VoteOut] = F("Its roll call.", [])


class EventOut(Schema):
    """A meeting of a council body."""

    id: int = F("The meeting's id in this API.", 60)
    government: GovernmentRef = F("The government.", GOV_EXAMPLE)
    legistar_id: int = F("Legistar's EventId.", 1234)
    body: int | None = F("The body's id, or null.", 8)
    body_name: str = F("The body's name.", "City Council")
    date: dt.date | None = F("The meeting's day, or null.", "2021-04-13")
    time: str = F("Its time as published.", "6:00 PM")
    location: str = F("Where it met.", "City Hall")
    agenda_status_name: str = F("The agenda's status.", "Final")
    minutes_status_name: str = F("The minutes' status.", "Final")
    agenda_file: str = F("The agenda's address, or empty.", "")
    minutes_file: str = F("The minutes' address, or empty.", "")
    in_site_url: str = F("Its page on the council's site, or empty.", "")
    video_path: str = F("Its video, or empty.", "")
    last_modified_utc: dt.datetime | None = F("When Legistar last changed it, or null.", None)


class EventDetailOut(EventOut):
    """A meeting with its agenda items and their roll calls."""

    items: list[EventItemDetailOut] = F("Its agenda items, in order.", [])


def _event(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "government": gov_ref(e.government),
        "legistar_id": e.event_id,
        "body": e.body_id,
        "body_name": e.body_name,
        "date": e.date,
        "time": e.time,
        "location": e.location,
        "agenda_status_name": e.agenda_status_name,
        "minutes_status_name": e.minutes_status_name,
        "agenda_file": e.agenda_file,
        "minutes_file": e.minutes_file,
        "in_site_url": e.in_site_url,
        "video_path": e.video_path,
        "last_modified_utc": e.last_modified_utc,
    }


def _vote(v: Any) -> dict[str, Any]:
    return {
        "id": v.pk,
        "event_item": v.event_item_id,
        "official": v.person_id,
        "person_name": v.person_name,
        "value_name": v.value_name,
        "result": v.result,
    }


def _item(i: Any, government: Any = None) -> dict[str, Any]:
    return {
        "id": i.pk,
        "event": i.event_id,
        "government": gov_ref(government or i.government),
        "agenda_sequence": i.agenda_sequence,
        "agenda_number": i.agenda_number,
        "title": i.title,
        "action_name": i.action_name,
        "passed_flag_name": i.passed_flag_name,
        "tally": i.tally,
        "matter": i.matter.pk if i.matter else None,
        "matter_action": i.matter_action_id if i.matter else None,
    }


@router.get("/events", response={200: page_of(EventOut), **ERRORS}, summary="Meetings")
def events(
    request: HttpRequest,
    government: str = GOVERNMENT,
    body: int | None = Query(None, description="A body's id.", examples=[8]),
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Meetings the caller may see, newest first; the dates filter the meeting's day."""
    qs = visible_events(request.user)
    if government:
        qs = qs.filter(government__slug=government)
    if body is not None:
        qs = qs.filter(body_id=body)
    qs = _dates(qs, "date", date_from, date_to)
    qs = changed_since(qs, updated_since, also=_legistar_since(updated_since))
    return paginate(request, qs.order_by("-date", "body_name", "pk"), _event, page, page_size, EventOut)


@router.get("/events/{event_id}", response={200: EventDetailOut, **ERRORS}, summary="One meeting")
def event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    """One meeting with its agenda items and roll calls; 404 whether missing or hidden."""
    e = get_event_for_user(request.user, event_id)
    items = sorted(e.items.all(), key=lambda i: (i.agenda_sequence or 0, i.pk))
    return {
        **_event(e),
        "items": [{**_item(i, e.government), "votes": [_vote(v) for v in i.votes.all()]} for i in items],
    }


@router.get("/event-items", response={200: page_of(EventItemOut), **ERRORS}, summary="Agenda items")
def event_items(
    request: HttpRequest,
    event: int | None = Query(None, description="A meeting's id.", examples=[60]),
    matter: int | None = Query(None, description="A matter's id.", examples=[812]),
    government: str = GOVERNMENT,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Agenda items of the meetings the caller may see."""
    qs = q.visible_event_items(request.user)
    if event is not None:
        qs = qs.filter(event_id=event)
    if matter is not None:
        qs = qs.filter(matter__in=visible_matters(request.user).filter(pk=matter))
    if government:
        qs = qs.filter(government__slug=government)
    qs = changed_since(qs, updated_since, also=_legistar_since(updated_since))
    return paginate(
        request, qs.order_by("event_id", "agenda_sequence", "pk"), _item, page, page_size, EventItemOut
    )


@router.get("/event-items/{item_id}", response={200: EventItemDetailOut, **ERRORS}, summary="One agenda item")
def event_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """One agenda item with its roll call; 404 whether missing or hidden."""
    i = get_object_or_404(q.visible_event_items(request.user), pk=item_id)
    votes = q.visible_votes(request.user).filter(event_item=i).order_by("sort", "person_name", "pk")
    return {**_item(i), "votes": [_vote(v) for v in votes]}


@router.get("/votes", response={200: page_of(VoteOut), **ERRORS}, summary="Roll-call votes")
def votes(
    request: HttpRequest,
    event_item: int | None = Query(None, description="An agenda item's id.", examples=[700]),
    official: int | None = Query(None, description="An official's id.", examples=[21]),
    government: str = GOVERNMENT,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Votes on items of meetings the caller may see, by officials the caller may see."""
    qs = q.visible_votes(request.user)
    if event_item is not None:
        qs = qs.filter(event_item_id=event_item)
    if official is not None:
        qs = qs.filter(person_id=official)
    if government:
        qs = qs.filter(government__slug=government)
    qs = changed_since(qs, updated_since, also=_legistar_since(updated_since))
    return paginate(request, qs.order_by("event_item_id", "sort", "pk"), _vote, page, page_size, VoteOut)


@router.get("/votes/{vote_id}", response={200: VoteOut, **ERRORS}, summary="One vote")
def vote(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    """One vote; 404 whether missing or hidden."""
    return _vote(get_object_or_404(q.visible_votes(request.user), pk=vote_id))


# --- action plans (issue 12): published versions and their updates; drafts for members ----------------


class PlanUpdateOut(Schema):
    """A dated note on a published action plan version."""

    id: int = F("The update's id.", 3)
    version: int = F("The published version's id.", 11)
    action_plan: int = F("The action plan's id.", 4)
    on: dt.date = F("The date of the update.", "2026-06-01")
    title: str = F("A short headline.", "Half-year update")
    changed: str = F("What changed since publication (Markdown).", "On track.")
    learned: str = F("What was learned (Markdown), or empty.", "")
    at: dt.datetime = F("When it was written.", "2026-06-02T09:00:00Z")


class PlanVersionOut(Schema):
    """A published, numbered, immutable version of a collaborative's action plan."""

    id: int = F("The version's id.", 11)
    action_plan: int = F("The action plan's id.", 4)
    collaborative: str = F("The collaborative's slug.", "eastern-jackson-county")
    number: int = F("1 for the first publication, then 2, 3...", 1)
    title: str = F("The plan's title when published.", "Shared Services Plan 2026-2030")
    published_at: dt.datetime = F("When it was published.", "2026-01-15T12:00:00Z")
    note: str = F("What is new in this version, or empty.", "First publication.")
    url: str = F("Its page on the portal (with PDF, Word, CSV and JSON downloads).", "/plans/4/v1/")


class PlanVersionDetailOut(PlanVersionOut):
    """A published version with its updates, newest first."""

    updates: list[PlanUpdateOut] = F("Its updates.", [])


class ActionPlanOut(Schema):
    """A collaborative's action plan as drafted (members only, as on the portal)."""

    id: int = F("The action plan's id.", 4)
    collaborative: str = F("The collaborative's slug.", "eastern-jackson-county")
    title: str = F("Its title.", "Shared Services Plan 2026-2030")
    start_year: int = F("The first year it covers.", 2026)
    end_year: int = F("The last year it covers.", 2030)
    source_plan: int | None = F("The plan of recommendations it carries out (see /plans), or null.", 2)
    published_versions: list[int] = F("The numbers of its published versions.", [1])


def _plan_update(u: Any) -> dict[str, Any]:
    return {
        "id": u.pk,
        "version": u.version_id,
        "action_plan": u.version.plan_id,
        "on": u.on,
        "title": u.title,
        "changed": u.changed,
        "learned": u.learned,
        "at": u.at,
    }


def _plan_version(v: Any) -> dict[str, Any]:
    return {
        "id": v.pk,
        "action_plan": v.plan_id,
        "collaborative": v.plan.collaborative.slug,
        "number": v.number,
        "title": v.title,
        "published_at": v.published_at,
        "note": v.note,
        "url": reverse("portal:plan_version", args=[v.plan_id, v.number]),
    }


def _action_plan(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "collaborative": p.collaborative.slug,
        "title": p.title,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "source_plan": p.source_plan_id,
        "published_versions": sorted(v.number for v in p.versions.all()),
    }


@router.get(
    "/plan-versions", response={200: page_of(PlanVersionOut), **ERRORS}, summary="Published action plans"
)
def plan_versions(
    request: HttpRequest,
    collaborative: str = COLLABORATIVE,
    action_plan: int | None = Query(None, description="An action plan's id.", examples=[4]),
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Published versions of the action plans the caller may read; the dates filter the day of publication."""
    qs = q.visible_plan_versions(request.user)
    if collaborative:
        qs = qs.filter(plan__collaborative__slug=collaborative)
    if action_plan is not None:
        qs = qs.filter(plan_id=action_plan)
    qs = _dates(qs, "published_at__date", date_from, date_to).order_by("plan_id", "-number", "pk")
    return paginate(request, qs, _plan_version, page, page_size, PlanVersionOut)


@router.get(
    "/plan-versions/{version_id}",
    response={200: PlanVersionDetailOut, **ERRORS},
    summary="One published plan",
)
def plan_version(request: HttpRequest, version_id: int) -> dict[str, Any]:
    """One published version with its updates; 404 whether missing or hidden."""
    from interlocal.reports.models import PlanUpdate

    updates = PlanUpdate.objects.select_related("version").order_by("-on", "-id")
    v = get_object_or_404(
        q.visible_plan_versions(request.user).prefetch_related(Prefetch("updates", queryset=updates)),
        pk=version_id,
    )
    return {**_plan_version(v), "updates": [_plan_update(u) for u in v.updates.all()]}


@router.get("/plan-updates", response={200: page_of(PlanUpdateOut), **ERRORS}, summary="Action plan updates")
def plan_updates(
    request: HttpRequest,
    version: int | None = Query(None, description="A published version's id.", examples=[11]),
    collaborative: str = COLLABORATIVE,
    date_from: dt.date | None = DATE_FROM,
    date_to: dt.date | None = DATE_TO,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Updates on the published versions the caller may read; the dates filter the update's date."""
    qs = q.visible_plan_updates(request.user)
    if version is not None:
        qs = qs.filter(version_id=version)
    if collaborative:
        qs = qs.filter(version__plan__collaborative__slug=collaborative)
    qs = _dates(qs, "on", date_from, date_to).order_by("-on", "-pk")
    return paginate(request, qs, _plan_update, page, page_size, PlanUpdateOut)


@router.get("/plan-updates/{update_id}", response={200: PlanUpdateOut, **ERRORS}, summary="One plan update")
def plan_update(request: HttpRequest, update_id: int) -> dict[str, Any]:
    """One update; 404 whether missing or hidden."""
    return _plan_update(get_object_or_404(q.visible_plan_updates(request.user), pk=update_id))


@router.get("/action-plans", response={200: page_of(ActionPlanOut), **ERRORS}, summary="Action plan drafts")
def action_plans(
    request: HttpRequest,
    collaborative: str = COLLABORATIVE,
    updated_since: Since | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    """Action plans as drafted, for the collaborative's members (published versions: /plan-versions)."""
    from interlocal.reports.models import PlanVersion

    versions = PlanVersion.objects.defer("snapshot").only("id", "plan_id", "number")
    qs = q.visible_action_plans(request.user).prefetch_related(Prefetch("versions", queryset=versions))
    if collaborative:
        qs = qs.filter(collaborative__slug=collaborative)
    qs = changed_since(qs, updated_since).order_by("collaborative__name", "-start_year", "title", "pk")
    return paginate(request, qs, _action_plan, page, page_size, ActionPlanOut)


@router.get(
    "/action-plans/{plan_id}", response={200: ActionPlanOut, **ERRORS}, summary="One action plan draft"
)
def action_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """One action plan draft; 404 whether missing or not the caller's to read."""
    return _action_plan(get_object_or_404(q.visible_action_plans(request.user), pk=plan_id))
