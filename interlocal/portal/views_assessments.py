"""Portal pages for joint self-assessments (issue 11): rounds, answering, results and reports.

Confidentiality: a member's answers are read only through interlocal.assessments.queries, which shows them to
that member's staff and the collaborative's coordinators; every other figure here is an aggregate that the
query layer has already held to k members and checked against differencing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from interlocal import access, pdf
from interlocal.assessments import actions, queries
from interlocal.assessments.confidentiality import AggregateRefused
from interlocal.assessments.models import RoundMember
from interlocal.collaboratives.queries import get_collaborative_for_user
from interlocal.conflicts import EditConflict
from interlocal.governments.models import Government
from interlocal.portal import assessment_charts
from interlocal.portal.forms_assessments import AnswerForm, ReopenForm, RoundOpenForm
from interlocal.portal.people import signed_in
from interlocal.vocab import FrameworkKind, RoundMemberStatus

T = "portal/assessments/"


def _need(request: HttpRequest, perm: str, obj: Any, message: str) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message)


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A collaborative's assessment rounds, newest first."""
    collaborative = get_collaborative_for_user(request.user, slug)
    _need(
        request,
        "assessments.view_round",
        collaborative,
        "Only the collaborative's members see its assessments.",
    )
    rounds = list(
        queries.rounds_for_user(request.user)
        .filter(collaborative=collaborative)
        .annotate(
            n_members=Count("members", distinct=True),
            n_submitted=Count(
                "members", filter=Q(members__status=RoundMemberStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("-year", "-opened_at")
    )
    own = _own_members(request.user, rounds)
    context = {
        "collaborative": collaborative,
        "rows": [{"round": r, "own": own.get(r.pk)} for r in rounds],
        "can_open": request.user.has_perm("assessments.add_round", collaborative),
    }
    return render(request, T + "round_list.html", context)


@login_required
def round_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Open a round (coordinators): framework, deadline, members and k."""
    collaborative = get_collaborative_for_user(request.user, slug)
    _need(
        request, "assessments.add_round", collaborative, "Only the collaborative's coordinators open rounds."
    )
    governments = Government.objects.filter(pk__in=access.current_member_ids(collaborative)).order_by("name")
    form = RoundOpenForm(
        request.POST or None,
        frameworks=queries.frameworks().order_by("title", "version"),
        governments=governments,
        initial={"members": [g.pk for g in governments if g.pk != collaborative.facilitator_id], "k": 3},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = actions.round_open(
                acting_user=signed_in(request),
                collaborative=collaborative,
                framework=data["framework"],
                title=data["title"],
                year=data["year"],
                deadline=data["deadline"],
                members=list(data["members"]),
                k=data["k"],
                description=data["description"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{rnd.title} is open; its members can answer now.")
            return redirect("portal:assessment_round", pk=rnd.pk)
    return render(request, T + "round_new.html", {"collaborative": collaborative, "form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: its progress per member, the reopen buttons (coordinators) and where to answer or read results."""
    rnd = queries.get_round_for_user(request.user, pk)
    progress = queries.round_progress(request.user, rnd)
    context = {
        "round": rnd,
        "collaborative": rnd.collaborative,
        "progress": progress,
        "own": queries.own_round_member(request.user, rnd),
        "can_reopen": request.user.has_perm("assessments.reopen_roundmember", rnd),
        "can_close": rnd.is_open and request.user.has_perm("assessments.change_round", rnd),
    }
    return render(request, T + "round_detail.html", context)


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """One member's answers to a round: edited by its editors until submitted, read by its staff and coordinators."""
    member = queries.get_round_member_for_user(request.user, pk)
    rnd = member.round
    may_edit = request.user.has_perm("assessments.change_roundmember", member) and rnd.is_open
    editable = may_edit and not member.is_submitted
    items = queries.framework_items(rnd.framework)
    answers = queries.answers_for_user(request.user, member)
    scale = rnd.framework.scale
    levels = [(lv.value, lv.name) for lv in scale.levels.all()]
    training = rnd.framework.kind == FrameworkKind.TRAINING
    if request.method == "POST" and not editable:
        raise PermissionDenied(
            "These answers cannot be changed now." if may_edit else "Only the member's editors answer."
        )
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        items=items,
        answers=answers,
        levels=levels,
        training=training,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        user = signed_in(request)
        submit = request.POST.get("do") == "submit"
        try:
            with transaction.atomic():
                saved = 0
                for change in form.changes():
                    actions.answer_save(acting_user=user, round_member=member, **change)
                    saved += 1
                if submit:
                    member.refresh_from_db()
                    actions.round_member_submit(acting_user=user, round_member=member)
        except EditConflict:
            messages.error(
                request,
                "Someone else saved these answers while you were editing; their answers are shown. "
                "Enter your changes again.",
            )
            return redirect("portal:assessment_answer", pk=member.pk)
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            if submit:
                messages.success(request, f"{member.government.name}'s answers are submitted. Thank you.")
                return redirect("portal:assessment_round", pk=rnd.pk)
            messages.success(request, f"Draft saved: {saved} answer{'s' if saved != 1 else ''} changed.")
            return redirect("portal:assessment_answer", pk=member.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "round": rnd,
        "member": member,
        "collaborative": rnd.collaborative,
        "form": form,
        "groups": _grouped(form, rnd.framework),
        "levels": list(scale.levels.all()),
        "scale": scale,
        "editable": editable,
        "training": training,
        "answered": len(answers),
        "total": len(items),
    }
    return render(request, T + "answer.html", context, status=status)


@login_required
def attachment(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An answer's evidence file, for the member's staff and the coordinators."""
    member = queries.get_round_member_for_user(request.user, pk)
    answer_obj = queries.answers_for_user(request.user, member).get(item_pk)
    if answer_obj is None or not answer_obj.file_name:
        raise Http404("No such file.")
    response = HttpResponse(bytes(answer_obj.content), content_type=answer_obj.content_type)
    response["Content-Disposition"] = f'attachment; filename="{answer_obj.file_name}"'
    return response


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen one member's submission (coordinators), saying why."""
    member = queries.get_round_member_for_user(request.user, pk)
    _need(request, "assessments.reopen_roundmember", member, "Only the collaborative's coordinators reopen.")
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why you reopen the submission.")
    else:
        try:
            actions.round_member_reopen(
                acting_user=signed_in(request),
                round_member=member,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["lock_version"],
            )
        except (ValidationError, EditConflict) as error:
            messages.error(request, _message(error))
        else:
            messages.success(
                request, f"{member.government.name}'s answers are reopened; its staff can change them."
            )
    return redirect("portal:assessment_round", pk=member.round_id)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The collaborative summary: the anonymised heat map and the common gaps (aggregates obeying k)."""
    return render(request, T + "results.html", _results_context(request, pk))


@login_required
def results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The collaborative summary as PDF, from the same template."""
    context = _results_context(request, pk)
    return pdf.pdf_response(
        T + "results.html", context, request=request, filename=f"{context['round'].title} summary.pdf"
    )


def _results_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    rnd = queries.get_round_for_user(request.user, pk)
    _need(request, "assessments.view_aggregates", rnd, "Only the collaborative's members see the results.")
    context: dict[str, Any] = {
        "round": rnd,
        "collaborative": rnd.collaborative,
        "summary": None,
        "training": None,
        "changes": [],
        "refused": "",
        "charts": {},
        "started": {},
        "can_make_initiative": request.user.has_perm("assessments.add_initiative_from_gap", rnd),
    }
    if context["can_make_initiative"]:
        # Coordinators see which gaps already became initiatives (theirs to read), instead of the button.
        context["started"] = {
            code: link.initiative
            for link in rnd.gap_initiatives.select_related("initiative")
            for code in link.item_codes
        }
    try:
        if rnd.framework.kind == FrameworkKind.TRAINING:
            training = queries.training_summary(request.user, rnd)
            context |= {"training": training, "charts": assessment_charts.training_charts(rnd, training)}
        else:
            summary = queries.round_summary(request.user, rnd)
            changes = queries.year_over_year(request.user, rnd)
            context |= {
                "summary": summary,
                "changes": changes,
                "charts": assessment_charts.summary_charts(rnd, summary, changes),
            }
    except AggregateRefused as refused:
        context["refused"] = str(refused)
    return context


@login_required
@require_POST
def gap_initiative(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a common gap into an initiative in exploring (coordinators); on to the new initiative."""
    rnd = queries.get_round_for_user(request.user, pk)
    _need(
        request, "assessments.add_initiative_from_gap", rnd, "Only the collaborative's coordinators do this."
    )
    codes = request.POST.getlist("item")
    try:
        link = actions.common_gap_to_initiative(acting_user=signed_in(request), round=rnd, items=codes)
    except (ValidationError, AggregateRefused) as error:
        messages.error(request, _message(error))
        return redirect("portal:assessment_results", pk=rnd.pk)
    messages.success(request, f"{link.initiative.title} is now an initiative in Exploring.")
    return redirect("portal:initiative", pk=link.initiative_id)


@login_required
def member_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's own results (its staff and the coordinators): scores by function vs target, percentile, change."""
    return render(request, T + "member_report.html", _member_context(request, pk))


@login_required
def member_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The member report as PDF, from the same template."""
    context = _member_context(request, pk)
    member = context["member"]
    return pdf.pdf_response(
        T + "member_report.html",
        context,
        request=request,
        filename=f"{member.round.title} {member.government.name}.pdf",
    )


def _member_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    member = queries.get_round_member_for_user(request.user, pk)
    report = queries.member_report(request.user, member)
    return {
        "round": member.round,
        "member": member,
        "collaborative": member.round.collaborative,
        "report": report,
        "below": [i for i in report.items if i.below_target],
        "charts": assessment_charts.member_charts(member.round, report),
    }


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a round (coordinators): answers freeze and the summary is published to the members."""
    rnd = queries.get_round_for_user(request.user, pk)
    _need(request, "assessments.change_round", rnd, "Only the collaborative's coordinators close rounds.")
    try:
        actions.round_close(
            acting_user=signed_in(request), round=rnd, expected_version=_int(request.POST.get("lock_version"))
        )
    except (ValidationError, EditConflict) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"{rnd.title} is closed; its members can now read the summary.")
    return redirect("portal:assessment_round", pk=rnd.pk)


# --- helpers -----------------------------------------------------------------------------------------


def _grouped(form: AnswerForm, framework: Any) -> list[dict[str, Any]]:
    """The answer form's rows under their function (or section) and category headings, in framework order."""
    groups: list[dict[str, Any]] = []
    for row in form.rows():
        category = row.item.parent
        top = category.parent if category is not None and category.parent_id else category
        if not groups or groups[-1]["node"] != top:
            groups.append({"node": top, "categories": [], "answered": 0, "total": 0})
        groups[-1]["total"] += 1
        groups[-1]["answered"] += row.answer is not None
        cats = groups[-1]["categories"]
        if not cats or cats[-1]["node"] != category:
            cats.append({"node": category, "rows": []})
        cats[-1]["rows"].append(row)
    return groups


def _own_members(user: Any, rounds: list[Any]) -> dict[int, Any]:
    """The user's own government's place in each round (one query)."""
    gov = getattr(user, "government_id", None)
    if gov is None or not rounds:
        return {}
    own = RoundMember.objects.filter(round__in=rounds, government_id=gov).select_related("government")
    return {m.round_id: m for m in own}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)
