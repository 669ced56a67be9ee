"""Scoped reads of council records: meetings, officials and the votes on a matter's history.

Like legislation, a council's records are public when published and their government is; a government's own
people (and its departments') also see its unpublished ones; the site administrator sees everything.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.agreements.models import LegislativeMatter
from interlocal.agreements.queries import visible_matters
from interlocal.governments.models import Government
from interlocal.legislation.models import Event, EventItem, OfficeRecord, Official, Vote


def _scope(user: Any) -> Q | None:
    """Rows of a published government and published themselves, or of the user's own government; None: all."""
    if access.is_admin(user):
        return None
    public = Q(is_published=True, government__is_published=True)
    gov = getattr(user, "government_id", None) if user.is_authenticated else None
    if gov is None:
        return public
    return public | Q(government_id=gov) | Q(government__parent_id=gov)


def visible_events(user: Any) -> QuerySet[Event]:
    """Meetings the user may see."""
    qs = Event.objects.select_related("government", "body")
    scope = _scope(user)
    return qs if scope is None else qs.filter(scope)


def visible_officials(user: Any) -> QuerySet[Official]:
    """Officials the user may see."""
    qs = Official.objects.select_related("government")
    scope = _scope(user)
    return qs if scope is None else qs.filter(scope)


def _items(user: Any) -> Prefetch:
    """An event's agenda items, each with its matter when the user may see it, and its roll call."""
    votes = Vote.objects.select_related("person").filter(
        Q(person__isnull=True) | Q(person__in=visible_officials(user))
    )
    return Prefetch(
        "items",
        queryset=EventItem.objects.prefetch_related(
            Prefetch("matter", queryset=visible_matters(user)), Prefetch("votes", queryset=votes)
        ),
    )


def get_event_for_user(user: Any, pk: int) -> Event:
    """A meeting with its agenda items, their matters and votes; 404 whether missing or hidden."""
    return get_object_or_404(visible_events(user).prefetch_related(_items(user)), pk=pk)


def events_of(user: Any, government: Government) -> QuerySet[Event]:
    """A government's meetings the user may see, newest first."""
    return visible_events(user).filter(government=government).order_by("-date", "body_name", "pk")


def get_official_for_user(user: Any, pk: int) -> Official:
    """An official with the offices held; 404 whether missing or hidden."""
    offices = OfficeRecord.objects.select_related("body").order_by("-start_date", "body_name")
    qs = visible_officials(user).prefetch_related(Prefetch("offices", queryset=offices))
    return get_object_or_404(qs, pk=pk)


def votes_of(user: Any, official: Official) -> QuerySet[Vote]:
    """The official's votes on items of meetings the user may see, newest meeting first."""
    return (
        official.votes.filter(event_item__event__in=visible_events(user))
        .select_related("event_item__event")
        .prefetch_related(Prefetch("event_item__matter", queryset=visible_matters(user)))
        .order_by("-event_item__event__date", "event_item__agenda_sequence", "pk")
    )


def sponsored_by(user: Any, official: Official) -> list[LegislativeMatter]:
    """Matters of the official's government the user may see that name the official as a sponsor."""
    found = visible_matters(user).filter(
        government_id=official.government_id, sponsors__icontains=official.full_name
    )
    # The text match narrows; the list's own entries decide.
    return [m for m in found.order_by("-intro_date", "file_number") if official.full_name in m.sponsors]


def votes_by_action(user: Any, matter: LegislativeMatter) -> dict[int, list[Vote]]:
    """The roll-call votes recorded for each of the matter's history rows, by MatterAction pk."""
    rows = (
        Vote.objects.filter(
            event_item__matter_action__matter=matter, event_item__event__in=visible_events(user)
        )
        .filter(Q(person__isnull=True) | Q(person__in=visible_officials(user)))
        .select_related("person", "event_item")
        .order_by("event_item__matter_action_id", "sort", "person_name", "pk")
    )
    out: dict[int, list[Vote]] = defaultdict(list)
    for vote in rows:
        if vote.event_item.matter_action_id is not None:
            out[vote.event_item.matter_action_id].append(vote)
    return dict(out)
