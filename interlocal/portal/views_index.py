"""Index pages of every record type, and one search across them."""

from __future__ import annotations

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from interlocal import access
from interlocal.agreements.queries import visible_agreements, visible_matters
from interlocal.collaboratives.models import Membership
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.governments.queries import visible_governments
from interlocal.initiatives.queries import visible_initiatives
from interlocal.portal.downloads import applied, list_download
from interlocal.portal.queries import search_for_user
from interlocal.portal.tables import Column, download_for, sorted_table


def _count(qs: object) -> Coalesce:
    # A correlated count keeps one row per record and one query per page.
    return Coalesce(Subquery(qs, output_field=IntegerField()), 0)  # type: ignore[arg-type]


@list_download("portal:collaboratives", "Collaboratives")
def collaborative_list(request: HttpRequest) -> HttpResponseBase:
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
        Column("name", "Name", ("name",), lambda c: c.name),
        Column("facilitator", "Facilitator", ("facilitator__name",), lambda c: c.facilitator.name),
        Column("formed", "Formed", ("formed_on",), lambda c: c.formed_on),
        Column("members", "Current members", ("member_count",), lambda c: c.member_count),
        Column("initiatives", "Initiatives", ("initiative_count",), lambda c: c.initiative_count),
    ]
    qs = qs.select_related("facilitator")
    url = lambda c: reverse("portal:collaborative", args=[c.slug])  # noqa: E731
    if download := download_for(request, "collaboratives", qs, columns, "name", url=url):
        return download
    table = sorted_table(request, qs, columns, "name")
    return render(request, "portal/collaborative_list.html", {"table": table})


@list_download("portal:governments", "Governments")
def government_list(request: HttpRequest) -> HttpResponseBase:
    """Every government the user may see, sortable."""
    columns = [
        Column("name", "Name", ("name",), lambda g: g.name),
        Column("kind", "Kind", ("kind", "name"), lambda g: g.kind),
        Column("state", "State", ("state", "name"), lambda g: g.state),
        Column("population", "Population", ("population",), lambda g: g.population),
        Column("geoid", "Census GEOID", ("geoid",), lambda g: g.geoid),
    ]
    qs = visible_governments(request.user)
    url = lambda g: reverse("portal:government", args=[g.slug])  # noqa: E731
    if download := download_for(request, "governments", qs, columns, "name", url=url):
        return download
    table = sorted_table(request, qs, columns, "name")
    return render(request, "portal/government_list.html", {"table": table})


@list_download("portal:agreements", "Agreements")
def agreement_list(request: HttpRequest) -> HttpResponseBase:
    """Every agreement the user may see, sortable."""
    qs = visible_agreements(request.user).annotate(
        version_count=Count("versions", distinct=True),
        latest_in_force=Max("versions__in_force_at"),
    )
    columns = [
        Column("title", "Title", ("title",), lambda a: a.title),
        Column(
            "collaborative", "Collaborative", ("collaborative__name", "title"), lambda a: a.collaborative.name
        ),
        Column("kind", "Kind", ("kind", "title"), lambda a: a.kind),
        Column("versions", "Versions", ("version_count",), lambda a: a.version_count),
        Column("in_force", "Latest in force", ("latest_in_force",), lambda a: a.latest_in_force),
    ]
    # ?collaborative=SLUG: one collaborative's agreements (the collaborative page links here).
    filters = applied(request, ["collaborative"])
    if "collaborative" in filters:
        qs = qs.filter(collaborative__slug=filters["collaborative"])
    url = lambda a: reverse("portal:agreement", args=[a.pk])  # noqa: E731
    if download := download_for(request, "agreements", qs, columns, "title", url=url, filters=filters):
        return download
    table = sorted_table(request, qs, columns, "title")
    return render(request, "portal/agreement_list.html", {"table": table, "filters": filters})


@list_download("portal:matters", "Legislative matters")
def matter_list(request: HttpRequest) -> HttpResponseBase:
    """Every legislative matter the user may see, newest first, sortable."""
    columns = [
        Column("file", "File #", ("file_number",), lambda m: m.file_number),
        Column("title", "Title", ("title",), lambda m: m.title),
        Column("government", "Government", ("government__name", "file_number"), lambda m: m.government.name),
        Column("type", "Type", ("type_name",), lambda m: m.type_name),
        Column("status", "Status", ("status_name",), lambda m: m.status_name),
        Column("introduced", "Introduced", ("intro_date",), lambda m: m.intro_date),
        Column("passed", "Passed", ("passed_date",), lambda m: m.passed_date),
    ]
    qs = visible_matters(request.user)
    # ?government=SLUG: one government's legislation.
    filters = applied(request, ["government"])
    if "government" in filters:
        qs = qs.filter(government__slug=filters["government"])
    url = lambda m: reverse("portal:matter", args=[m.pk])  # noqa: E731
    if download := download_for(request, "legislation", qs, columns, "-introduced", url=url, filters=filters):
        return download
    table = sorted_table(request, qs, columns, "-introduced")
    return render(request, "portal/matter_list.html", {"table": table, "filters": filters})


def search(request: HttpRequest) -> HttpResponse:
    """One search across initiatives, agreements, legislation, governments and collaboratives."""
    q = request.GET.get("q", "").strip()[:200]
    results = search_for_user(request.user, q) if q else None
    return render(request, "portal/search.html", {"q": q, "results": results})
