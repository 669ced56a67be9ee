"""Writes for programs: each endpoint calls the same action as the portal page that does the same job.

So a write through the API is checked by the same permission, audited by the same event, refused on a stale
lock_version (409) and applied all or nothing (one transaction per request), exactly as on the portal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Path, Schema, Status
from pydantic import model_validator

from interlocal.agreements.actions import adoption_proposal_confirm
from interlocal.agreements.queries import get_adoption_proposal_for_user
from interlocal.api.api import api
from interlocal.api.auth import WRITE_AUTH
from interlocal.api.common import ErrorOut, InvalidOut
from interlocal.audit.actions import _plain
from interlocal.conflicts import EditConflict
from interlocal.costshare.actions import savings_entry_create
from interlocal.costshare.choices import Recurrence
from interlocal.governments.models import Person
from interlocal.governments.queries import get_government_for_user
from interlocal.initiatives.actions import initiative_create, initiative_report_progress, initiative_update
from interlocal.initiatives.models import Initiative
from interlocal.initiatives.queries import (
    collaboratives_to_add_to,
    get_initiative_for_user,
    owner_candidates,
    partner_governments,
)
from interlocal.tracking.actions import measurement_record
from interlocal.tracking.queries import get_kpi_for_user
from interlocal.vocab import CostBand, InitiativeStatus, InitiativeType, PartnerRole, TermKind, TimelineBand

MAX_ID = 2**31 - 1  # ids are 32-bit or 64-bit integers; no record has a larger one

# --- Errors: every write answers these, documented once ------------------------------------------------------


class FieldErrorsOut(Schema):
    """A refused write: the action's checks failed; nothing was written."""

    detail: str = Field(
        description="What went wrong, in words a person can act on.",
        examples=["A measurement cannot be dated in the future (2031-01-01)."],
    )

    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="The messages by field name ('__all__' for the record as a whole); absent when the body is "
        "not JSON at all.",
        examples=[{"measured_on": ["A measurement cannot be dated in the future (2031-01-01)."]}],
    )


class ConflictOut(Schema):
    """The record changed since the caller read it; nothing was written. Read it again and reapply the change."""

    detail: str = Field(
        description="What happened, with both versions.",
        examples=[
            "This initiative was changed by someone else (version 3 was edited, version 4 is stored); nothing was saved."
        ],
    )

    expected_version: int | None = Field(
        description="The lock_version the request was based on.", examples=[3]
    )
    current_version: int | None = Field(description="The lock_version stored now.", examples=[4])
    current: dict[str, Any] = Field(
        description="The stored values of the fields the request tried to change.",
        examples=[{"title": "Shared dispatch center", "status": "in_progress"}],
    )


WRITE_ERRORS: dict[int, Any] = {
    400: FieldErrorsOut | InvalidOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ConflictOut,
}
ERROR_DESCRIPTIONS = {
    400: "The action refused the values (e.g. a date in the future; `errors` says which field), or the body or a "
    "parameter does not match the schema (`detail` lists the problems), or is not JSON. Nothing written.",
    401: "No valid credentials: no token, an unknown or revoked token, or a malformed Authorization header.",
    403: "The token's owner may see the record but not make this change (the same rule as on the portal).",
    404: "No such record, or the token's owner may not see it (the two are not told apart).",
    409: "Optimistic locking: the record changed since lock_version was read. Nothing written.",
}


def _errors_of(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def install_error_handlers(target: NinjaAPI) -> None:
    """Answer the actions' refusals as JSON with the documented status codes."""

    def refused(request: HttpRequest, exc: Any) -> HttpResponse:
        return target.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, DjangoValidationError)
        errors = _errors_of(exc)
        detail = "; ".join(m for messages in errors.values() for m in messages)
        return target.create_response(request, {"detail": detail, "errors": errors}, status=400)

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, EditConflict)
        current = exc.current
        body = {
            "detail": str(exc),
            "expected_version": exc.expected_version,
            "current_version": getattr(current, "lock_version", None),
            "current": {
                k: _plain(getattr(current, k, None))
                for k in exc.submitted
                if current is not None and hasattr(current, k)
            },
        }
        return target.create_response(request, body, status=409)

    target.add_exception_handler(PermissionDenied, refused)
    target.add_exception_handler(DjangoValidationError, invalid)
    target.add_exception_handler(EditConflict, conflict)


install_error_handlers(api)


def _actor(request: HttpRequest) -> Person:
    """The person a write acts as: WRITE_AUTH let only a token's owner or a signed-in session through."""
    return cast(Person, request.user)


def _responses(ok: int, schema: Any, *errors: int) -> dict[int, Any]:
    return {ok: schema, **{code: WRITE_ERRORS[code] for code in errors}}


class In(Schema):
    """A request body: no text may carry a NUL character (PostgreSQL cannot store one)."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        def walk(value: Any) -> None:
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("Text may not contain NUL characters.")
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(k)
                    walk(v)
            elif isinstance(value, list | tuple):
                for v in value:
                    walk(v)

        walk(data)
        return data


# --- KPI measurements ---------------------------------------------------------------------------------------


class MeasurementIn(In):
    measured_on: dt.date = Field(
        description="The date the value refers to; not in the future.", examples=["2025-06-30"]
    )
    value: Decimal = Field(
        description="The measured value, in the KPI's unit.",
        max_digits=14,
        decimal_places=2,
        examples=["41.5"],
    )
    note: str = Field(
        "", max_length=5000, description="Context for the value.", examples=["Q2, from CAD exports"]
    )


class MeasurementWriteOut(Schema):
    id: int = Field(description="The measurement's id.", examples=[812])
    kpi: int = Field(description="The KPI's id.", examples=[17])
    measured_on: dt.date = Field(description="The date the value refers to.", examples=["2025-06-30"])
    value: Decimal = Field(description="The measured value.", examples=["41.5"])
    note: str = Field(description="Context for the value.", examples=["Q2, from CAD exports"])
    kpi_status: str = Field(
        description="The KPI's status after this value (on track, over- or underperforming...).",
        examples=["on_track"],
    )
    kpi_lock_version: int = Field(description="The KPI's lock_version after the write.", examples=[5])


@api.post(
    "/kpis/{int:kpi_id}/measurements",
    auth=WRITE_AUTH,
    response=_responses(201, MeasurementWriteOut, 400, 401, 403, 404),
    summary="Record a KPI measurement",
    tags=["writes"],
    openapi_extra={"responses": {c: {"description": d} for c, d in ERROR_DESCRIPTIONS.items() if c != 409}},
)
def measurement_create(
    request: HttpRequest,
    kpi_id: Annotated[int, Path(description="The KPI's id.", examples=[17], ge=1, le=MAX_ID)],
    payload: MeasurementIn,
) -> Status:
    """Enter a value for a KPI, as the portal's "Enter measurement" page does (action `measurement_record`):
    the KPI's owner, the initiative's editors and partner editors may. The KPI's status is recomputed and an
    over- or underperformance triggers the plan's response."""
    with transaction.atomic():
        kpi = get_kpi_for_user(request.user, kpi_id)
        m = measurement_record(acting_user=_actor(request), kpi=kpi, **payload.dict())
        kpi.refresh_from_db(fields=["status", "lock_version"])
    out = {
        "id": m.pk,
        "kpi": kpi.pk,
        "measured_on": m.measured_on,
        "value": m.value,
        "note": m.note,
        "kpi_status": kpi.status,
        "kpi_lock_version": kpi.lock_version,
    }
    return Status(201, out)


# --- Progress notes -----------------------------------------------------------------------------------------


class ProgressIn(In):
    text: str = Field(
        min_length=1,
        max_length=20000,
        description="What has happened since the last report (Markdown).",
        examples=["Dispatch consoles installed; cut-over scheduled for March."],
    )


class ProgressNoteOut(Schema):
    id: int = Field(description="The progress note's id.", examples=[301])
    initiative: int = Field(description="The initiative's id.", examples=[42])
    at: dt.datetime = Field(description="When it was recorded.", examples=["2025-07-01T14:03:00Z"])
    text: str = Field(description="The report.", examples=["Dispatch consoles installed."])


@api.post(
    "/initiatives/{int:initiative_id}/progress-notes",
    auth=WRITE_AUTH,
    response=_responses(201, ProgressNoteOut, 400, 401, 403, 404),
    summary="Report progress on an initiative",
    tags=["writes"],
    openapi_extra={"responses": {c: {"description": d} for c, d in ERROR_DESCRIPTIONS.items() if c != 409}},
)
def progress_note_create(
    request: HttpRequest,
    initiative_id: Annotated[int, Path(description="The initiative's id.", examples=[42], ge=1, le=MAX_ID)],
    payload: ProgressIn,
) -> Status:
    """Add a progress report, which resets the initiative's update clock (action `initiative_report_progress`,
    as the portal's progress form): the collaborative's coordinators and the lead government's editors may."""
    with transaction.atomic():
        initiative = get_initiative_for_user(request.user, initiative_id)
        note = initiative_report_progress(
            acting_user=_actor(request), initiative=initiative, text=payload.text
        )
    return Status(201, {"id": note.pk, "initiative": initiative.pk, "at": note.at, "text": note.text})


# --- Initiatives --------------------------------------------------------------------------------------------


class PartnersIn(In):
    lead: list[str] = Field(
        default_factory=list, description="Slugs of the lead governments.", examples=[["lees-summit"]]
    )
    supporting: list[str] = Field(
        default_factory=list, description="Slugs of the supporting governments.", examples=[["blue-springs"]]
    )
    participating: list[str] = Field(
        default_factory=list, description="Slugs of participating governments.", examples=[[]]
    )


class InitiativeFieldsIn(In):
    """The portal form's fields. On update, only the fields sent are changed."""

    code: str = Field("", max_length=40, description="The plan's code, e.g. LR.33.", examples=["EJC-4"])
    description: str = Field(
        "",
        max_length=100000,
        description="What it is (Markdown).",
        examples=["One dispatch center for three cities."],
    )
    status: InitiativeStatus = Field(
        InitiativeStatus.NEW, description="Implementation status.", examples=["new"]
    )
    types: list[InitiativeType] = Field(
        default_factory=list, description="Project, partnership and/or policy.", examples=[["partnership"]]
    )
    plan: int | None = Field(
        None, description="Id of the collaborative's plan it belongs to.", examples=[None]
    )
    plan_position: int | None = Field(
        None, ge=0, le=32767, description="Its position in the plan.", examples=[4]
    )
    equity_considerations: str = Field(
        "", max_length=100000, description="Equity considerations.", examples=[""]
    )
    sustainability_considerations: str = Field(
        "", max_length=100000, description="Sustainability considerations.", examples=[""]
    )
    cost_band: CostBand | None = Field(None, description="Cost band; null when not given.", examples=["low"])
    cost_estimate: Decimal | None = Field(
        None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="Estimated cost in dollars.",
        examples=["250000.00"],
    )
    timeline_band: TimelineBand | None = Field(
        None, description="Timeline band; null when not given.", examples=["near"]
    )
    start_on: dt.date | None = Field(None, description="Planned or actual start.", examples=["2026-01-01"])
    end_on: dt.date | None = Field(None, description="Planned or actual end.", examples=["2027-06-30"])
    tracking_implementation: str = Field(
        "", max_length=100000, description="How implementation is tracked.", examples=[""]
    )
    tracking_success: list[str] = Field(
        default_factory=list,
        description="How success is measured, one item each.",
        examples=[["Call answer time"]],
    )
    if_overperforming: str = Field(
        "", max_length=100000, description="What to do when measures overperform.", examples=[""]
    )
    if_underperforming: str = Field(
        "", max_length=100000, description="What to do when measures underperform.", examples=[""]
    )
    owner: str | None = Field(
        None, description="Username of the person who owns it (staff of a member).", examples=["clerk"]
    )
    services: str = Field(
        "", max_length=100000, description="The services it concerns.", examples=["911 dispatch"]
    )
    update_every_days: int = Field(
        90, ge=1, le=3650, description="Days between progress reports.", examples=[90]
    )
    is_published: bool = Field(
        False, description="Shown on the public portal (coordinators only).", examples=[False]
    )
    terms: dict[TermKind, list[str]] | None = Field(
        None,
        description="Vocabulary terms by kind (plan_goal, topic_area, geographic_scale, key_issue, funding_source); "
        "a kind sent replaces its terms.",
        examples=[{"topic_area": ["Public safety"]}],
    )
    partners: PartnersIn | None = Field(
        None,
        description="Partner governments by role; replaces them all when sent.",
        examples=[{"lead": ["lees-summit"], "supporting": ["blue-springs"], "participating": []}],
    )


class InitiativeCreateIn(InitiativeFieldsIn):
    collaborative: str = Field(
        description="Slug of the collaborative to add it to.", examples=["eastern-jackson-county"]
    )
    title: str = Field(
        min_length=1, max_length=300, description="Short title.", examples=["Shared dispatch center"]
    )


class InitiativeUpdateIn(InitiativeFieldsIn):
    lock_version: int = Field(
        ge=0,
        description="The lock_version read with the initiative; a stale one is refused with 409.",
        examples=[3],
    )
    title: str = Field("", max_length=300, description="Short title.", examples=["Shared dispatch center"])


class InitiativeWriteOut(Schema):
    id: int = Field(description="The initiative's id.", examples=[42])
    collaborative: str = Field(description="Its collaborative's slug.", examples=["eastern-jackson-county"])
    code: str = Field(description="The plan's code.", examples=["EJC-4"])
    title: str = Field(description="Short title.", examples=["Shared dispatch center"])
    status: str = Field(description="Implementation status.", examples=["new"])
    is_published: bool = Field(description="Shown on the public portal.", examples=[False])
    lock_version: int = Field(description="The version to send with the next update.", examples=[4])


def _initiative_out(i: Initiative) -> dict:
    return {
        "id": i.pk,
        "collaborative": i.collaborative.slug,
        "code": i.code,
        "title": i.title,
        "status": i.status,
        "is_published": i.is_published,
        "lock_version": i.lock_version,
    }


_TYPE_FLAGS = {
    InitiativeType.PROJECT: "is_project",
    InitiativeType.PARTNERSHIP: "is_partnership",
    InitiativeType.POLICY: "is_policy",
}


def _initiative_arguments(
    collaborative: Any, data: dict[str, Any], initiative: Initiative | None
) -> dict[str, Any]:
    """The body as the actions take it: ids and slugs resolved to records among those the portal form offers."""
    fields = dict(data)
    if "types" in fields:
        types = fields.pop("types")
        fields.update({flag: kind in types for kind, flag in _TYPE_FLAGS.items()})
    if "plan" in fields and fields["plan"] is not None:
        plan = collaborative.plans.filter(pk=fields["plan"]).first()
        if plan is None:
            raise DjangoValidationError({"plan": "No plan of this collaborative has that id."})
        fields["plan"] = plan
    if "owner" in fields and fields["owner"] is not None:
        people = owner_candidates(collaborative, initiative.owner_id if initiative else None)
        owner = people.filter(username=fields["owner"]).first()
        if owner is None:
            raise DjangoValidationError({"owner": "No staff member of the collaborative has that username."})
        fields["owner"] = owner
    for key in ("cost_band", "timeline_band"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    if fields.get("terms") is not None:
        fields["terms"] = {str(kind): names for kind, names in fields["terms"].items()}
    elif "terms" in fields:
        fields.pop("terms")
    if fields.get("partners") is not None:
        offered = partner_governments(collaborative, initiative)
        partners = {}
        for role in PartnerRole.values:
            slugs = fields["partners"].get(role, [])
            found = {g.slug: g for g in offered.filter(slug__in=slugs)}
            unknown = [s for s in slugs if s not in found]
            if unknown:
                raise DjangoValidationError({"partners": f"Not a member government: {', '.join(unknown)}."})
            partners[role] = [found[s] for s in slugs]
        fields["partners"] = partners
    elif "partners" in fields:
        fields.pop("partners")
    return fields


@api.post(
    "/initiatives",
    auth=WRITE_AUTH,
    response=_responses(201, InitiativeWriteOut, 400, 401, 403, 404),
    summary="Create an initiative",
    tags=["writes"],
    openapi_extra={"responses": {c: {"description": d} for c, d in ERROR_DESCRIPTIONS.items() if c != 409}},
)
def initiative_create_endpoint(request: HttpRequest, payload: InitiativeCreateIn) -> Status:
    """Create an initiative with the portal form's fields, terms and partners (action `initiative_create`):
    coordinators, and member editors proposing for their own government. 403 when the caller may add to no
    collaborative, 404 when the one named is not among those they may add to."""
    with transaction.atomic():
        choices = {c.slug: c for c in collaboratives_to_add_to(request.user)}
        if not choices:
            raise PermissionDenied("You may not add initiatives to any collaborative.")
        collaborative = choices.get(payload.collaborative)
        if collaborative is None:
            raise Http404("No collaborative you may add initiatives to has that slug.")
        data = payload.dict()
        data.pop("collaborative")
        args = _initiative_arguments(collaborative, data, None)
        initiative = initiative_create(acting_user=_actor(request), collaborative=collaborative, **args)
    return Status(201, _initiative_out(initiative))


@api.patch(
    "/initiatives/{int:initiative_id}",
    auth=WRITE_AUTH,
    response=_responses(200, InitiativeWriteOut, 400, 401, 403, 404, 409),
    summary="Update an initiative",
    tags=["writes"],
    openapi_extra={"responses": {c: {"description": d} for c, d in ERROR_DESCRIPTIONS.items()}},
)
def initiative_update_endpoint(
    request: HttpRequest,
    initiative_id: Annotated[int, Path(description="The initiative's id.", examples=[42], ge=1, le=MAX_ID)],
    payload: InitiativeUpdateIn,
) -> dict:
    """Change the fields sent (with the lock_version read), as the portal's edit form (action
    `initiative_update`): one new version, audited; a stale lock_version is refused with 409."""
    with transaction.atomic():
        initiative = get_initiative_for_user(request.user, initiative_id)
        if not request.user.has_perm("initiatives.change_initiative", initiative):
            raise PermissionDenied(
                "Only the collaborative's coordinators and the lead government edit this initiative."
            )
        data = payload.dict(exclude_unset=True)
        expected = data.pop("lock_version")
        if "title" in data and not data["title"].strip():
            raise DjangoValidationError({"title": "An initiative needs a title."})
        args = _initiative_arguments(initiative.collaborative, data, initiative)
        initiative_update(
            acting_user=_actor(request), initiative=initiative, expected_version=expected, **args
        )
        initiative.refresh_from_db()
    return _initiative_out(initiative)


# --- Savings ------------------------------------------------------------------------------------------------


class SavingsIn(In):
    government: str = Field(description="Slug of the government whose costs fell.", examples=["lees-summit"])
    fiscal_year: int = Field(ge=1900, le=2200, description="The government's fiscal year.", examples=[2025])
    recurrence: Recurrence = Field(
        description="Whether the saving recurs each year.", examples=[Recurrence.values[0]]
    )
    baseline_cost: Decimal = Field(
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="What the service cost before.",
        examples=["1200000.00"],
    )
    projected_saving: Decimal = Field(
        max_digits=14,
        decimal_places=2,
        description="The saving expected for the year.",
        examples=["150000.00"],
    )
    actual_saving: Decimal | None = Field(
        None,
        max_digits=14,
        decimal_places=2,
        description="The saving realised; null until known.",
        examples=[None],
    )
    evidence_url: str = Field(
        "",
        max_length=500,
        description="Where the evidence is published.",
        examples=["https://example.gov/budget.pdf"],
    )
    note: str = Field(
        "", max_length=20000, description="How the figures were worked out.", examples=["FY25 budget, p. 14"]
    )


class SavingsWriteOut(Schema):
    id: int = Field(description="The savings entry's id.", examples=[77])
    initiative: int = Field(description="The initiative's id.", examples=[42])
    government: str = Field(description="The government's slug.", examples=["lees-summit"])
    fiscal_year: int = Field(description="The fiscal year.", examples=[2025])
    recurrence: str = Field(description="Whether the saving recurs.", examples=[Recurrence.values[0]])
    baseline_cost: Decimal = Field(description="What the service cost before.", examples=["1200000.00"])
    projected_saving: Decimal = Field(description="The saving expected.", examples=["150000.00"])
    actual_saving: Decimal | None = Field(description="The saving realised, if known.", examples=[None])


@api.post(
    "/initiatives/{int:initiative_id}/savings",
    auth=WRITE_AUTH,
    response=_responses(201, SavingsWriteOut, 400, 401, 403, 404),
    summary="Record a savings entry",
    tags=["writes"],
    openapi_extra={"responses": {c: {"description": d} for c, d in ERROR_DESCRIPTIONS.items() if c != 409}},
)
def savings_create(
    request: HttpRequest,
    initiative_id: Annotated[int, Path(description="The initiative's id.", examples=[42], ge=1, le=MAX_ID)],
    payload: SavingsIn,
) -> Status:
    """Record a member government's baseline cost and projected (and actual) saving for a fiscal year (action
    `savings_entry_create`, as the cost-sharing pages): the government's own editors or the coordinators."""
    with transaction.atomic():
        initiative = get_initiative_for_user(request.user, initiative_id)
        government = get_government_for_user(request.user, payload.government)
        data = payload.dict()
        data.pop("government")
        entry = savings_entry_create(
            acting_user=_actor(request), initiative=initiative, government=government, **data
        )
    return Status(
        201,
        {
            "id": entry.pk,
            "initiative": initiative.pk,
            "government": government.slug,
            "fiscal_year": entry.fiscal_year,
            "recurrence": entry.recurrence,
            "baseline_cost": entry.baseline_cost,
            "projected_saving": entry.projected_saving,
            "actual_saving": entry.actual_saving,
        },
    )


# --- Adoptions found in council legislation -------------------------------------------------------------------


class ConfirmIn(In):
    lock_version: int = Field(
        ge=0,
        description="The proposal's lock_version as read; a stale one is refused with 409.",
        examples=[0],
    )


class AdoptionWriteOut(Schema):
    id: int = Field(description="The adoption's id.", examples=[9])
    government: str = Field(description="The adopting government's slug.", examples=["lees-summit"])
    version: int = Field(description="The agreement version's id.", examples=[12])
    matter: str = Field(description="The council matter's file number.", examples=["RES-2025-14"])
    adopted_on: dt.date = Field(description="Date of the council's vote.", examples=["2025-03-11"])


@api.post(
    "/adoption-proposals/{int:proposal_id}/confirm",
    auth=WRITE_AUTH,
    response=_responses(201, AdoptionWriteOut, 400, 401, 403, 404, 409),
    summary="Confirm an adoption found in council legislation",
    tags=["writes"],
    openapi_extra={"responses": {c: {"description": d} for c, d in ERROR_DESCRIPTIONS.items()}},
)
def adoption_proposal_confirm_endpoint(
    request: HttpRequest,
    proposal_id: Annotated[
        int, Path(description='The adoption proposal\'s id (see "My work").', examples=[5], ge=1, le=MAX_ID)
    ],
    payload: ConfirmIn,
) -> Status:
    """Confirm a proposed adoption, recording it as the party's adoption dated by the vote (action
    `adoption_proposal_confirm`, as on "My work"): the party's own editors or the collaborative's coordinators.
    The version comes into force once the last party's adoption is recorded."""
    with transaction.atomic():
        proposal = get_adoption_proposal_for_user(request.user, proposal_id)
        adoption = adoption_proposal_confirm(
            acting_user=_actor(request),
            proposal=proposal,
            expected_version=payload.lock_version,
        )
    return Status(
        201,
        {
            "id": adoption.pk,
            "government": adoption.government.slug,
            "version": adoption.version_id,
            "matter": adoption.matter.file_number,
            "adopted_on": adoption.adopted_on,
        },
    )
