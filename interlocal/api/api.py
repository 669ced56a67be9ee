"""The /api/v1 read API: explicit schemas, scoped like the portal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Schema

from interlocal.agreements.queries import get_agreement_for_user, party_statuses
from interlocal.api.auth import READ_AUTH
from interlocal.api.common import ERRORS, F, ReadAPI, install_errors
from interlocal.api.docs import LocalSwagger
from interlocal.api.records import router as records
from interlocal.initiatives.queries import (
    InitiativeFilters,
    get_initiative_for_user,
    list_initiatives_for_user,
)
from interlocal.vocab import PartnerRole

# Reads allow anonymous callers; a bearer token (interlocal/api/auth.py) acts as its owner on every operation.
api = ReadAPI(title="Interlocal API", version="1", urls_namespace="api", docs=LocalSwagger(), auth=READ_AUTH)
install_errors(api)


class PartnerOut(Schema):
    """A government's part in an initiative."""

    government: str = F("The partner government's name.", "Lee's Summit")
    role: str = F("lead, participating or supporting.", "lead")


class InitiativeOut(Schema):
    """An initiative, as the first version of the API lists it."""

    id: int = F("The initiative's id.", 101)
    collaborative: str = F("Its collaborative's slug.", "eastern-jackson-county")
    code: str = F("Its code in the plan.", "EJC-1")
    title: str = F("Its title.", "Shared 911 dispatch")
    status: str = F("Its status: new, in_progress, ongoing, complete or deferred.", "in_progress")
    types: list[str] = F("project, partnership and/or policy.", ["partnership"])
    cost_band: str = F("Its cost band: low, medium or high.", "medium")
    cost_estimate: Decimal | None = F("Its estimated cost in dollars, or null.", "250000.00")
    timeline_band: str = F("Its timeline band: ongoing, near, medium or long.", "near")
    lead_partners: list[str] = F("The names of its lead partners.", ["Lee's Summit"])
    supporting_partners: list[str] = F("The names of its supporting partners.", ["Blue Springs"])


class InitiativeDetailOut(InitiativeOut):
    """One initiative with its plan text and every partner."""

    description: str = F("What it is.", "One dispatch center answers 911 calls for every partner.")
    equity_considerations: str = F("Who it serves and who it may leave out.", "Serves rural callers first.")
    tracking_implementation: str = F("How progress is tracked.", "Quarterly report to the board.")
    tracking_success: list[str] = F("The measures of success.", ["Median answer time under 10 seconds"])
    if_overperforming: str = F("What to do if it does better than planned.", "Extend to a new partner.")
    if_underperforming: str = F("What to do if it does worse than planned.", "Review staffing.")
    partners: list[PartnerOut] = F(
        "Every partner and its role.", [{"government": "Lee's Summit", "role": "lead"}]
    )


def _initiative(i) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": i.pk,
        "collaborative": i.collaborative.slug,
        "code": i.code,
        "title": i.title,
        "status": i.status,
        "types": i.types,
        "cost_band": i.cost_band,
        "cost_estimate": i.cost_estimate,
        "timeline_band": i.timeline_band,
        "lead_partners": [p.government.name for p in i.partners_of(PartnerRole.LEAD)],
        "supporting_partners": [p.government.name for p in i.partners_of(PartnerRole.SUPPORTING)],
    }


MAX_LIMIT = 1000


@api.get(
    "/initiatives",
    response={200: list[InitiativeOut], **ERRORS},
    summary="Initiatives the caller may see (first version; see /initiatives/list)",
    deprecated=True,
)
def initiatives(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    collaborative: str = "",
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
) -> list[dict]:
    """List initiatives, searched and filtered, a page at a time (limit, offset; at most 1,000 per call).

    Kept for the clients of the first version; /initiatives/list pages with count, next and previous and takes
    every filter of the portal's list.
    """
    filters = InitiativeFilters(q=q, status=status, collaborative=collaborative)
    return [_initiative(i) for i in list_initiatives_for_user(request.user, filters)[offset : offset + limit]]


@api.get(
    "/initiatives/{int:initiative_id}",
    response={200: InitiativeDetailOut, **ERRORS},
    summary="One initiative",
)
def initiative(request: HttpRequest, initiative_id: int) -> dict:
    """Return one initiative; 404 whether missing or not visible."""
    i = get_initiative_for_user(request.user, initiative_id)
    return {
        **_initiative(i),
        "description": i.description,
        "equity_considerations": i.equity_considerations,
        "tracking_implementation": i.tracking_implementation,
        "tracking_success": list(i.tracking_success),
        "if_overperforming": i.if_overperforming,
        "if_underperforming": i.if_underperforming,
        "partners": [{"government": p.government.name, "role": p.role} for p in i.partners.all()],
    }


class PartyStatusOut(Schema):
    """Whether one party has adopted a version."""

    government: str = F("The party government's name.", "Lee's Summit")
    adopted_on: dt.date | None = F("The day it adopted the version, or null if it has not.", "2024-05-07")
    matter: str | None = F("The file number of the adopting matter, or null.", "RES-2024-031")


class VersionOut(Schema):
    """One version of an agreement and its adoptions."""

    number: int = F("Its number within the agreement, from 1.", 2)
    kind: str = F("original, renewal, amendment, expansion or renewal_expansion.", "renewal")
    title: str = F("Its title.", "Shared dispatch agreement, 2024 renewal")
    effective_on: dt.date | None = F("The day it takes effect, or null if not set.", "2024-07-01")
    in_force: bool = F(
        "Whether it is in force today: adopted by every party, effective, not superseded.", True
    )
    in_force_at: dt.datetime | None = F(
        "When the last adoption was recorded, or null.", "2024-06-12T15:00:00Z"
    )
    in_force_from: dt.date | None = F(
        "The later of the effective day and the last vote, or null.", "2024-07-01"
    )
    superseded_by: int | None = F("The number of the version that replaced it, or null.", 3)
    superseded_on: dt.date | None = F("The day it was replaced, or null.", "2026-07-01")
    parties: list[PartyStatusOut] = F(
        "Each party and its adoption.",
        [{"government": "Lee's Summit", "adopted_on": "2024-05-07", "matter": "RES-2024-031"}],
    )


class AgreementOut(Schema):
    """An agreement with all its versions."""

    id: int = F("The agreement's id.", 9)
    title: str = F("Its title.", "Shared dispatch agreement")
    kind: str = F(
        "statement_of_purpose, statement_of_common_purpose, mou, interlocal or contract.", "interlocal"
    )
    collaborative: str = F("Its collaborative's slug.", "eastern-jackson-county")
    versions: list[VersionOut] = F("Its versions.", [])


@api.get(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **ERRORS},
    summary="One agreement with adoption status",
)
def agreement(request: HttpRequest, agreement_id: int) -> dict:
    """Return an agreement, its versions and which parties have adopted each."""
    a = get_agreement_for_user(request.user, agreement_id)
    versions = []
    for v in a.versions.all():
        parties = [
            {
                "government": s.government.name,
                "adopted_on": s.adoption.adopted_on if s.adoption else None,
                "matter": s.adoption.matter.file_number if s.adoption else None,
            }
            for s in party_statuses(v)
        ]
        versions.append(
            {
                "number": v.number,
                "kind": v.kind,
                "title": v.title,
                "effective_on": v.effective_on,
                "in_force": v.is_in_force,
                "in_force_at": v.in_force_at,
                "in_force_from": v.in_force_from,
                "superseded_by": v.superseded_by.number if v.superseded_by else None,
                "superseded_on": v.superseded_on,
                "parties": parties,
            }
        )
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind,
        "collaborative": a.collaborative.slug,
        "versions": versions,
    }


# Every other record type: list and detail endpoints (interlocal/api/records.py).
api.add_router("", records)

# Writes for programs (issue 13), on the same API: imported last, they register their operations on `api`.
from interlocal.api import openapi, writes  # noqa: E402, F401

openapi.install(api)
