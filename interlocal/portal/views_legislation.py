"""Council records kept from Legistar: a meeting with its agenda and votes, an official, a government's meetings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from interlocal.governments.queries import get_government_for_user
from interlocal.legislation.queries import (
    events_of,
    get_event_for_user,
    get_official_for_user,
    sponsored_by,
    votes_of,
)
from interlocal.portal.downloads import list_download
from interlocal.portal.tables import Column, download_for, sorted_table


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting of a council body: when and where, agenda and minutes, its items with their matters and votes."""
    event = get_event_for_user(request.user, pk)
    return render(request, "portal/meeting_detail.html", {"event": event})


@list_download("portal:meetings", "A government's meetings")
def meeting_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A government's meetings the user may see, newest first, sortable."""
    government = get_government_for_user(request.user, slug)
    columns = [
        Column("date", "Date", ("date",), lambda e: e.date),
        Column("body", "Body", ("body_name", "date"), lambda e: e.body_name),
        Column("time", "Time", None, lambda e: e.time),
        Column("location", "Location", ("location",), lambda e: e.location),
        Column("agenda", "Agenda", None, lambda e: e.agenda_file),
        Column("minutes", "Minutes", None, lambda e: e.minutes_file),
    ]
    qs = events_of(request.user, government)
    url = lambda e: reverse("portal:meeting", args=[e.pk])  # noqa: E731
    filters = {"government": government.slug}
    if download := download_for(request, f"meetings-{slug}", qs, columns, "-date", url=url, filters=filters):
        return download
    table = sorted_table(request, qs, columns, "-date")
    return render(request, "portal/meeting_list.html", {"government": government, "table": table})


def official_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A council member or officer: offices held, votes cast, matters sponsored."""
    official = get_official_for_user(request.user, pk)
    context = {
        "official": official,
        "votes": votes_of(request.user, official)[:200],
        "sponsored": sponsored_by(request.user, official),
    }
    return render(request, "portal/official_detail.html", context)
