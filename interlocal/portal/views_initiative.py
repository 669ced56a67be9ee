"""Portal pages to create and edit initiatives with every plan-page field, and their KPIs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from interlocal.conflicts import EditConflict
from interlocal.initiatives.actions import initiative_create, initiative_update
from interlocal.initiatives.models import Initiative
from interlocal.initiatives.queries import (
    collaboratives_to_add_to,
    get_initiative_for_user,
    owner_candidates,
    partner_governments,
)
from interlocal.portal.conflict import summary_context
from interlocal.portal.forms_initiative import InitiativeForm, KpiForm, add_action_errors, compare_with_stored
from interlocal.portal.people import signed_in
from interlocal.tracking.actions import kpi_create, kpi_update
from interlocal.tracking.queries import get_kpi_for_user


def _initiative_form(
    request: HttpRequest,
    collaborative: Any,
    data: Any = None,
    initiative: Initiative | None = None,
    **kwargs: Any,
) -> InitiativeForm:
    user: Any = request.user
    return InitiativeForm(
        data if data is not None else request.POST or None,
        plans=collaborative.plans.order_by("name"),
        governments=partner_governments(collaborative, initiative),
        people=owner_candidates(collaborative, initiative.owner_id if initiative else None),
        may_add_terms=user.has_perm("initiatives.add_term"),
        may_publish=user.has_perm("initiatives.publish_initiative", collaborative),
        **kwargs,
    )


def _conflict(
    request: HttpRequest, conflict: EditConflict, form: Any, stored: dict[str, Any], record_name: str
) -> dict[str, Any]:
    # Both versions field by field, and the person's entries kept on top of the stored version.
    rows = compare_with_stored(form, stored)
    data = request.POST.copy()
    data["lock_version"] = str(stored["lock_version"])
    return {**summary_context(conflict, rows, record_name), "rebased": data}


@login_required
def initiative_new(request: HttpRequest) -> HttpResponse:
    """Create an initiative in a collaborative the user may add to; several: choose one first."""
    choices = collaboratives_to_add_to(request.user)
    if not choices:
        raise PermissionDenied("You may not add initiatives to any collaborative.")
    asked = request.GET.get("collaborative")
    chosen = [c for c in choices if c.slug == asked]
    if asked and not chosen:
        raise Http404("No collaborative you may add initiatives to has that name.")
    if not chosen and len(choices) > 1:
        return render(request, "portal/initiative_choose.html", {"collaboratives": choices})
    collaborative = (chosen or choices)[0]
    user: Any = request.user
    # A member proposes for their own government, which then leads (and so may edit) what it proposed.
    edits_without_leading = user.has_perm(
        "initiatives.change_initiative", Initiative(collaborative=collaborative)
    )
    lead = [] if edits_without_leading or user.government_id is None else [user.government_id]
    form = _initiative_form(request, collaborative, initial={"update_every_days": 90, "lead": lead})
    if request.method == "POST" and form.is_valid():
        try:
            initiative = initiative_create(
                acting_user=signed_in(request),
                collaborative=collaborative,
                terms=form.terms_for_action(),
                partners=form.partners_for_action(),
                **form.fields_for_action(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{initiative} was added.")
            return redirect("portal:initiative", pk=initiative.pk)
    context = {"form": form, "collaborative": collaborative, "initiative": None}
    return render(request, "portal/initiative_form.html", context)


@login_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit every field of an initiative, its vocabularies and partners, as one change."""
    initiative = get_initiative_for_user(request.user, pk)
    if not request.user.has_perm("initiatives.change_initiative", initiative):
        raise PermissionDenied(
            "Only the collaborative's coordinators and the lead government edit this initiative."
        )
    form = _initiative_form(
        request,
        initiative.collaborative,
        initiative=initiative,
        initial=InitiativeForm.initial_from(initiative),
    )
    summary: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            initiative_update(
                acting_user=signed_in(request),
                initiative=initiative,
                expected_version=form.cleaned_data["lock_version"],
                terms=form.terms_for_action(),
                partners=form.partners_for_action(),
                **form.fields_for_action(),
            )
        except EditConflict as conflict:
            current = get_initiative_for_user(request.user, pk)
            summary = _conflict(
                request, conflict, form, InitiativeForm.initial_from(current), str(initiative)
            )
            form = _initiative_form(request, initiative.collaborative, summary["rebased"], initiative)
            form.is_valid()
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The initiative was updated.")
            return redirect("portal:initiative", pk=pk)
    context = {"form": form, "collaborative": initiative.collaborative, "initiative": initiative, **summary}
    return render(request, "portal/initiative_form.html", context, status=409 if summary else 200)


@login_required
def kpi_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a KPI to an initiative."""
    initiative = get_initiative_for_user(request.user, pk)
    if not request.user.has_perm("tracking.add_kpi", initiative):
        raise PermissionDenied("Only the initiative's editors add KPIs.")
    form = KpiForm(
        request.POST or None,
        people=owner_candidates(initiative.collaborative),
        initial={"update_every_days": 90},
    )
    if request.method == "POST" and form.is_valid():
        try:
            kpi = kpi_create(
                acting_user=signed_in(request), initiative=initiative, **form.fields_for_action()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"KPI {kpi.name} was added.")
            return redirect(reverse("portal:initiative", args=[pk]) + "#measures")
    return render(request, "portal/kpi_form.html", {"form": form, "initiative": initiative, "kpi": None})


@login_required
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a KPI's definition."""
    kpi = get_kpi_for_user(request.user, pk)
    if not request.user.has_perm("tracking.change_kpi", kpi):
        raise PermissionDenied("Only the initiative's editors change its KPIs.")
    initiative = kpi.initiative
    people = owner_candidates(initiative.collaborative, kpi.owner_id)
    form = KpiForm(request.POST or None, people=people, initial=KpiForm.initial_from(kpi))
    summary: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            kpi_update(
                acting_user=signed_in(request),
                kpi=kpi,
                expected_version=form.cleaned_data["lock_version"],
                **form.fields_for_action(),
            )
        except EditConflict as conflict:
            current = get_kpi_for_user(request.user, pk)
            summary = _conflict(request, conflict, form, KpiForm.initial_from(current), f"KPI {kpi.name}")
            form = KpiForm(summary["rebased"], people=people)
            form.is_valid()
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"KPI {kpi.name} was updated.")
            return redirect(reverse("portal:initiative", args=[initiative.pk]) + "#measures")
    context = {"form": form, "initiative": initiative, "kpi": kpi, **summary}
    return render(request, "portal/kpi_form.html", context, status=409 if summary else 200)
