"""The /api/v1 read API: explicit schemas, scoped like the portal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Schema

from interlocal.agreements.queries import get_agreement_for_user, party_statuses
from interlocal.api.auth import READ_AUTH
from interlocal.api.common import ERRORS, ReadAPI, install_errors
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
    government: str
    role: str


class InitiativeOut(Schema):
    id: int
    collaborative: str
    code: str
    title: str
    status: str
    types: list[str]
    cost_band: str
    cost_estimate: Decimal | None
    timeline_band: str
    lead_partners: list[str]
    supporting_partners: list[str]


class InitiativeDetailOut(InitiativeOut):
    description: str
    equity_considerations: str
    tracking_implementation: str
    tracking_success: list[str]
    if_overperforming: str
    if_underperforming: str
    partners: list[PartnerOut]


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
    government: str
    adopted_on: dt.date | None
    matter: str | None


class VersionOut(Schema):
    number: int
    kind: str
    title: str
    effective_on: dt.date | None
    in_force: bool
    in_force_at: dt.datetime | None
    in_force_from: dt.date | None
    superseded_by: int | None
    superseded_on: dt.date | None
    parties: list[PartyStatusOut]


class AgreementOut(Schema):
    id: int
    title: str
    kind: str
    collaborative: str
    versions: list[VersionOut]


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
