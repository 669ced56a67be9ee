"""Council records kept from Legistar: a meeting with its agenda and votes, an official, a government's meetings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interlocal.governments.queries import get_government_for_user
from interlocal.legislation.queries import (
    events_of,
    get_event_for_user,
    get_official_for_user,
    sponsored_by,
    votes_of,
)
from interlocal.portal.tables import Column, sorted_table


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting of a council body: when and where, agenda and minutes, its items with their matters and votes."""
    event = get_event_for_user(request.user, pk)
    return render(request, "portal/meeting_detail.html", {"event": event})


def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A government's meetings the user may see, newest first, sortable."""
    government = get_government_for_user(request.user, slug)
    columns = [
        Column("date", "Date", ("date",)),
        Column("body", "Body", ("body_name", "date")),
        Column("time", "Time", None),
        Column("location", "Location", ("location",)),
        Column("agenda", "Agenda", None),
        Column("minutes", "Minutes", None),
    ]
    table = sorted_table(request, events_of(request.user, government), columns, "-date")
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
