"""Portal pages for action plans (issue 12): the list, the draft builder, publishing, updates, the public plan
page with its PDF/Word/CSV/JSON, and the annual progress report.

A published version renders only from its frozen snapshot; the draft preview renders the same template part from
a snapshot built on the fly, so what a coordinator previews is what publishing freezes (published records only).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from interlocal import pdf
from interlocal.collaboratives.queries import get_collaborative_for_user
from interlocal.conflicts import EditConflict
from interlocal.initiatives.models import Initiative, Plan, Term
from interlocal.jobs.actions import job_create
from interlocal.portal.downloads import Field, download_response, list_download, wanted_format
from interlocal.portal.forms_plans import PlanEditForm, PlanStartForm, PublishForm, SectionForm, UpdateForm
from interlocal.portal.people import signed_in
from interlocal.reports import actions, outputs, queries
from interlocal.reports.models import ActionPlan, PlanVersion
from interlocal.reports.snapshot import build_snapshot
from interlocal.vocab import TermKind

T = "portal/plans/"
FORMATS = ("pdf", "docx", "csv", "json")


def _need(request: HttpRequest, perm: str, obj: Any, message: str) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message)


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# The published plans' rows as the plan list's CSV/JSON download writes them (drafts stay on the page).
PLAN_VERSION_FIELDS = [
    Field("plan_id", lambda v: v.plan_id),
    Field("plan", lambda v: v.plan.title),
    Field("version", lambda v: v.number),
    Field("title", lambda v: v.title),
    Field("published_at", lambda v: v.published_at),
    Field("updates", lambda v: v.n_updates),
]


@list_download("portal:plans", "A collaborative's published action plans", rows_in="versions")
def plan_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A collaborative's plans: published versions for everyone who reads it, drafts for its members."""
    collaborative = get_collaborative_for_user(request.user, slug)
    versions = queries.versions_for_user(request.user, collaborative)
    if wanted_format(request):
        url = lambda v: request.build_absolute_uri(  # noqa: E731
            reverse("portal:plan_version", args=[v.plan_id, v.number])
        )
        fields = [Field("id", lambda v: v.pk), Field("url", url), *PLAN_VERSION_FIELDS]
        name, filters = f"plans-{collaborative.slug}", {"collaborative": collaborative.slug}
        return download_response(request, name=name, fields=fields, rows=versions, filters=filters)
    this_year = timezone.localdate().year
    context = {
        "collaborative": collaborative,
        "drafts": queries.drafts_for_user(request.user, collaborative),
        "versions": versions,
        "can_add": request.user.has_perm("reports.add_actionplan", collaborative),
        "report_years": list(range(this_year, this_year - 4, -1)),
    }
    return render(request, T + "list.html", context)


@login_required
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a draft plan (coordinators)."""
    collaborative = get_collaborative_for_user(request.user, slug)
    _need(
        request, "reports.add_actionplan", collaborative, "Only the collaborative's coordinators write plans."
    )
    form = PlanStartForm(request.POST or None, source_plans=Plan.objects.filter(collaborative=collaborative))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = actions.action_plan_create(
                acting_user=signed_in(request), collaborative=collaborative, **data
            )
        except ValidationError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(
                request, f"{plan.title} is started: choose its initiatives and write its sections."
            )
            return redirect("portal:plan", pk=plan.pk)
    return render(request, T + "new.html", {"collaborative": collaborative, "form": form})


def _edit_form(plan: ActionPlan, data: Any = None) -> PlanEditForm:
    topics = [
        (t.slug, t.name)
        for t in Term.objects.filter(kind=TermKind.TOPIC_AREA, initiatives__collaborative=plan.collaborative)
        .distinct()
        .order_by("name")
    ]
    initial = {
        "title": plan.title,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "source_plan": plan.source_plan_id,
        "summary": plan.summary,
        "initiatives": list(plan.items.values_list("initiative_id", flat=True)),
        "filter_stages": plan.filter_stages,
        "filter_timeline_bands": plan.filter_timeline_bands,
        "filter_topics": plan.filter_topics,
        "lock_version": plan.lock_version,
    }
    return PlanEditForm(
        data,
        initial=initial,
        source_plans=Plan.objects.filter(collaborative=plan.collaborative),
        initiatives=Initiative.objects.filter(collaborative=plan.collaborative).order_by("code", "title"),
        topics=topics,
    )


def _detail(
    request: HttpRequest, plan: ActionPlan, *, form: PlanEditForm | None = None, status: int = 200
) -> HttpResponse:
    data = build_snapshot(plan, published_only=False)
    can_edit = request.user.has_perm("reports.change_actionplan", plan)
    unpublished = [
        i
        for i in Initiative.objects.filter(pk__in=[r["id"] for r in data["initiatives"]], is_published=False)
    ]
    context = {
        "plan": plan,
        "collaborative": plan.collaborative,
        "data": data,
        "view": outputs.plan_view_data(data),
        "charts": outputs.plan_charts(data),
        "can_edit": can_edit,
        "can_publish": request.user.has_perm("reports.publish_actionplan", plan),
        "form": form or (_edit_form(plan) if can_edit else None),
        "sections": [
            (
                s,
                SectionForm(
                    initial={"title": s.title, "body": s.body, "lock_version": s.lock_version},
                    prefix=f"s{s.pk}",
                ),
            )
            for s in plan.sections.all()
        ],
        "new_section": SectionForm(prefix="new"),
        "publish_form": PublishForm(),
        "unpublished": unpublished,
        "versions": list(plan.versions.all()),
    }
    return render(request, T + "draft.html", context, status=status)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft: its preview for the collaborative's members; the builder for its coordinators."""
    return _detail(request, queries.get_plan_for_user(request.user, pk))


@login_required
@require_POST
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft's details, chosen initiatives and filter."""
    plan = queries.get_plan_for_user(request.user, pk)
    _need(request, "reports.change_actionplan", plan, "Only the collaborative's coordinators edit plans.")
    form = _edit_form(plan, request.POST)
    if not form.is_valid():
        return _detail(request, plan, form=form, status=400)
    data = dict(form.cleaned_data)
    try:
        actions.action_plan_update(
            acting_user=signed_in(request),
            plan=plan,
            expected_version=data.pop("lock_version"),
            initiatives=list(data.pop("initiatives")),
            **data,
        )
    except (ValidationError, EditConflict) as error:
        form.add_error(None, _message(error))
        return _detail(
            request,
            queries.get_plan_for_user(request.user, pk),
            form=form,
            status=409 if isinstance(error, EditConflict) else 400,
        )
    messages.success(request, "The draft is saved.")
    return redirect("portal:plan", pk=plan.pk)


@login_required
@require_POST
def plan_section_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a section at the end of the draft."""
    plan = queries.get_plan_for_user(request.user, pk)
    _need(request, "reports.change_actionplan", plan, "Only the collaborative's coordinators edit plans.")
    form = SectionForm(request.POST, prefix="new")
    if form.is_valid():
        actions.plan_section_add(
            acting_user=signed_in(request),
            plan=plan,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        messages.success(request, f"Section “{form.cleaned_data['title']}” added.")
    else:
        messages.error(request, "A section needs a heading.")
    return redirect("portal:plan", pk=plan.pk)


@login_required
@require_POST
def plan_section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Save, move up or down, or remove a section (do=save|up|down|remove)."""
    plan = queries.get_plan_for_user(request.user, pk)
    _need(request, "reports.change_actionplan", plan, "Only the collaborative's coordinators edit plans.")
    section = next((s for s in plan.sections.all() if s.pk == section_pk), None)
    if section is None:
        raise Http404("No such section.")
    user, do = signed_in(request), request.POST.get("do", "save")
    if do in ("up", "down"):
        actions.plan_section_move(acting_user=user, section=section, by=-1 if do == "up" else 1)
    elif do == "remove":
        actions.plan_section_remove(acting_user=user, section=section)
        messages.success(request, f"Section “{section.title}” removed from the draft.")
    else:
        form = SectionForm(request.POST, prefix=f"s{section.pk}")
        if not form.is_valid():
            messages.error(request, "A section needs a heading.")
            return redirect("portal:plan", pk=plan.pk)
        try:
            actions.plan_section_update(
                acting_user=user,
                section=section,
                expected_version=form.cleaned_data["lock_version"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except EditConflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Section “{section.title}” saved.")
    return redirect(reverse("portal:plan", args=[plan.pk]) + "#sections-heading")


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the draft as the next numbered version."""
    plan = queries.get_plan_for_user(request.user, pk)
    _need(request, "reports.publish_actionplan", plan, "Only the collaborative's coordinators publish plans.")
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = actions.action_plan_publish(acting_user=signed_in(request), plan=plan, note=note)
    except ValidationError as error:
        messages.error(request, _message(error))
        return redirect("portal:plan", pk=plan.pk)
    messages.success(request, f"Version {version.number} is published.")
    return redirect("portal:plan_version", pk=plan.pk, number=version.number)


@login_required
def plan_update_new(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Write a dated update on a published version (coordinators)."""
    version = queries.get_version_for_user(request.user, pk, number)
    _need(
        request, "reports.add_planupdate", version, "Only the collaborative's coordinators post plan updates."
    )
    form = UpdateForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.plan_update_add(acting_user=signed_in(request), version=version, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "The update is published with the plan.")
            return redirect("portal:plan_version", pk=pk, number=number)
    return render(request, T + "update_new.html", {"version": version, "plan": version.plan, "form": form})


def _version_context(request: HttpRequest, version: PlanVersion) -> dict[str, Any]:
    newer = (
        PlanVersion.objects.filter(plan_id=version.plan_id, number__gt=version.number)
        .defer("snapshot")
        .order_by("-number")
        .first()
    )
    return outputs.plan_context(version) | {
        "updates": list(version.updates.all()),
        "can_update": request.user.has_perm("reports.add_planupdate", version),
        "newer": newer,
    }


def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The public plan page of one published version."""
    version = queries.get_version_for_user(request.user, pk, number)
    return render(request, outputs.PLAN_TEMPLATE, _version_context(request, version))


def _filename(title: str, suffix: str) -> str:
    return f"{slugify(title) or 'plan'}-{suffix}"


def plan_version_download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """The version as PDF, Word, CSV or JSON."""
    if fmt not in FORMATS:
        raise Http404("No such format.")
    version = queries.get_version_for_user(request.user, pk, number)
    name = _filename(version.title, f"v{version.number}.{fmt}")
    if fmt == "pdf":
        return pdf.pdf_response(
            outputs.PLAN_TEMPLATE, _version_context(request, version), request=request, filename=name
        )
    return _download(
        fmt,
        name,
        lambda: {
            "docx": outputs.render_plan_docx,
            "csv": outputs.render_plan_csv,
            "json": outputs.render_plan_json,
        }[fmt](version),
    )


def _download(fmt: str, name: str, make: Any) -> HttpResponse:
    body = make()
    if fmt == "json":
        response = HttpResponse(
            json.dumps(body, indent=1, ensure_ascii=False), content_type="application/json"
        )
    elif fmt == "csv":
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(body, content_type=outputs.DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _year(year: int) -> int:
    if not 1900 <= year <= 2200:
        raise Http404("No report for that year.")
    return year


def annual_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The collaborative's progress report for a year (what the reader may see)."""
    collaborative = get_collaborative_for_user(request.user, slug)
    return render(
        request, outputs.ANNUAL_TEMPLATE, outputs.annual_context(collaborative, _year(year), request.user)
    )


def annual_report_download(request: HttpRequest, slug: str, year: int, fmt: str) -> HttpResponse:
    """The progress report as PDF, Word, CSV or JSON."""
    if fmt not in FORMATS:
        raise Http404("No such format.")
    collaborative = get_collaborative_for_user(request.user, slug)
    year = _year(year)
    name = _filename(collaborative.short_name or collaborative.name, f"progress-{year}.{fmt}")
    if fmt == "pdf":
        context = outputs.annual_context(collaborative, year, request.user)
        return pdf.pdf_response(outputs.ANNUAL_TEMPLATE, context, request=request, filename=name)
    return _download(
        fmt,
        name,
        lambda: {
            "docx": outputs.render_annual_report_docx,
            "csv": outputs.render_annual_report_csv,
            "json": outputs.render_annual_report_json,
        }[fmt](collaborative, year, request.user),
    )


@login_required
@require_POST
def plan_version_prepare(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """Make the version's PDF or Word file in the background; its job page shows the progress and the download."""
    if fmt not in ("pdf", "docx"):
        raise Http404("No such format.")
    version = queries.get_version_for_user(request.user, pk, number)
    job = job_create(
        acting_user=request.user,  # type: ignore[arg-type]
        kind="plan",
        title=f"{version.title}, version {version.number}, as {'PDF' if fmt == 'pdf' else 'Word'}",
        params={"plan": pk, "number": number, "fmt": fmt},
    )
    return redirect("jobs:job", pk=job.pk)
