"""The page an editor sees when someone else changed the record first: both versions, and a way on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from interlocal.audit.queries import record_history
from interlocal.conflicts import EditConflict


@dataclass(frozen=True)
class FieldComparison:
    """One field as the editor submitted it and as it is stored now."""

    name: str
    label: str
    submitted: str
    stored: str

    @property
    def differs(self) -> bool:
        """Whether the two versions disagree on this field."""
        return self.submitted != self.stored


def _shown(field: forms.Field, value: Any) -> str:
    # Show what a reader recognises: a choice's label, an empty value as a dash.
    if value is None or value == "":
        return "—"
    choices = dict(getattr(field, "choices", None) or [])
    if choices:
        return str(choices.get(value, choices.get(str(value), value)))
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def compare(conflict: EditConflict, form_class: type[forms.Form]) -> list[FieldComparison]:
    """Each visible form field side by side: the rejected submission and the stored record."""
    form = form_class()
    rows = []
    for bound in form.visible_fields():
        name = bound.name
        field = form.fields[name]
        stored = getattr(conflict.current, name, None)
        rows.append(
            FieldComparison(
                name=name,
                label=str(bound.label),
                submitted=_shown(field, conflict.submitted.get(name)),
                stored=_shown(field, stored),
            )
        )
    return rows


def _described(events: list[Any]) -> list[Any]:
    # "initiative_update" reads as "initiative update" on the page.
    for event in events:
        event.what = event.verb.replace("_", " ")
    return events


def posted_version(request: HttpRequest, name: str = "lock_version") -> int | None:
    """The version a posted button or form was shown with; None when it sent none."""
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


def conflict_message(conflict: EditConflict) -> str:
    """One sentence for a refused one-click action: who changed the record, and when."""
    history = record_history(conflict.current, limit=1) if conflict.current is not None else []
    who = ""
    if history:
        event = history[0]
        actor = event.actor.get_full_name() or event.actor.get_username() if event.actor else "a process"
        who = f" by {actor} on {timezone.localtime(event.at):%m/%d/%Y %I:%M %p}"
    return f"Nothing was done: it was changed{who} after you opened this page. Check it as it is now and try again."


def summary_context(conflict: EditConflict, rows: list[FieldComparison], record_name: str) -> dict[str, Any]:
    """What the conflict summary shows: both versions' fields, who changed the record since, which versions."""
    current: Any = conflict.current
    changed_since = max(1, current.lock_version - (conflict.expected_version or 0))
    return {
        "record_name": record_name,
        "rows": rows,
        "history": _described(record_history(current, limit=min(changed_since, 5))),
        "expected_version": conflict.expected_version,
        "current_version": current.lock_version,
    }


def conflict_response(
    request: HttpRequest,
    conflict: EditConflict,
    *,
    form_class: type[forms.Form],
    record_name: str,
    back_url: str,
) -> HttpResponse:
    """HTTP 409: both versions field by field, who changed it, and a form to re-apply the edit on top."""
    current = conflict.current
    if current is None:
        return render(request, "404.html", status=404)
    initial = {**conflict.submitted, "lock_version": current.lock_version}  # type: ignore[attr-defined]
    context = {
        **summary_context(conflict, compare(conflict, form_class), record_name),
        "form": form_class(initial=initial),
        "action_url": request.path,
        "back_url": back_url,
    }
    return render(request, "portal/conflict.html", context, status=409)
