"""Index pages of every record type, and one search across them."""

from __future__ import annotations

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interlocal import access
from interlocal.agreements.queries import visible_agreements, visible_matters
from interlocal.collaboratives.models import Membership
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.governments.queries import visible_governments
from interlocal.initiatives.queries import visible_initiatives
from interlocal.portal.queries import search_for_user
from interlocal.portal.tables import Column, sorted_table


def _count(qs: object) -> Coalesce:
    # A correlated count keeps one row per record and one query per page.
    return Coalesce(Subquery(qs, output_field=IntegerField()), 0)  # type: ignore[arg-type]


def collaborative_list(request: HttpRequest) -> HttpResponse:
    """Every collaborative the user may see, sortable."""
    members = (
        Membership.objects.filter(access.current_memberships(), collaborative=OuterRef("pk"))
        .order_by()
        .values("collaborative")
        .annotate(n=Count("pk"))
        .values("n")
    )
    initiatives = (
        visible_initiatives(request.user)
        .filter(collaborative=OuterRef("pk"))
        .order_by()
        .values("collaborative")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = visible_collaboratives(request.user).annotate(
        member_count=_count(members), initiative_count=_count(initiatives)
    )
    columns = [
        Column("name", "Name", ("name",)),
        Column("facilitator", "Facilitator", ("facilitator__name",)),
        Column("formed", "Formed", ("formed_on",)),
        Column("members", "Current members", ("member_count",)),
        Column("initiatives", "Initiatives", ("initiative_count",)),
    ]
    table = sorted_table(request, qs, columns, "name")
    return render(request, "portal/collaborative_list.html", {"table": table})


def government_list(request: HttpRequest) -> HttpResponse:
    """Every government the user may see, sortable."""
    columns = [
        Column("name", "Name", ("name",)),
        Column("kind", "Kind", ("kind", "name")),
        Column("state", "State", ("state", "name")),
        Column("population", "Population", ("population",)),
        Column("geoid", "Census GEOID", ("geoid",)),
    ]
    table = sorted_table(request, visible_governments(request.user), columns, "name")
    return render(request, "portal/government_list.html", {"table": table})


def agreement_list(request: HttpRequest) -> HttpResponse:
    """Every agreement the user may see, sortable."""
    qs = visible_agreements(request.user).annotate(
        version_count=Count("versions", distinct=True),
        latest_in_force=Max("versions__in_force_at"),
    )
    columns = [
        Column("title", "Title", ("title",)),
        Column("collaborative", "Collaborative", ("collaborative__name", "title")),
        Column("kind", "Kind", ("kind", "title")),
        Column("versions", "Versions", ("version_count",)),
        Column("in_force", "Latest in force", ("latest_in_force",)),
    ]
    table = sorted_table(request, qs, columns, "title")
    return render(request, "portal/agreement_list.html", {"table": table})


def matter_list(request: HttpRequest) -> HttpResponse:
    """Every legislative matter the user may see, newest first, sortable."""
    columns = [
        Column("file", "File #", ("file_number",)),
        Column("title", "Title", ("title",)),
        Column("government", "Government", ("government__name", "file_number")),
        Column("type", "Type", ("type_name",)),
        Column("status", "Status", ("status_name",)),
        Column("introduced", "Introduced", ("intro_date",)),
        Column("passed", "Passed", ("passed_date",)),
    ]
    table = sorted_table(request, visible_matters(request.user), columns, "-introduced")
    return render(request, "portal/matter_list.html", {"table": table})


def search(request: HttpRequest) -> HttpResponse:
    """One search across initiatives, agreements, legislation, governments and collaboratives."""
    q = request.GET.get("q", "").strip()[:200]
    results = search_for_user(request.user, q) if q else None
    return render(request, "portal/search.html", {"q": q, "results": results})
