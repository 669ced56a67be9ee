"""A government's Legistar sync: its editors turn the schedule on and read how the last run went."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from interlocal.governments.queries import get_government_for_user
from interlocal.importers.actions import legistar_sync_configure
from interlocal.portal.people import signed_in


class LegistarSyncForm(forms.Form):
    """Which Legistar client, where its Web API is, and whether and how often to sync it."""

    client = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{1,80}$",
        label="Legistar client",
        help_text="The {client} of webapi.legistar.com/v1/{client}/, e.g. nyc or metro.",
        error_messages={"invalid": "Letters, digits, - and _ only."},
    )
    base_url = forms.URLField(
        required=False,
        label="Web API base URL",
        help_text="Leave empty for the public Legistar Web API.",
        assume_scheme="https",
    )
    enabled = forms.BooleanField(required=False, label="Sync on schedule")
    interval_minutes = forms.IntegerField(
        min_value=15, max_value=7 * 24 * 60, initial=24 * 60, label="Minutes between runs"
    )


@login_required
def legistar_sync(request: HttpRequest, slug: str) -> HttpResponse:
    """The government's Legistar syncs with their last run, and the form that sets one up or changes it."""
    government = get_government_for_user(request.user, slug)
    if not request.user.has_perm("importers.change_legistarsync", government):
        raise PermissionDenied("Only your own government's editors set up its Legistar sync.")
    syncs = list(government.legistar_syncs.all())
    first = syncs[0] if syncs else None
    initial = (
        {
            "client": first.client,
            "base_url": first.base_url,
            "enabled": first.enabled,
            "interval_minutes": first.interval_minutes,
        }
        if first
        else {"interval_minutes": 24 * 60}
    )
    form = LegistarSyncForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            legistar_sync_configure(
                acting_user=signed_in(request),
                government=government,
                client=data["client"],
                base_url=data["base_url"] or "",
                enabled=data["enabled"],
                interval_minutes=data["interval_minutes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            state = "on" if data["enabled"] else "off"
            messages.success(request, f"Legistar sync of {data['client']} is saved; the schedule is {state}.")
            return redirect("portal:legistar_sync", slug=government.slug)
    return render(
        request, "portal/legistar_sync.html", {"government": government, "syncs": syncs, "form": form}
    )
