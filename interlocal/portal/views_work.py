"""Portal pages where staff do the work: stages, progress, measurements, scores, rankings, reminders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_POST

from interlocal.agreements.queries import proposals_to_decide
from interlocal.audit.models import AuditEvent
from interlocal.audit.queries import public_changes
from interlocal.collaboratives.actions import membership_accept, membership_decline
from interlocal.collaboratives.queries import get_proposal_for_user, proposals_for_user
from interlocal.conflicts import EditConflict
from interlocal.initiatives.actions import (
    ConfirmationRequired,
    GateRefused,
    criteria_set_hide_scores,
    initiative_advance,
    initiative_report_progress,
    ranking_freeze,
    score_record,
)
from interlocal.initiatives.pipeline import Move, Transition
from interlocal.initiatives.queries import (
    allowed_transitions,
    compute_ranking,
    get_criteria_set_for_user,
    get_initiative_for_user,
    may_see_all_scores,
    visible_scores,
)
from interlocal.portal.conflict import conflict_message, posted_version
from interlocal.portal.forms import AdvanceForm, MeasurementForm, ProgressForm, ScoreForm
from interlocal.portal.people import signed_in
from interlocal.portal.queries import event_urls
from interlocal.tracking.actions import can_measure, measurement_record
from interlocal.tracking.queries import digest_for, get_kpi_for_user
from interlocal.vocab import Stage


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def initiative_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an initiative; a refused gate says what is missing, a move back asks for confirmation first."""
    initiative = get_initiative_for_user(request.user, pk)
    form = AdvanceForm(request.POST, transitions=allowed_transitions(initiative))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("portal:initiative", pk=pk)
    values = dict(form.cleaned_data)
    version = values.pop("lock_version")
    try:
        initiative_advance(
            acting_user=signed_in(request), initiative=initiative, expected_version=version, **values
        )
        messages.success(request, f"Moved to {initiative.get_stage_display()}.")
    except ConfirmationRequired as asked:
        return render(
            request,
            "portal/initiative_confirm_move.html",
            {"initiative": initiative, "question": _question(initiative, asked.transition), "form": form},
        )
    except EditConflict as conflict:
        messages.error(request, conflict_message(conflict))
    except GateRefused as refused:
        messages.error(request, str(refused.message))
    except ValidationError as error:
        _errors(request, error)
    return redirect("portal:initiative", pk=pk)


def _question(initiative: Any, move: Transition) -> str:
    # The confirmation page's question, in the words of the move.
    name = initiative.code or initiative.title
    source, target = Stage(move.source).label, Stage(move.target).label
    if move.move == Move.WITHDRAW:
        return f"Withdraw {name} from {source}?"
    if move.move == Move.REOPEN:
        return f"Reopen {name} at {target}?"
    return f"Move {name} back from {source} to {target}?"


@login_required
@require_POST
def initiative_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Report progress on an initiative."""
    initiative = get_initiative_for_user(request.user, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            initiative_report_progress(
                acting_user=signed_in(request), initiative=initiative, text=form.cleaned_data["text"]
            )
            messages.success(request, "Progress recorded.")
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, "Write what has happened since the last report.")
    return redirect("portal:initiative", pk=pk)


@login_required
def kpi_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a KPI measurement."""
    kpi = get_kpi_for_user(request.user, pk)
    if not can_measure(signed_in(request), kpi):
        raise PermissionDenied("Only the KPI's owner and the initiative's partners enter measurements.")
    form = MeasurementForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            measurement_record(acting_user=signed_in(request), kpi=kpi, **form.cleaned_data)
            messages.success(request, f"Recorded {form.cleaned_data['value']} {kpi.unit} for {kpi.name}.")
            return redirect("portal:initiative", pk=kpi.initiative_id)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "portal/kpi_measure.html", {"kpi": kpi, "form": form})


@login_required
def initiative_score(request: HttpRequest, pk: int) -> HttpResponse:
    """A member government scores an initiative on the current criteria."""
    initiative = get_initiative_for_user(request.user, pk)
    criteria_set = get_criteria_set_for_user(request.user, initiative.collaborative.slug)
    user: Any = request.user
    government = user.government
    if government is None or not user.has_perm("initiatives.score_initiative", initiative):
        raise PermissionDenied("Only staff of a member government score initiatives.")
    criteria = list(criteria_set.criteria.all())
    prior = {
        s.criterion_id: s
        for s in initiative.scores.filter(government=government, criterion__criteria_set=criteria_set)
    }
    form = ScoreForm(
        request.POST or None,
        criteria=criteria,
        scale=(criteria_set.scale_min, criteria_set.scale_max),
        initial_scores=prior,
    )
    if request.method == "POST" and form.is_valid():
        try:
            # All of the page's scores or none: a refused one must not leave the others half saved.
            with transaction.atomic():
                for c in criteria:
                    value = form.cleaned_data[f"c{c.pk}"]
                    if value is not None:
                        score_record(
                            acting_user=user,
                            initiative=initiative,
                            criterion=c,
                            government=government,
                            value=value,
                            comment=form.cleaned_data[f"c{c.pk}_comment"],
                            expected_version=form.cleaned_data.get(f"c{c.pk}_version"),
                        )
            messages.success(request, f"{government}'s scores were saved.")
            return redirect("portal:ranking", slug=initiative.collaborative.slug)
        except EditConflict as conflict:
            form = _rebased_score_form(request, form, conflict, criteria, criteria_set, prior)
        except ValidationError as error:
            form.add_error(None, error)
    context = {"initiative": initiative, "form": form, "criteria_set": criteria_set, "government": government}
    return render(request, "portal/initiative_score.html", context)


def _rebased_score_form(
    request: HttpRequest,
    form: ScoreForm,
    conflict: EditConflict,
    criteria: list[Any],
    criteria_set: Any,
    prior: Any,
) -> ScoreForm:
    # Keep the person's entries, now on top of the stored score, and say what is stored.
    stored: Any = conflict.current
    data = request.POST.copy()
    data[f"c{stored.criterion_id}_version"] = str(stored.lock_version)
    rebased = ScoreForm(
        data, criteria=criteria, scale=(criteria_set.scale_min, criteria_set.scale_max), initial_scores=prior
    )
    rebased.is_valid()
    name = next(c.name for c in criteria if c.pk == stored.criterion_id)
    rebased.add_error(
        None,
        f"{name}: {conflict_message(conflict)} The stored score is {stored.value}"
        f"{f' ({stored.comment})' if stored.comment else ''}; yours is {data.get(f'c{stored.criterion_id}')}. "
        "Save again to replace it with yours.",
    )
    return rebased


def ranking(request: HttpRequest, slug: str) -> HttpResponse:
    """The collaborative's initiatives ranked by the members' weighted scores."""
    criteria_set = get_criteria_set_for_user(request.user, slug)
    see_all = may_see_all_scores(request.user, criteria_set)
    if not see_all and not request.user.is_authenticated:
        raise PermissionDenied("Scores are hidden until the coordinator reveals them.")
    context = {
        "criteria_set": criteria_set,
        "collaborative": criteria_set.collaborative,
        "rows": compute_ranking(criteria_set) if see_all else [],
        "scores": visible_scores(request.user, criteria_set).order_by(
            "initiative__code", "government__name", "criterion__position"
        ),
        "see_all": see_all,
        "can_edit": request.user.has_perm("initiatives.change_criteriaset", criteria_set),
        "snapshots": criteria_set.snapshots.select_related("frozen_by")[:5],
    }
    return render(request, "portal/ranking.html", context)


@login_required
@require_POST
def ranking_action(request: HttpRequest, slug: str) -> HttpResponse:
    """Freeze the ranking, or hide or reveal scores (coordinators)."""
    criteria_set = get_criteria_set_for_user(request.user, slug)
    if request.POST.get("do") == "freeze":
        label = request.POST.get("label", "").strip() or f"Frozen {timezone.localdate():%m/%d/%Y}"
        ranking_freeze(acting_user=signed_in(request), criteria_set=criteria_set, label=label)
        messages.success(request, f"Ranking frozen as {label!r}.")
    else:
        hidden = request.POST.get("do") == "hide"
        try:
            criteria_set_hide_scores(
                acting_user=signed_in(request),
                criteria_set=criteria_set,
                hidden=hidden,
                expected_version=posted_version(request),
            )
        except EditConflict as conflict:
            messages.error(request, conflict_message(conflict))
            return redirect("portal:ranking", slug=slug)
        messages.success(
            request, "Members now see only their own scores." if hidden else "Members now see every score."
        )
    return redirect("portal:ranking", slug=slug)


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """What the signed-in person must act on: the same list their e-mail digest carries."""
    today = timezone.localdate()
    context = {
        "digest": digest_for(request.user, today),
        "today": today,
        "proposals": proposals_for_user(request.user),
        "adoption_proposals": proposals_to_decide(request.user),
    }
    return render(request, "portal/my_work.html", context)


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The joining government's editor accepts or declines a proposed membership."""
    membership = get_proposal_for_user(request.user, pk)
    decisions = {"accept": membership_accept, "decline": membership_decline}
    decide = decisions.get(request.POST.get("do", ""))
    if decide is None:
        messages.error(request, "Choose accept or decline.")
        return redirect("portal:my_work")
    try:
        decided = decide(acting_user=signed_in(request), membership=membership)
        messages.success(
            request, f"{decided.collaborative}: membership {decided.get_status_display().lower()}."
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect("portal:my_work")


class PublicChangesFeed(Feed):
    """Atom feed of changes to published records."""

    feed_type = Atom1Feed
    title = "Interlocal: published changes"
    subtitle = "Changes to published collaboratives, initiatives, agreements and legislation."

    def link(self) -> str:
        return reverse("portal:home")

    def items(self) -> list[AuditEvent]:
        events = public_changes(50)
        # Each entry links to its record's own page, found for all entries at once.
        urls = event_urls(events)
        for e in events:
            e.link = urls[e.pk]  # type: ignore[attr-defined]
        return events

    # Atom summaries are HTML; notes and stage reasons are plain text typed by people, so escape them.
    def item_title(self, item: AuditEvent) -> str:
        return f"{item.verb.replace('_', ' ')}: {item.object_repr}"

    def item_description(self, item: AuditEvent) -> str:
        return escape(item.note or ", ".join(item.changes))

    def item_link(self, item: AuditEvent) -> str:
        return str(item.link)  # type: ignore[attr-defined]

    def item_pubdate(self, item: AuditEvent) -> Any:
        return item.at
