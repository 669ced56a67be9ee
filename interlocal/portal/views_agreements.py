"""Portal work screens for agreements, their adoptions, council legislation and memberships."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from interlocal.agreements.actions import (
    adoption_proposal_confirm,
    adoption_proposal_dismiss,
    adoption_record,
    agreement_create,
    agreement_party_expect,
    agreement_version_create,
    matter_action_add,
    matter_action_update,
    matter_attachment_add,
    matter_create,
    matter_update,
)
from interlocal.agreements.queries import (
    get_adoption_proposal_for_user,
    get_agreement_for_user,
    get_matter_action_for_user,
    get_matter_to_edit,
    get_party_for_user,
    get_version_for_user,
    governments_adopting_for,
    latest_version,
    own_matters,
    party_choices,
    visible_matters,
)
from interlocal.collaboratives.actions import membership_end, membership_propose
from interlocal.collaboratives.queries import (
    get_collaborative_for_user,
    get_membership_for_user,
    joinable_governments,
)
from interlocal.conflicts import EditConflict
from interlocal.governments.queries import get_government_for_user
from interlocal.portal.conflict import conflict_message, conflict_response, posted_version
from interlocal.portal.forms_agreements import (
    AdoptionForm,
    AgreementForm,
    MatterActionEditForm,
    MatterActionForm,
    MatterAttachmentForm,
    MatterForm,
    MembershipEndForm,
    MembershipProposeForm,
    PartyExpectForm,
    VersionForm,
)
from interlocal.portal.people import signed_in
from interlocal.vocab import VersionKind


def _mark(form: forms.Form, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Put an action's refusal on the fields it names (renamed to the form's), the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = (rename or {}).get(name, name)
        form.add_error(field if field in form.fields else None, errors)


def _page(request: HttpRequest, form: forms.Form, heading: str, submit: str, back: str, **extra: Any) -> Any:
    template = extra.pop("template", "portal/work_form.html")
    context = {"form": form, "heading": heading, "submit": submit, "back_url": back, **extra}
    return render(request, template, context)


def _require(request: HttpRequest, perm: str, obj: Any, message: str) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message)


def _matter_label(matter: Any, with_government: bool = False) -> str:
    prefix = f"{matter.government}: " if with_government else ""
    title = matter.title if len(matter.title) <= 70 else matter.title[:69] + "…"
    return f"{prefix}{matter.file_number} ({title})"


@login_required
def agreement_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A coordinator starts an agreement of the collaborative."""
    collaborative = get_collaborative_for_user(request.user, slug)
    _require(request, "agreements.add_agreement", collaborative, "Only its coordinators draft agreements.")
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_create(
                acting_user=signed_in(request), collaborative=collaborative, **form.cleaned_data
            )
        except ValidationError as error:
            _mark(form, error)
        else:
            messages.success(request, f"{agreement.title} was created. Add its first version.")
            return redirect("portal:version_new", pk=agreement.pk)
    back = reverse("portal:collaborative", args=[slug])
    return _page(request, form, f"New agreement of {collaborative.name}", "Create agreement", back)


@login_required
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator adds the next version, parties ticked as in the previous one."""
    agreement = get_agreement_for_user(request.user, pk)
    _require(request, "agreements.add_agreementversion", agreement, "Only its coordinators add versions.")
    members = party_choices(agreement)
    previous = latest_version(agreement)
    initial: dict[str, Any] = {"kind": VersionKind.ORIGINAL}
    if previous is not None:
        initial = {
            "kind": VersionKind.RENEWAL,
            "parties": [str(p.government_id) for p in previous.party_rows.all()],
            "term_months": previous.term_months,
        }
    form = VersionForm(request.POST or None, initial=initial, members=[(str(g.pk), g.name) for g in members])
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        chosen = {int(p) for p in values.pop("parties")}
        try:
            version = agreement_version_create(
                acting_user=signed_in(request),
                agreement=agreement,
                parties=[g for g in members if g.pk in chosen],
                **values,
            )
        except ValidationError as error:
            _mark(form, error)
        else:
            messages.success(
                request, f"Version {version.number} was added; each party now records its adoption."
            )
            return redirect(reverse("portal:agreement", args=[pk]) + f"#version-{version.number}")
    heading = f"New version of {agreement.title}"
    return _page(request, form, heading, "Add version", reverse("portal:agreement", args=[pk]))


@login_required
def adoption_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A party's clerk records their council's adoption with one of its own matters and the vote date."""
    version = get_version_for_user(request.user, pk)
    governments = governments_adopting_for(request.user, version)
    if not governments:
        raise PermissionDenied("Only a party's own staff record its adoption, once.")
    matters = own_matters(request.user, governments)
    several = len(governments) > 1
    form = AdoptionForm(
        request.POST or None,
        governments=[(str(g.pk), g.name) for g in governments],
        matters=[(str(m.pk), _matter_label(m, several)) for m in matters],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        government = next(g for g in governments if str(g.pk) == data["government"])
        new = {
            "file_number": data["new_file_number"],
            "type_name": data["new_type_name"],
            "title": data["new_title"],
        }
        try:
            adoption_record(
                acting_user=signed_in(request),
                version=version,
                government=government,
                adopted_on=data["adopted_on"],
                matter=matters.get(pk=data["matter"]) if data["matter"] else None,
                new_matter=None if data["matter"] else new,
            )
        except ValidationError as error:
            _mark(form, error, {n: f"new_{n}" for n in new} | {"__all__": "new_file_number"})
        else:
            messages.success(request, f"{government}'s adoption of version {version.number} was recorded.")
            return redirect(
                reverse("portal:agreement", args=[version.agreement_id]) + f"#version-{version.number}"
            )
    heading = f"Record adoption of {version}"
    back = reverse("portal:agreement", args=[version.agreement_id])
    return _page(request, form, heading, "Record adoption", back)


@login_required
def matter_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A government's own staff enter a legislative matter."""
    government = get_government_for_user(request.user, slug)
    _require(
        request, "agreements.add_legislativematter", government, "Only its own staff enter its legislation."
    )
    form = MatterForm(request.POST or None, initial={"is_published": True})
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("lock_version")
        try:
            matter = matter_create(acting_user=signed_in(request), government=government, **values)
        except ValidationError as error:
            _mark(form, error, {"__all__": "file_number"})
        else:
            messages.success(request, f"{matter.file_number} was recorded.")
            return redirect("portal:matter_edit", pk=matter.pk)
    back = reverse("portal:government", args=[slug])
    return _page(request, form, f"New legislative matter of {government.name}", "Save matter", back)


@login_required
def matter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A government's own staff edit a matter; its action history is listed below."""
    matter = get_matter_to_edit(request.user, pk)
    _require(request, "agreements.change_legislativematter", matter, "Only its own staff edit this matter.")
    initial = {f: getattr(matter, f) for f in MatterForm.base_fields}
    form = MatterForm(request.POST or None, initial=initial)
    back = reverse("portal:matter", args=[pk])
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("lock_version")
        try:
            matter_update(acting_user=signed_in(request), matter=matter, expected_version=version, **values)
        except EditConflict as conflict:
            return conflict_response(
                request, conflict, form_class=MatterForm, record_name=str(matter), back_url=back
            )
        except ValidationError as error:
            _mark(form, error, {"__all__": "file_number"})
        else:
            messages.success(request, f"{matter.file_number} was updated.")
            return redirect("portal:matter", pk=pk)
    heading = f"Edit {matter.file_number}"
    return _page(
        request, form, heading, "Save matter", back, matter=matter, template="portal/matter_edit.html"
    )


@login_required
def matter_action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a row to a matter's action history."""
    matter = get_matter_to_edit(request.user, pk)
    _require(request, "agreements.change_legislativematter", matter, "Only its own staff edit this matter.")
    form = MatterActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matter_action_add(acting_user=signed_in(request), matter=matter, **form.cleaned_data)
        except ValidationError as error:
            _mark(form, error)
        else:
            messages.success(request, "The action was added to the history.")
            return redirect("portal:matter_edit", pk=pk)
    back = reverse("portal:matter_edit", args=[pk])
    return _page(request, form, f"Add an action to {matter.file_number}", "Add action", back)


@login_required
def matter_attachment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document (an uploaded file, a link, or both) to a matter."""
    matter = get_matter_to_edit(request.user, pk)
    _require(request, "agreements.change_legislativematter", matter, "Only its own staff edit this matter.")
    form = MatterAttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            matter_attachment_add(
                acting_user=signed_in(request),
                matter=matter,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                file_name=upload.name if upload else "",
                content=upload.read() if upload else b"",
            )
        except ValidationError as error:
            _mark(form, error, {"content": "file", "file_name": "file"})
        else:
            messages.success(request, f"{form.cleaned_data['name']} was attached.")
            return redirect("portal:matter_edit", pk=pk)
    back = reverse("portal:matter_edit", args=[pk])
    return _page(request, form, f"Attach a document to {matter.file_number}", "Attach", back)


@login_required
def matter_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a row of a matter's action history."""
    action = get_matter_action_for_user(request.user, pk)
    _require(
        request, "agreements.change_legislativematter", action.matter, "Only its own staff edit this matter."
    )
    initial = {f: getattr(action, f) for f in MatterActionEditForm.base_fields}
    form = MatterActionEditForm(request.POST or None, initial=initial)
    back = reverse("portal:matter_edit", args=[action.matter_id])
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("lock_version")
        try:
            matter_action_update(
                acting_user=signed_in(request), action=action, expected_version=version, **values
            )
        except EditConflict as conflict:
            return conflict_response(
                request, conflict, form_class=MatterActionEditForm, record_name=str(action), back_url=back
            )
        except ValidationError as error:
            _mark(form, error)
        else:
            messages.success(request, "The action was corrected.")
            return redirect(back)
    heading = f"{action.matter.file_number}: {action.action_date:%m/%d/%Y} {action.action_name}"
    return _page(request, form, heading, "Save action", back)


@login_required
def membership_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A coordinator proposes that a government join; its own editor accepts on /me/."""
    collaborative = get_collaborative_for_user(request.user, slug)
    _require(
        request, "collaboratives.propose_membership", collaborative, "Only its coordinators propose members."
    )
    governments = joinable_governments(request.user, collaborative)
    matters = visible_matters(request.user).filter(government__in=governments).order_by("government__name")
    form = MembershipProposeForm(
        request.POST or None,
        governments=[(str(g.pk), g.name) for g in governments],
        matters=[(str(m.pk), _matter_label(m, True)) for m in matters],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = membership_propose(
                acting_user=signed_in(request),
                collaborative=collaborative,
                government=governments.get(pk=data["government"]),
                role=data["role"],
                joined_on=data["joined_on"],
                authorising_matter=matters.get(pk=data["authorising_matter"])
                if data["authorising_matter"]
                else None,
            )
        except ValidationError as error:
            _mark(form, error)
        else:
            messages.success(
                request, f"{membership.government} was proposed; its editors accept or decline it."
            )
            return redirect("portal:collaborative", slug=slug)
    back = reverse("portal:collaborative", args=[slug])
    return _page(request, form, f"Propose a member of {collaborative.name}", "Propose membership", back)


@login_required
def membership_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator records a government's leaving, with the council matter that authorised it."""
    membership = get_membership_for_user(request.user, pk)
    _require(request, "collaboratives.end_membership", membership, "Only its coordinators end memberships.")
    matters = visible_matters(request.user).filter(government=membership.government)
    form = MembershipEndForm(
        request.POST or None,
        initial={"left_on": membership.left_on, "lock_version": membership.lock_version},
        matters=[(str(m.pk), _matter_label(m)) for m in matters],
    )
    back = reverse("portal:collaborative", args=[membership.collaborative.slug])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership_end(
                acting_user=signed_in(request),
                membership=membership,
                left_on=data["left_on"],
                expected_version=data["lock_version"],
                leave_matter=matters.get(pk=data["leave_matter"]) if data["leave_matter"] else None,
            )
        except EditConflict as conflict:
            return conflict_response(
                request, conflict, form_class=MembershipEndForm, record_name=str(membership), back_url=back
            )
        except ValidationError as error:
            _mark(form, error)
        else:
            messages.success(
                request, f"{membership.government}'s membership ends on {data['left_on']:%m/%d/%Y}."
            )
            return redirect(back)
    heading = f"End {membership.government}'s membership of {membership.collaborative}"
    return _page(request, form, heading, "End membership", back)


@login_required
@require_POST
def adoption_proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The party's editor or the coordinator confirms a found adoption (recording it) or dismisses it."""
    proposal = get_adoption_proposal_for_user(request.user, pk)
    version = proposal.version
    if request.POST.get("from") == "agreement":
        back = reverse("portal:agreement", args=[version.agreement_id]) + f"#version-{version.number}"
    else:
        back = reverse("portal:my_work")
    do = request.POST.get("do", "")
    try:
        if do == "confirm":
            adoption = adoption_proposal_confirm(
                acting_user=signed_in(request), proposal=proposal, expected_version=posted_version(request)
            )
            messages.success(
                request,
                f"{adoption.government}'s adoption of {version} by {proposal.matter.file_number} on "
                f"{adoption.adopted_on:%m/%d/%Y} was recorded.",
            )
        elif do == "dismiss":
            adoption_proposal_dismiss(
                acting_user=signed_in(request), proposal=proposal, expected_version=posted_version(request)
            )
            messages.success(
                request, f"{proposal.matter.file_number} was dismissed; it will not be proposed again."
            )
        else:
            messages.error(request, "Choose confirm or dismiss.")
    except EditConflict as conflict:
        messages.error(request, conflict_message(conflict))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(back)


@login_required
def party_expect(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator names the council matter expected to adopt a version for a party."""
    party = get_party_for_user(request.user, pk)
    version = party.version
    _require(request, "agreements.change_agreementversion", version, "Only its coordinators link matters.")
    initial = {"expected_file_number": party.expected_file_number, "lock_version": party.lock_version}
    form = PartyExpectForm(request.POST or None, initial=initial)
    back = reverse("portal:agreement", args=[version.agreement_id]) + f"#version-{version.number}"
    if request.method == "POST" and form.is_valid():
        try:
            agreement_party_expect(
                acting_user=signed_in(request),
                party=party,
                file_number=form.cleaned_data["expected_file_number"],
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as conflict:
            return conflict_response(
                request, conflict, form_class=PartyExpectForm, record_name=str(party), back_url=back
            )
        except ValidationError as error:
            _mark(form, error, {"__all__": "expected_file_number"})
        else:
            number = party.expected_file_number
            messages.success(
                request,
                f"{party.government}: {number} is expected to adopt version {version.number}; when the council "
                "passes it, its adoption is proposed for a person to confirm."
                if number
                else f"{party.government}: the expected matter was removed.",
            )
            return redirect(back)
    heading = f"Which matter adopts {version} for {party.government}?"
    lede = (
        "Name the council matter you expect to adopt this version. When it is imported or synced with a vote "
        "that passed, the adoption is proposed to the council's clerk and to you; nothing is recorded until one "
        "of you confirms it."
    )
    return _page(request, form, heading, "Save", back, lede=lede)
