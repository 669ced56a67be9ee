"""Scoped reads of agreements and legislative matters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.agreements.models import (
    Adoption,
    AdoptionProposal,
    Agreement,
    AgreementParty,
    AgreementVersion,
    LegislativeMatter,
    MatterAction,
    MatterAttachment,
)
from interlocal.governments.models import Government
from interlocal.legislation.models import Vote
from interlocal.vocab import ProposalStatus


def visible_agreements(user: Any) -> QuerySet[Agreement]:
    """Published agreements of published collaboratives, plus those of the user's collaboratives."""
    qs = Agreement.objects.select_related("collaborative")
    if access.is_admin(user):
        return qs
    public = Q(is_published=True, collaborative__is_published=True)
    return qs.filter(public | Q(collaborative_id__in=access.member_collaborative_ids(user)))


def get_agreement_for_user(user: Any, pk: int) -> Agreement:
    """Return an agreement with versions, parties and adoptions, or 404 whether missing or hidden."""
    versions = (
        AgreementVersion.objects.order_by("number")
        .select_related("superseded_by")
        .prefetch_related(
            Prefetch("party_rows", queryset=AgreementParty.objects.select_related("government")),
            Prefetch("adoptions", queryset=Adoption.objects.select_related("government", "matter")),
            "documents",
        )
    )
    return get_object_or_404(
        visible_agreements(user).prefetch_related(Prefetch("versions", queryset=versions)), pk=pk
    )


@dataclass(frozen=True)
class PartyStatus:
    """One party's adoption of a version, or its absence."""

    government: Government
    adoption: Adoption | None
    party: AgreementParty | None = None  # the party row, for its expected matter


def party_statuses(version: AgreementVersion) -> list[PartyStatus]:
    """Each party of a version with its adoption, from prefetched rows."""
    adopted = {a.government_id: a for a in version.adoptions.all()}
    return [PartyStatus(p.government, adopted.get(p.government_id), p) for p in version.party_rows.all()]


@dataclass(frozen=True)
class OverdueAdoption:
    """A version whose adoption deadline has passed, with the parties that have not adopted it."""

    version: AgreementVersion
    due_on: dt.date
    missing: list[Government]


def overdue_adoptions(versions: QuerySet[AgreementVersion], today: dt.date) -> list[OverdueAdoption]:
    """Versions past their adoption deadline and not yet adopted by every party, naming the missing parties."""
    late = (
        versions.filter(adoption_due_on__lt=today, in_force_from__isnull=True)
        .select_related("agreement")
        .prefetch_related(
            Prefetch("party_rows", queryset=AgreementParty.objects.select_related("government")), "adoptions"
        )
        .order_by("adoption_due_on", "pk")
    )
    found = []
    for version in late:
        missing = [s.government for s in party_statuses(version) if s.adoption is None]
        if missing and version.adoption_due_on is not None:
            found.append(OverdueAdoption(version, version.adoption_due_on, missing))
    return found


def visible_matters(user: Any) -> QuerySet[LegislativeMatter]:
    """Published matters, plus the user's own government's (and its departments')."""
    qs = LegislativeMatter.objects.select_related("government")
    if access.is_admin(user):
        return qs
    gov = getattr(user, "government_id", None) if user.is_authenticated else None
    if gov is not None:
        return qs.filter(Q(is_published=True) | Q(government_id=gov) | Q(government__parent_id=gov))
    return qs.filter(is_published=True)


def get_matter_for_user(user: Any, pk: int) -> LegislativeMatter:
    """Return a matter with its actions, attachments and adoptions, or 404 whether missing or hidden."""
    qs = visible_matters(user).prefetch_related(
        "actions",
        # The page lists attachments; their files are read only when downloaded.
        Prefetch("attachments", queryset=MatterAttachment.objects.defer("content")),
        Prefetch("adoptions", queryset=Adoption.objects.select_related("version__agreement")),
    )
    return get_object_or_404(qs, pk=pk)


def get_matter_attachment_for_user(user: Any, matter_pk: int, pk: int) -> MatterAttachment:
    """Return an attachment's file of a matter the user may see, or 404 whether missing, hidden or fileless."""
    qs = MatterAttachment.objects.filter(matter__in=visible_matters(user)).exclude(file_name="")
    return get_object_or_404(qs, matter_id=matter_pk, pk=pk)


def get_version_for_user(user: Any, pk: int) -> AgreementVersion:
    """An agreement version with its parties and adoptions, or 404 whether missing or hidden."""
    qs = AgreementVersion.objects.select_related("agreement__collaborative").prefetch_related(
        Prefetch("party_rows", queryset=AgreementParty.objects.select_related("government")),
        Prefetch("adoptions", queryset=Adoption.objects.select_related("government", "matter")),
    )
    return get_object_or_404(qs.filter(agreement__in=visible_agreements(user)), pk=pk)


def latest_version(agreement: Agreement) -> AgreementVersion | None:
    """The agreement's highest-numbered version, whose parties a new version starts from."""
    return agreement.versions.order_by("-number").prefetch_related("party_rows").first()


def governments_adopting_for(user: Any, version: AgreementVersion) -> list[Government]:
    """Parties to the version that have not adopted it and whose adoption the user may record."""
    adopted = {a.government_id for a in version.adoptions.all()}
    return [
        p.government
        for p in version.party_rows.all()
        if p.government_id not in adopted and user.has_perm("agreements.add_adoption", p.government)
    ]


def own_matters(user: Any, governments: list[Government]) -> QuerySet[LegislativeMatter]:
    """The legislation of those governments whose adoptions the user records: never anyone else's."""
    allowed = [g.pk for g in governments if user.has_perm("agreements.add_adoption", g)]
    return (
        LegislativeMatter.objects.filter(government_id__in=allowed)
        .select_related("government")
        .order_by("-intro_date", "file_number")
    )


def get_matter_to_edit(user: Any, pk: int) -> LegislativeMatter:
    """A matter the user may see (404 otherwise), with its action history for the edit page."""
    return get_object_or_404(visible_matters(user).prefetch_related("actions", "attachments"), pk=pk)


def get_matter_action_for_user(user: Any, pk: int) -> MatterAction:
    """A row of a visible matter's action history, or 404 whether missing or hidden."""
    qs = MatterAction.objects.select_related("matter__government")
    return get_object_or_404(qs.filter(matter__in=visible_matters(user)), pk=pk)


def party_choices(agreement: Agreement) -> QuerySet[Government]:
    """Governments that may be named parties: the collaborative's accepted, current members (and facilitator)."""
    return Government.objects.filter(pk__in=access.current_member_ids(agreement.collaborative)).order_by(
        "name"
    )


# --- adoptions found in council legislation (issue 10) ---------------------------------------------------------


def _open_proposals() -> QuerySet[AdoptionProposal]:
    # Still to decide: not yet adopted by the party (by hand or otherwise) and the version not yet in force.
    return (
        AdoptionProposal.objects.filter(status=ProposalStatus.PROPOSED, version__in_force_from__isnull=True)
        .exclude(version__adoptions__government=F("government"))
        .select_related("version__agreement__collaborative", "government", "matter__government", "action")
        .order_by("-adopted_on", "pk")
    )


def proposals_to_decide(user: Any) -> list[AdoptionProposal]:
    """Open proposals the user may confirm: their own government's, and those of collaboratives they coordinate."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = _open_proposals()
    if not access.is_admin(user):
        gov = getattr(user, "government_id", None)
        scope = Q(version__agreement__collaborative_id__in=access.coordinated_collaborative_ids(user))
        if gov is not None:
            scope |= Q(government_id=gov) | Q(government__parent_id=gov)
        qs = qs.filter(scope)
    return _with_votes([p for p in qs if user.has_perm("agreements.confirm_adoptionproposal", p)])


def proposals_by_version(user: Any, agreement: Agreement) -> dict[int, list[AdoptionProposal]]:
    """The agreement's open proposals the user may decide, by version id (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    found: dict[int, list[AdoptionProposal]] = {}
    mine = [
        p
        for p in _open_proposals().filter(version__agreement=agreement)
        if user.has_perm("agreements.confirm_adoptionproposal", p)
    ]
    for p in _with_votes(mine):
        found.setdefault(p.version_id, []).append(p)
    return found


def _with_votes(proposals: list[AdoptionProposal]) -> list[AdoptionProposal]:
    """Give each proposal the roll call on its action row (p.vote_summary, e.g. "Aye 7, Nay 1") in one query."""
    summaries: dict[int, list[str]] = {}
    action_ids = [p.action_id for p in proposals if p.action_id is not None]
    if action_ids:
        rows = (
            Vote.objects.filter(event_item__matter_action_id__in=action_ids)
            .values_list("event_item__matter_action_id", "value_name")
            .annotate(n=Count("pk"))
            .order_by("event_item__matter_action_id", "-n", "value_name")
        )
        for action_id, value, n in rows:
            summaries.setdefault(action_id, []).append(f"{value or 'No value'} {n}")
    for p in proposals:
        setattr(p, "vote_summary", ", ".join(summaries.get(p.action_id or 0, [])))  # noqa: B010
    return proposals


def get_adoption_proposal_for_user(user: Any, pk: int) -> AdoptionProposal:
    """A proposal the user may see (its party's editors, its coordinators), or 404 whether missing or not theirs."""
    qs = AdoptionProposal.objects.select_related(
        "version__agreement__collaborative", "government", "matter__government", "action"
    )
    proposal = get_object_or_404(qs, pk=pk)
    if not user.has_perm("agreements.view_adoptionproposal", proposal):
        raise Http404("No such proposal.")
    return proposal


def get_party_for_user(user: Any, pk: int) -> AgreementParty:
    """A party row of a version of an agreement the user may see, or 404 whether missing or hidden."""
    qs = AgreementParty.objects.select_related("version__agreement__collaborative", "government")
    return get_object_or_404(qs.filter(version__agreement__in=visible_agreements(user)), pk=pk)


@dataclass(frozen=True)
class WriteMark:
    """The newest ids before a batch of writes (an import, a sync): what is newer, or audited since, it wrote."""

    event: int
    matter: int
    action: int
    attachment: int


def write_mark() -> WriteMark:
    """Mark the database before an import or sync, to find the matters it writes (see matters_written_since)."""
    from interlocal.audit.models import AuditEvent

    def newest(model: Any) -> int:
        return int(model.objects.aggregate(m=Max("pk"))["m"] or 0)

    return WriteMark(
        newest(AuditEvent), newest(LegislativeMatter), newest(MatterAction), newest(MatterAttachment)
    )


def matters_written_since(mark: WriteMark, actor: Any) -> dict[int, list[int]]:
    """Matters created, or given new history rows or attachments, since the mark, or audited as the actor's
    writes since then (a corrected vote), by government id.

    New rows are found by id, so bulk writes that keep one audit event per run are found too.
    """
    from interlocal.audit.models import AuditEvent

    matter_ids = set(LegislativeMatter.objects.filter(pk__gt=mark.matter).values_list("pk", flat=True))
    matter_ids.update(MatterAction.objects.filter(pk__gt=mark.action).values_list("matter_id", flat=True))
    matter_ids.update(
        MatterAttachment.objects.filter(pk__gt=mark.attachment).values_list("matter_id", flat=True)
    )
    audited: dict[str, set[int]] = {}
    events = AuditEvent.objects.filter(
        pk__gt=mark.event,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        model__in=[m._meta.label_lower for m in (LegislativeMatter, MatterAction, MatterAttachment)],
    ).values_list("model", "object_id")
    for label, object_id in events.iterator():
        audited.setdefault(label, set()).add(int(object_id))
    matter_ids |= audited.get(LegislativeMatter._meta.label_lower, set())
    for child in (MatterAction, MatterAttachment):
        ids = sorted(audited.get(child._meta.label_lower, ()))
        for start in range(0, len(ids), 500):
            part = child.objects.filter(pk__in=ids[start : start + 500]).values_list("matter_id", flat=True)
            matter_ids.update(part)
    by_government: dict[int, list[int]] = {}
    ordered = sorted(matter_ids)
    for start in range(0, len(ordered), 500):
        found = LegislativeMatter.objects.filter(pk__in=ordered[start : start + 500])
        for pk, government_id in found.values_list("pk", "government_id"):
            by_government.setdefault(government_id, []).append(pk)
    return by_government
