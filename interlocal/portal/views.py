"""The portal's pages: public reading, and short editing pages for staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from interlocal.agreements.models import AgreementParty
from interlocal.agreements.queries import (
    get_agreement_for_user,
    get_matter_attachment_for_user,
    get_matter_for_user,
    party_statuses,
    proposals_by_version,
    visible_agreements,
)
from interlocal.audit.queries import activity_for_user
from interlocal.collaboratives.queries import get_collaborative_for_user, visible_collaboratives
from interlocal.conflicts import EditConflict
from interlocal.costshare.queries import savings_by_year
from interlocal.governments.actions import government_update
from interlocal.governments.queries import get_government_for_user, visible_governments
from interlocal.initiatives.queries import (
    InitiativeFilters,
    allowed_transitions,
    get_initiative_for_user,
    list_initiatives_for_user,
    missing_for,
    neighbours_in_plan,
    partner_choices,
    topic_choices,
    visible_initiatives,
)
from interlocal.legislation.queries import votes_by_action
from interlocal.pagecache import GenerationPaginator
from interlocal.portal import visuals
from interlocal.portal.conflict import conflict_response
from interlocal.portal.downloads import Field, download_response, list_download, wanted_format
from interlocal.portal.forms import AdvanceForm, GovernmentForm, InitiativeFilterForm, ProgressForm
from interlocal.portal.people import signed_in
from interlocal.portal.queries import collaborative_dashboard, event_urls
from interlocal.reports import queries as plan_queries
from interlocal.tracking.actions import can_measure
from interlocal.tracking.queries import initiative_progress, kpi_rows
from interlocal.vocab import PartnerRole, Stage, TermKind


def home(request: HttpRequest) -> HttpResponse:
    """The front page: collaboratives and recent initiatives."""
    collaboratives = visible_collaboratives(request.user).order_by("name")
    recent = visible_initiatives(request.user).select_related("collaborative").order_by("-updated_at")[:6]
    return render(request, "portal/home.html", {"collaboratives": collaboratives, "recent": recent})


def collaborative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A collaborative: purpose, members over time, and its dashboard of work in progress."""
    collaborative = get_collaborative_for_user(request.user, slug)
    today = timezone.localdate()
    memberships = list(collaborative.memberships.all())
    dashboard = collaborative_dashboard(request.user, collaborative, today)
    user = request.user
    context = {
        "collaborative": collaborative,
        "memberships": memberships,
        "current": [m for m in memberships if m.is_current_on(today)],
        "dashboard": dashboard,
        "event_urls": event_urls(dashboard.activity),
        "agreements": visible_agreements(user).filter(collaborative=collaborative).order_by("title"),
        "can_edit": user.has_perm("collaboratives.change_collaborative", collaborative),
        "can_see_costs": user.has_perm("costshare.view_scenario", collaborative),
        "can_rank": dashboard.has_criteria and user.has_perm("initiatives.view_ranking", collaborative),
        "can_import": user.has_perm("importers.import_records"),
        # Action plans (issue 12): the published versions, newest first per plan.
        "plan_versions": plan_queries.versions_for_user(user, collaborative),
    }
    savings = savings_by_year(user, collaborative) if context["can_see_costs"] else []
    context["charts"] = visuals.dashboard_charts(dashboard, savings)
    return render(request, "portal/collaborative_detail.html", context)


def collaborative_map(request: HttpRequest, slug: str) -> HttpResponse:
    """A map of the collaborative's current members, coloured by the year they joined, and their neighbours."""
    collaborative = get_collaborative_for_user(request.user, slug)
    areas, places = visuals.members_map_areas(collaborative, timezone.localdate())
    context = {
        "collaborative": collaborative,
        "map": visuals.members_map(collaborative, areas),
        "places": places,
        "missing": [g for g, _, _, has in places if not has],
    }
    return render(request, "portal/collaborative_map.html", context)


def _lead(i: Any) -> str:
    return "; ".join(p.government.name for p in i.partners.all() if p.role == PartnerRole.LEAD)


# The initiative list's rows as its CSV/JSON download writes them; the page draws the same records.
INITIATIVE_FIELDS = [
    Field("id", lambda i: i.pk),
    Field("collaborative", lambda i: i.collaborative.name),
    Field("code", lambda i: i.code),
    Field("title", lambda i: i.title),
    Field("status", lambda i: i.status),
    Field("stage", lambda i: i.stage),
    Field("types", lambda i: ", ".join(i.types)),
    Field("lead", _lead),
    Field("cost_band", lambda i: i.cost_band),
    Field("timeline_band", lambda i: i.timeline_band),
]


@list_download("portal:initiatives", "Initiatives")
def initiative_list(request: HttpRequest) -> HttpResponseBase:
    """Initiatives with filters and search; htmx asks for just the results."""
    topics, partners = topic_choices(), partner_choices(request.user)
    # Only the collaborative asked for is looked up: the plain list runs no query for this menu.
    wanted = request.GET.get("collaborative", "")
    collaboratives = (
        [(c.slug, c.name) for c in visible_collaboratives(request.user).filter(slug=wanted)] if wanted else []
    )
    form = InitiativeFilterForm(
        request.GET or None, topics=topics, partners=partners, collaboratives=collaboratives
    )
    filters = InitiativeFilters(**form.applied_filters()) if form.is_bound else InitiativeFilters()
    found = list_initiatives_for_user(request.user, filters)
    if wanted_format(request):
        url = lambda i: request.build_absolute_uri(reverse("portal:initiative", args=[i.pk]))  # noqa: E731
        fields = [*INITIATIVE_FIELDS[:1], Field("url", url), *INITIATIVE_FIELDS[1:]]
        applied = {k: v for k, v in vars(filters).items() if v}
        return download_response(request, name="initiatives", fields=fields, rows=found, filters=applied)
    page = GenerationPaginator(found, 25).get_page(request.GET.get("page"))
    template = (
        "portal/_initiative_results.html"
        if request.headers.get("HX-Request")
        else "portal/initiative_list.html"
    )
    context = {
        "form": form,
        "page": page,
        "querystring": _querystring(request),
        "unknown": form.unknown_values() if form.is_bound else [],
    }
    return render(request, template, context)


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One initiative laid out like a plan's recommendation page."""
    initiative = get_initiative_for_user(request.user, pk)
    previous, following = neighbours_in_plan(request.user, initiative)
    context = {
        "initiative": initiative,
        "previous": previous,
        "next": following,
        "goals": initiative.terms_of(TermKind.PLAN_GOAL),
        "scales": initiative.terms_of(TermKind.GEOGRAPHIC_SCALE),
        "key_issues": initiative.terms_of(TermKind.KEY_ISSUE),
        "topics": initiative.terms_of(TermKind.TOPIC_AREA),
        "funding": initiative.terms_of(TermKind.FUNDING_SOURCE),
        "leads": initiative.partners_of(PartnerRole.LEAD),
        "supporting": initiative.partners_of(PartnerRole.SUPPORTING),
        "participating": initiative.partners_of(PartnerRole.PARTICIPATING),
        "can_edit": request.user.has_perm("initiatives.change_initiative", initiative),
        **_work_context(request, initiative),
    }
    return render(request, "portal/initiative_detail.html", context)


def _work_context(request: HttpRequest, initiative: Any) -> dict[str, Any]:
    # The pipeline, KPIs and progress parts of the initiative page.
    today = timezone.localdate()
    rows = kpi_rows(initiative, today)
    progress, explanation = initiative_progress(rows)
    can_edit = request.user.has_perm("initiatives.change_initiative", initiative)
    moves = allowed_transitions(initiative) if can_edit else []
    timeline = sorted(
        [("move", t.at, t) for t in initiative.transitions.select_related("by")]
        + [("note", n.at, n) for n in initiative.progress_notes.select_related("by")],
        key=lambda e: e[1],
        reverse=True,
    )
    return {
        "kpi_rows": rows,
        "kpi_charts": visuals.kpi_charts(rows),
        "can_measure": _can_measure_each(request.user, rows) if request.user.is_authenticated else {},
        "progress": progress,
        "progress_explanation": explanation,
        "timeline": timeline,
        "triggers": [r for r in rows if r.assessment.status in ("overperforming", "underperforming")],
        "advance_form": AdvanceForm(transitions=moves) if can_edit else None,
        "progress_form": ProgressForm() if can_edit else None,
        "gates": _gates(initiative, moves),
        "can_score": request.user.has_perm("initiatives.score_initiative", initiative),
    }


def _gates(initiative: Any, moves: list[Any]) -> list[tuple[str, list[str]]]:
    # What each gated move still lacks, naming the stage passed on the way when it is not the target.
    gated = [move for move in moves if move.gated]
    return [
        (
            Stage(move.target).label,
            [
                need if stage == move.target else f"{need} (to pass {Stage(stage).label})"
                for stage, needs in missing
                for need in needs
            ],
        )
        for move, missing in zip(gated, missing_for(initiative, gated), strict=True)
    ]


def _can_measure_each(user: Any, rows: list[Any]) -> dict[int, bool]:
    # can_measure looks at a KPI's owner and its initiative, which every row shares: ask once, not per KPI.
    shared: bool | None = None
    answers = {}
    for r in rows:
        if r.kpi.owner_id is not None and r.kpi.owner_id == user.pk:
            answers[r.kpi.pk] = True
            continue
        if shared is None:
            shared = can_measure(user, r.kpi)
        answers[r.kpi.pk] = shared
    return answers


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An agreement's versions, parties and who has adopted each."""
    agreement = get_agreement_for_user(request.user, pk)
    versions = []
    found = proposals_by_version(request.user, agreement)
    for v in agreement.versions.all():
        statuses = party_statuses(v)
        waiting = [s.government.name for s in statuses if s.adoption is None]
        versions.append((v, statuses, waiting, found.get(v.pk, [])))
    context = {"agreement": agreement, "versions": versions, "today": timezone.localdate()}
    return render(request, "portal/agreement_detail.html", context)


def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A legislative matter with its fields and action history, as Legistar shows it."""
    matter = get_matter_for_user(request.user, pk)
    votes = votes_by_action(request.user, matter)
    return render(request, "portal/matter_detail.html", {"matter": matter, "votes": votes})


def matter_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """An attachment's file, for whoever may read its matter; 404 for anyone else."""
    attachment = get_matter_attachment_for_user(request.user, pk, attachment_pk)
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.file_name) or "attachment"
    return response


def government_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A government: its collaboratives, agreements and the initiatives it leads or supports."""
    government = get_government_for_user(request.user, slug)
    memberships = government.memberships.filter(
        collaborative__in=visible_collaboratives(request.user)
    ).select_related("collaborative")
    parties = (
        AgreementParty.objects.filter(
            government=government, version__agreement__in=visible_agreements(request.user)
        )
        .select_related("version__agreement")
        .order_by("version__agreement__title", "version__number")
    )
    roles = (
        visible_initiatives(request.user)
        .filter(partners__government=government)
        .prefetch_related(Prefetch("partners"))
        .distinct()
        .order_by("code", "title")
    )
    context = {
        "government": government,
        "memberships": memberships,
        "parties": parties,
        "initiatives": [
            (i, sorted({p.get_role_display() for p in i.partners.all() if p.government_id == government.pk}))
            for i in roles
        ],
        "neighbours": visible_governments(request.user).filter(neighbours=government).order_by("name"),
        "matters": government.matters.filter(is_published=True).order_by("-intro_date")[:20],
        "can_edit": request.user.has_perm("governments.change_government", government),
        "activity": activity_for_user(request.user, government_id=government.pk),
    }
    return render(request, "portal/government_detail.html", context)


@login_required
def government_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff update their own government's website and population."""
    government = get_government_for_user(request.user, slug)
    if not request.user.has_perm("governments.change_government", government):
        raise PermissionDenied("You may edit only your own government's records.")
    initial = {f: getattr(government, f) for f in GovernmentForm.base_fields}
    form = GovernmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values: dict[str, Any] = {
            k: ("" if v is None and k in ("website", "population_source") else v)
            for k, v in form.cleaned_data.items()
        }
        version = values.pop("lock_version")
        try:
            government_update(
                acting_user=signed_in(request), government=government, expected_version=version, **values
            )
        except EditConflict as conflict:
            return conflict_response(
                request,
                conflict,
                form_class=GovernmentForm,
                record_name=government.name,
                back_url=reverse("portal:government", args=[government.slug]),
            )
        messages.success(request, f"{government.name} was updated.")
        return redirect("portal:government", slug=government.slug)
    return render(request, "portal/government_edit.html", {"government": government, "form": form})
