"""Portal pages for a collaborative's pipeline rules: its stage gates and its organizing principles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from interlocal.audit.queries import record_history
from interlocal.collaboratives.queries import get_collaborative_for_user
from interlocal.conflicts import EditConflict
from interlocal.initiatives.actions import criteria_set_create, gate_configure
from interlocal.initiatives.gates import CONDITIONS
from interlocal.initiatives.queries import (
    collaborative_gates,
    criteria_history,
    current_criteria_set,
    get_criteria_version,
    get_gate_row,
    may_see_all_scores,
)
from interlocal.portal.conflict import FieldComparison
from interlocal.portal.forms_gates import CriteriaSetForm, GateForm, criteria_rows, criterion_formset
from interlocal.portal.people import signed_in


def gate_list(request: HttpRequest, slug: str) -> HttpResponse:
    """What entering each stage requires in a collaborative."""
    collaborative = get_collaborative_for_user(request.user, slug)
    context = {
        "collaborative": collaborative,
        "gates": collaborative_gates(collaborative.pk),
        "can_edit": request.user.has_perm("initiatives.change_stagegate", collaborative),
    }
    return render(request, "portal/gate_list.html", context)


@login_required
def gate_edit(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    """Choose what entering one stage requires (coordinators)."""
    collaborative = get_collaborative_for_user(request.user, slug)
    gate = get_gate_row(collaborative.pk, stage)
    if not request.user.has_perm("initiatives.change_stagegate", collaborative):
        raise PermissionDenied("Only the collaborative's coordinators set its stage gates.")
    form = GateForm(
        request.POST or None, initial={"conditions": gate.codes, "lock_version": gate.lock_version}
    )
    context: dict[str, Any] = {"collaborative": collaborative, "gate": gate, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            gate_configure(
                acting_user=signed_in(request),
                collaborative=collaborative,
                stage=stage,
                conditions=form.cleaned_data["conditions"],
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as conflict:
            context |= _gate_conflict(request, conflict, get_gate_row(collaborative.pk, stage))
            return render(request, "portal/gate_edit.html", context, status=409)
        except ValidationError as error:
            form.add_error("conditions", error)
        else:
            messages.success(request, f"Entering {gate.label} now requires what you chose.")
            return redirect("portal:gates", slug=slug)
    return render(request, "portal/gate_edit.html", context)


def _needs(codes: list[str]) -> str:
    return "\n".join(CONDITIONS[c].needs for c in codes if c in CONDITIONS) or "Nothing"


def _gate_conflict(request: HttpRequest, conflict: EditConflict, stored: Any) -> dict[str, Any]:
    # The person's choices stay ticked, now on top of the stored gate's version.
    data = request.POST.copy()
    data["lock_version"] = str(stored.lock_version)
    submitted = conflict.submitted.get("conditions", [])
    row = FieldComparison("conditions", "Entering requires", _needs(submitted), _needs(stored.codes))
    return {
        "form": GateForm(data),
        "conflict": _summary(
            conflict.current,
            [row],
            f"version {conflict.expected_version} of this gate",
            f"version {stored.lock_version}",
            stored.lock_version - (conflict.expected_version or 0),
        ),
    }


def _summary(
    stored: Any, rows: list[FieldComparison], started: str, now: str, changes: int
) -> dict[str, Any]:
    # Who made the changes since the editor's version: the stored record's latest `changes` events.
    history = record_history(stored, limit=min(max(changes, 1), 5))
    return {"rows": rows, "started": started, "stored": now, "history": [_described(e) for e in history]}


def _described(event: Any) -> Any:
    event.what = event.verb.replace("_", " ")
    return event


def criteria(request: HttpRequest, slug: str) -> HttpResponse:
    """The collaborative's organizing principles: the current version with its weights, and earlier ones."""
    collaborative = get_collaborative_for_user(request.user, slug)
    versions = criteria_history(collaborative.pk)
    current = next((v for v in versions if v.is_current), None)
    context = {
        "collaborative": collaborative,
        "current": current,
        "shares": _shares(current),
        "earlier": [v for v in versions if v is not current],
        "can_edit": request.user.has_perm("initiatives.add_criteriaset", collaborative),
        "may_rank": current is not None
        and (request.user.is_authenticated or may_see_all_scores(request.user, current)),
    }
    return render(request, "portal/criteria.html", context)


def _shares(criteria_set: Any) -> list[tuple[Any, float]]:
    # Weights are relative: each criterion's share of the total is what it counts for in the ranking.
    if criteria_set is None:
        return []
    rows = list(criteria_set.criteria.all())
    total = sum(c.weight for c in rows) or 1
    return [(c, float(c.weight / total)) for c in rows]


@login_required
def criteria_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish a new version of the organizing principles (coordinators)."""
    collaborative = get_collaborative_for_user(request.user, slug)
    if not request.user.has_perm("initiatives.add_criteriaset", collaborative):
        raise PermissionDenied("Only the collaborative's coordinators set its organizing principles.")
    current = current_criteria_set(collaborative.pk)
    data = request.POST if request.method == "POST" else None
    form = CriteriaSetForm(data, initial=_set_initial(current))
    rows = criterion_formset(data, _rows_initial(current))
    context: dict[str, Any] = {"collaborative": collaborative, "current": current, "form": form, "rows": rows}
    if data is not None and "more" not in data and form.is_valid() and rows.is_valid():
        values = form.cleaned_data
        replacing = get_criteria_version(collaborative.pk, values["replacing"])
        try:
            created = criteria_set_create(
                acting_user=signed_in(request),
                collaborative=collaborative,
                name=values["name"],
                criteria=criteria_rows(rows),
                scale=(values["scale_min"], values["scale_max"]),
                replacing=replacing,
                expected_version=values["lock_version"],
            )
        except EditConflict as conflict:
            context |= _criteria_conflict(request, conflict, collaborative, replacing, rows)
            return render(request, "portal/criteria_new.html", context, status=409)
        except ValidationError as error:
            context["criteria_errors"] = _mark(form, error)
        else:
            messages.success(request, f"Published {created}. Members now score against it.")
            return redirect("portal:criteria", slug=slug)
    return render(request, "portal/criteria_new.html", context)


def _set_initial(current: Any) -> dict[str, Any]:
    if current is None:
        return {"scale_min": 1, "scale_max": 5, "lock_version": 0}
    return {
        "scale_min": current.scale_min,
        "scale_max": current.scale_max,
        "replacing": current.pk,
        "lock_version": current.lock_version,
    }


def _rows_initial(current: Any) -> list[dict[str, Any]]:
    if current is None:
        return []
    # "3", not "3.00": the weight as a person would type it.
    return [
        {"name": c.name, "weight": f"{c.weight.normalize():f}", "description": c.description}
        for c in current.criteria.all()
    ]


def _mark(form: CriteriaSetForm, error: ValidationError) -> list[str]:
    """Put the action's refusal on the field it names; return what concerns the criteria rows."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return []
    about_rows = error.error_dict.pop("criteria", [])
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
    return [m for e in about_rows for m in e.messages]


def _criteria_conflict(
    request: HttpRequest, conflict: EditConflict, collaborative: Any, replacing: Any, rows: Any
) -> dict[str, Any]:
    # Someone published a version (or hid scores) since the page was opened: compare with what is current now.
    stored: Any = current_criteria_set(collaborative.pk)
    data = request.POST.copy()
    data["lock_version"], data["replacing"] = str(stored.lock_version), str(stored.pk)
    rebased = CriteriaSetForm(data)
    rebased.is_valid()
    mine = "\n".join(f"{n}: weight {w.normalize():f}" for n, w, _ in criteria_rows(rows))
    theirs = "\n".join(f"{c.name}: weight {c.weight.normalize():f}" for c in stored.criteria.all())
    started = f"{replacing} as it was at change {conflict.expected_version}" if replacing else "no criteria"
    same = replacing is not None and replacing.pk == stored.pk
    summary = _summary(
        stored,
        [
            FieldComparison("name", "Name", request.POST.get("name", ""), stored.name),
            FieldComparison("criteria", "Criteria and weights", mine, theirs),
        ],
        started,
        f"{stored} at change {stored.lock_version}",
        stored.lock_version - (conflict.expected_version or 0) if same else stored.lock_version + 1,
    )
    return {"form": rebased, "current": stored, "conflict": summary}
