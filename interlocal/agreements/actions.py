"""Writes to agreements, legislative matters and adoptions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from interlocal import access
from interlocal.agreements import matching
from interlocal.agreements.models import (
    Adoption,
    AdoptionProposal,
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementVersion,
    LegislativeMatter,
    MatterAction,
    MatterAttachment,
)
from interlocal.agreements.queries import WriteMark
from interlocal.audit.actions import apply_changes, audit_record, snapshot
from interlocal.collaboratives.models import Collaborative
from interlocal.conflicts import apply_versioned, bump, lock_current
from interlocal.governments.models import Government, Person
from interlocal.vocab import ProposalStatus

_MATTER_FIELDS = [
    "client",
    "matter_id",
    "file_number",
    "name",
    "type_name",
    "status_name",
    "title",
    "body_name",
    "intro_date",
    "agenda_date",
    "passed_date",
    "enactment_number",
    "enactment_date",
    "version",
    "sponsors",
    "indexes",
    "code_sections",
    "text",
    "is_published",
    "detail_url",
]


@transaction.atomic
def agreement_create(
    *,
    acting_user: Person,
    collaborative: Collaborative,
    kind: str,
    title: str,
    summary: str = "",
    is_published: bool = False,
) -> Agreement:
    """Create an agreement (its texts come as versions)."""
    access.require(
        acting_user, "agreements.add_agreement", collaborative, "Only coordinators draft agreements."
    )
    agreement = Agreement(
        collaborative=collaborative, kind=kind, title=title, summary=summary, is_published=is_published
    )
    agreement.full_clean()
    agreement.save()
    audit_record(
        acting_user=acting_user,
        verb="agreement_create",
        obj=agreement,
        changes=snapshot(agreement, ["kind", "title", "is_published"]),
    )
    return agreement


@transaction.atomic
def agreement_version_create(
    *,
    acting_user: Person,
    agreement: Agreement,
    kind: str,
    title: str,
    parties: Sequence[Government],
    text: str = "",
    effective_on: dt.date | None = None,
    term_months: int | None = None,
    renewal_on: dt.date | None = None,
    documents: Sequence[tuple[str, str]] = (),
    **terms: Any,
) -> AgreementVersion:
    """Add the next version of an agreement with the parties who must adopt it."""
    access.require(
        acting_user, "agreements.add_agreementversion", agreement, "Only coordinators draft agreements."
    )
    if not parties:
        raise ValidationError("An agreement version needs at least one party.")
    members = access.current_member_ids(agreement.collaborative)
    # Naming a government as a party needs its consent: an accepted, current membership.
    strangers = sorted(g.name for g in parties if g.pk not in members)
    if strangers:
        raise ValidationError(f"Not current members of {agreement.collaborative}: {', '.join(strangers)}.")
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = AgreementVersion(
        agreement=agreement,
        number=number,
        kind=kind,
        title=title,
        text=text,
        effective_on=effective_on,
        term_months=term_months,
        renewal_on=renewal_on,
        **terms,
    )
    version.full_clean()
    version.save()
    AgreementParty.objects.bulk_create(AgreementParty(version=version, government=g) for g in parties)
    AgreementDocument.objects.bulk_create(
        AgreementDocument(version=version, title=doc_title, url=url) for doc_title, url in documents
    )
    audit_record(
        acting_user=acting_user,
        verb="agreement_version_create",
        obj=version,
        changes={
            **snapshot(
                version, ["number", "kind", "title", "effective_on", "term_months", "renewal_on", *terms]
            ),
            "parties": (None, sorted(g.name for g in parties)),
        },
    )
    return version


@transaction.atomic
def agreement_adopt(
    *,
    acting_user: Person,
    version: AgreementVersion,
    government: Government,
    matter: LegislativeMatter,
    adopted_on: dt.date,
) -> Adoption:
    """Record a party's adoption; the version comes into force when the last party adopts."""
    access.require(
        acting_user, "agreements.add_adoption", government, "Only the party's own staff record its adoption."
    )
    return _record_adoption(
        acting_user=acting_user, version=version, government=government, matter=matter, adopted_on=adopted_on
    )


def _record_adoption(
    *,
    acting_user: Person,
    version: AgreementVersion,
    government: Government,
    matter: LegislativeMatter,
    adopted_on: dt.date,
) -> Adoption:
    # The one path to an adoption, after the caller's permission check (a clerk's, or a confirmed proposal's).
    # Lock the version so two clerks adopting at once cannot both miss being last.
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if not version.party_rows.filter(government=government).exists():
        raise ValidationError(f"{government} is not a party to {version}.")
    if matter.government_id != government.pk:
        raise ValidationError(f"{matter} is legislation of {matter.government}, not of {government}.")
    if version.adoptions.filter(government=government).exists():
        raise ValidationError(f"{government} has already adopted {version}.")
    adoption = Adoption.objects.create(
        version=version, government=government, matter=matter, adopted_on=adopted_on
    )
    public = version.agreement.is_published
    collab = version.agreement.collaborative
    audit_record(
        acting_user=acting_user,
        verb="agreement_adopt",
        obj=adoption,
        changes=snapshot(adoption, ["version", "government", "matter", "adopted_on"]),
        collaborative=collab,
        government=government,
        is_public=public,
    )
    missing = version.party_rows.exclude(government__adoptions__version=version)
    if not missing.exists() and version.in_force_from is None:
        _come_into_force(acting_user, version)
    return adoption


def _in_force_from(effective_on: dt.date | None, vote_dates: Sequence[dt.date]) -> dt.date:
    """The day a fully adopted version comes into force: the later of its effective date and the last vote."""
    return max([*vote_dates, *([effective_on] if effective_on else [])])


def _come_into_force(acting_user: Person, version: AgreementVersion) -> None:
    # The last party has adopted: date the version from the record, not from the clock, and retire earlier texts.
    public = version.agreement.is_published
    collab = version.agreement.collaborative
    votes = list(version.adoptions.values_list("adopted_on", flat=True))
    version.in_force_from = _in_force_from(version.effective_on, votes)
    version.in_force_at = timezone.now()
    # A later version already in force (adopted out of order) supersedes this one at once.
    later = (
        version.agreement.versions.filter(number__gt=version.number, in_force_from__isnull=False)
        .order_by("number")
        .first()
    )
    if later is not None:
        version.superseded_by, version.superseded_on = later, later.in_force_from
    bump(version)
    version.save(
        update_fields=["in_force_from", "in_force_at", "superseded_by", "superseded_on", "lock_version"]
    )
    audit_record(
        acting_user=acting_user,
        verb="agreement_version_in_force",
        obj=version,
        changes={"in_force_from": (None, version.in_force_from)},
        collaborative=collab,
        is_public=public,
    )
    earlier = version.agreement.versions.select_for_update().filter(
        number__lt=version.number, in_force_from__isnull=False, superseded_by__isnull=True
    )
    for old in earlier:
        old.superseded_by, old.superseded_on = version, version.in_force_from
        bump(old)
        old.save(update_fields=["superseded_by", "superseded_on", "lock_version"])
        audit_record(
            acting_user=acting_user,
            verb="agreement_version_supersede",
            obj=old,
            changes={
                "superseded_by": (None, str(version)),
                "superseded_on": (None, version.in_force_from),
            },
            collaborative=collab,
            is_public=public,
        )


@transaction.atomic
def matter_create(
    *,
    acting_user: Person,
    government: Government,
    file_number: str,
    title: str,
    attachments: Sequence[tuple[str, str]] = (),
    **fields: Any,
) -> LegislativeMatter:
    """Record a council's legislative matter."""
    access.require(
        acting_user,
        "agreements.add_legislativematter",
        government,
        "You may not record this council's matters.",
    )
    unknown = set(fields) - set(_MATTER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown matter fields: {', '.join(sorted(unknown))}")
    matter = LegislativeMatter(government=government, file_number=file_number, title=title, **fields)
    matter.full_clean()
    matter.save()
    MatterAttachment.objects.bulk_create(
        MatterAttachment(matter=matter, name=name, url=url, position=i)
        for i, (name, url) in enumerate(attachments)
    )
    audit_record(
        acting_user=acting_user,
        verb="matter_create",
        obj=matter,
        government=government,
        is_public=matter.is_published,
        changes={
            **snapshot(matter, ["file_number", "title", *fields]),
            "attachments": (None, [name for name, _ in attachments]),
        },
    )
    return matter


@transaction.atomic
def matter_update(
    *, acting_user: Person, matter: LegislativeMatter, expected_version: int | None = None, **fields: Any
) -> LegislativeMatter:
    """Change a matter's fields; expected_version is the version the editor started from."""
    access.require(
        acting_user, "agreements.change_legislativematter", matter, "You may not edit this matter."
    )
    unknown = set(fields) - set(_MATTER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown matter fields: {', '.join(sorted(unknown))}")
    changes = apply_versioned(matter, fields, expected_version=expected_version)
    if changes:
        matter.full_clean()
        matter.save()
        audit_record(acting_user=acting_user, verb="matter_update", obj=matter, changes=changes)
    return matter


@transaction.atomic
def matter_action_add(
    *,
    acting_user: Person,
    matter: LegislativeMatter,
    action_date: dt.date,
    action_name: str,
    version: str = "",
    action_body_name: str = "",
    passed_flag_name: str = "",
    tally: str = "",
    mover_name: str = "",
    seconder_name: str = "",
    details_url: str = "",
) -> MatterAction:
    """Append a row to a matter's action history."""
    access.require(
        acting_user, "agreements.change_legislativematter", matter, "You may not edit this matter."
    )
    sequence = matter.actions.filter(action_date=action_date).count()
    action = MatterAction(
        matter=matter,
        action_date=action_date,
        action_name=action_name,
        version=version,
        action_body_name=action_body_name,
        passed_flag_name=passed_flag_name,
        tally=tally,
        mover_name=mover_name,
        seconder_name=seconder_name,
        details_url=details_url,
        sequence=sequence,
    )
    action.full_clean()
    action.save()
    audit_record(
        acting_user=acting_user,
        verb="matter_action_add",
        obj=action,
        changes=snapshot(
            action, ["action_date", "version", "action_body_name", "action_name", "passed_flag_name"]
        ),
    )
    return action


_ACTION_FIELDS = [
    "version",
    "action_body_name",
    "passed_flag_name",
    "tally",
    "mover_name",
    "seconder_name",
    "details_url",
]


@transaction.atomic
def matter_action_update(
    *, acting_user: Person, action: MatterAction, expected_version: int | None = None, **fields: Any
) -> MatterAction:
    """Correct a row of a matter's action history (e.g. its result, when a re-import says otherwise)."""
    access.require(
        acting_user, "agreements.change_legislativematter", action.matter, "You may not edit this matter."
    )
    unknown = set(fields) - set(_ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown matter action fields: {', '.join(sorted(unknown))}")
    changes = apply_versioned(action, fields, expected_version=expected_version)
    if changes:
        action.full_clean()
        action.save()
        audit_record(acting_user=acting_user, verb="matter_action_update", obj=action, changes=changes)
    return action


# Council packets run to tens of megabytes; anything larger belongs behind a link.
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


def _describe_file(content: bytes) -> str:
    # The audit log records which file, not its bytes.
    return f"{len(content)} bytes, sha256 {hashlib.sha256(content).hexdigest()}" if content else ""


def _check_file(file_name: str, content: bytes) -> None:
    if bool(file_name) != bool(content):
        raise ValidationError({"content": "A file needs both a name and its contents."})
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"content": f"The file is larger than {MAX_ATTACHMENT_BYTES // 2**20} MB."})


@transaction.atomic
def matter_attachment_add(
    *,
    acting_user: Person,
    matter: LegislativeMatter,
    name: str,
    url: str = "",
    position: int | None = None,
    file_name: str = "",
    content: bytes = b"",
    note: str = "",
) -> MatterAttachment:
    """Attach a document to a matter (last unless a position is given), as a link, a file or both."""
    access.require(
        acting_user, "agreements.change_legislativematter", matter, "You may not edit this matter."
    )
    _check_file(file_name, content)
    if position is None:
        position = matter.attachments.count()
    attachment = MatterAttachment(
        matter=matter, name=name, url=url, position=position, file_name=file_name, content=content, note=note
    )
    attachment.full_clean()
    attachment.save()
    audit_record(
        acting_user=acting_user,
        verb="matter_attachment_add",
        obj=attachment,
        changes={
            **snapshot(attachment, ["matter", "name", "url", "position", "file_name", "note"]),
            "content": (None, _describe_file(content)),
        },
    )
    return attachment


@transaction.atomic
def matter_attachment_update(
    *, acting_user: Person, attachment: MatterAttachment, expected_version: int | None = None, **fields: Any
) -> MatterAttachment:
    """Change an attachment's name, link, position, file or note."""
    access.require(
        acting_user, "agreements.change_legislativematter", attachment.matter, "You may not edit this matter."
    )
    unknown = set(fields) - {"name", "url", "position", "file_name", "content", "note"}
    if unknown:
        raise TypeError(f"Unknown attachment fields: {', '.join(sorted(unknown))}")
    if "content" in fields:
        fields["content"] = bytes(fields["content"])
    lock_current(attachment, expected_version=expected_version, submitted=fields)
    before = bytes(attachment.content)
    changes = apply_changes(attachment, fields)
    if changes:
        bump(attachment)
    if "content" in changes:
        changes["content"] = (_describe_file(before), _describe_file(fields["content"]))
    if changes:
        _check_file(attachment.file_name, bytes(attachment.content))
        attachment.full_clean()
        attachment.save()
        audit_record(
            acting_user=acting_user, verb="matter_attachment_update", obj=attachment, changes=changes
        )
    return attachment


@transaction.atomic
def agreement_link_initiatives(
    *,
    acting_user: Person,
    agreement: Agreement,
    initiatives: Sequence[Any],
    expected_version: int | None = None,
) -> Agreement:
    """Say which initiatives an agreement puts in place (the approval gate looks for it)."""
    access.require(
        acting_user, "agreements.change_agreement", agreement, "Only coordinators link agreements."
    )
    lock_current(agreement, expected_version=expected_version, submitted={"initiatives": initiatives})
    others = sorted(str(i) for i in initiatives if i.collaborative_id != agreement.collaborative_id)
    if others:
        raise ValidationError(f"Initiatives of another collaborative: {', '.join(others)}.")
    before = sorted(str(i) for i in agreement.initiatives.all())
    agreement.initiatives.set(initiatives)
    after = sorted(str(i) for i in initiatives)
    if before != after:
        bump(agreement)
        agreement.save(update_fields=["lock_version"])
        audit_record(
            acting_user=acting_user,
            verb="agreement_link_initiatives",
            obj=agreement,
            changes={"initiatives": (before, after)},
            collaborative=agreement.collaborative,
            is_public=agreement.is_published,
        )
    return agreement


def adoption_check(*, version: AgreementVersion, government: Government, matter: LegislativeMatter) -> None:
    """Raise a ValidationError keyed by field when this adoption cannot be recorded."""
    problems: dict[str, str] = {}
    if not version.party_rows.filter(government=government).exists():
        problems["government"] = f"{government} is not a party to {version}."
    elif version.adoptions.filter(government=government).exists():
        problems["government"] = f"{government} has already adopted {version}."
    if matter.government_id != government.pk:
        problems["matter"] = f"{matter} is legislation of {matter.government}, not of {government}."
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def adoption_record(
    *,
    acting_user: Person,
    version: AgreementVersion,
    government: Government,
    adopted_on: dt.date,
    matter: LegislativeMatter | None = None,
    new_matter: dict[str, Any] | None = None,
) -> Adoption:
    """Record a council's adoption by one of its matters, or by a new matter entered with it."""
    access.require(
        acting_user, "agreements.add_adoption", government, "Only the party's own staff record its adoption."
    )
    if (matter is None) == (new_matter is None):
        raise ValidationError({"matter": "Choose one of the council's matters, or enter a new one."})
    if matter is None:
        matter = matter_create(acting_user=acting_user, government=government, **(new_matter or {}))
    adoption_check(version=version, government=government, matter=matter)
    return agreement_adopt(
        acting_user=acting_user, version=version, government=government, matter=matter, adopted_on=adopted_on
    )


# --- adoptions found in council legislation (issue 10) ---------------------------------------------------------

# Matters are matched in slices so a 50,000-matter import reads a bounded number of rows at a time.
_MATCH_CHUNK = 500


def _version_facts(party: AgreementParty) -> matching.VersionFacts:
    version = party.version
    return matching.VersionFacts(
        agreement_title=version.agreement.title,
        version_title=version.title,
        version_label=f"v{version.number}",
        document_titles=tuple(d.title for d in version.documents.all()),
        expected_file_numbers=(party.expected_file_number,) if party.expected_file_number else (),
    )


def _matter_facts(matter: LegislativeMatter) -> matching.MatterFacts:
    return matching.MatterFacts(
        file_number=matter.file_number,
        title=matter.title,
        type_name=matter.type_name,
        name=matter.name,
        indexes=tuple(matter.indexes or ()),
        attachment_names=tuple(a.name for a in matter.attachments.all()),
        actions=tuple(
            matching.ActionRow(
                key=a.pk,
                action_date=a.action_date,
                action_name=a.action_name,
                result=a.passed_flag_name,
                tally=a.tally,
                body=a.action_body_name,
            )
            for a in matter.actions.all()
        ),
    )


def awaiting_parties(government: Government) -> list[AgreementParty]:
    """The government's party rows of versions it has not adopted, not yet in force and not superseded."""
    return list(
        AgreementParty.objects.filter(
            government=government, version__in_force_from__isnull=True, version__superseded_by__isnull=True
        )
        .exclude(version__adoptions__government=government)
        .select_related("version__agreement__collaborative", "government")
        .prefetch_related("version__documents")
    )


@transaction.atomic
def propose_adoptions(
    *, acting_user: Person, government: Government, matter_ids: Sequence[int]
) -> list[AdoptionProposal]:
    """Match a government's newly written matters against the versions awaiting its adoption.

    Called by the Legistar imports and the sync after they commit matters. It proposes, it never adopts: a
    person confirms each proposal (adoption_proposal_confirm) or dismisses it, and a decided one is never
    proposed again. Returns the proposals created or re-scored.
    """
    access.require(
        acting_user,
        "agreements.add_adoptionproposal",
        government,
        "Only staff who keep this council's legislation have it matched.",
    )
    return _propose(acting_user, government, matter_ids)


def propose_for_written(
    *, acting_user: Person, mark: WriteMark
) -> list[tuple[Government, list[AdoptionProposal]]]:
    """Match every matter written since the mark (queries.write_mark), per government: the one hook that imports
    and the Legistar sync call once their writes are committed.

    Governments whose legislation the user may not have matched (matters others wrote meanwhile) are left to
    their own imports.
    """
    from interlocal.agreements.queries import matters_written_since

    by_government = matters_written_since(mark, acting_user)
    answers: list[tuple[Government, list[AdoptionProposal]]] = []
    for government in Government.objects.filter(pk__in=by_government).order_by("name"):
        if acting_user.has_perm("agreements.add_adoptionproposal", government):
            found = propose_adoptions(
                acting_user=acting_user, government=government, matter_ids=by_government[government.pk]
            )
            answers.append((government, found))
    return answers


def _propose(
    acting_user: Person, government: Government, matter_ids: Sequence[int]
) -> list[AdoptionProposal]:
    parties = awaiting_parties(government)
    ids = sorted(set(matter_ids))
    if not parties or not ids:
        return []
    facts = [(p, _version_facts(p)) for p in parties]
    written: list[AdoptionProposal] = []
    for start in range(0, len(ids), _MATCH_CHUNK):
        chunk = ids[start : start + _MATCH_CHUNK]
        matters = LegislativeMatter.objects.filter(government=government, pk__in=chunk).prefetch_related(
            "actions", Prefetch("attachments", queryset=MatterAttachment.objects.defer("content"))
        )
        known = {
            (p.version_id, p.matter_id): p
            for p in AdoptionProposal.objects.filter(government=government, matter_id__in=chunk)
        }
        for matter in matters:
            matter_facts = _matter_facts(matter)
            if matching.adoption_row(matter_facts.actions) is None:
                continue  # a matter that did not pass adopts nothing
            for party, version_facts in facts:
                found = matching.score(matter_facts, version_facts)
                if not found.is_proposal:
                    continue
                proposal = _proposal_write(
                    acting_user, party, matter, found, known.get((party.version_id, matter.pk))
                )
                if proposal is not None:
                    written.append(proposal)
    return written


def _proposal_write(
    acting_user: Person,
    party: AgreementParty,
    matter: LegislativeMatter,
    found: matching.Match,
    prior: AdoptionProposal | None,
) -> AdoptionProposal | None:
    values: dict[str, Any] = {
        "action_id": found.row.key if found.row else None,
        "adopted_on": found.adopted_on,
        "evidence": found.evidence_json(),
        "score": found.score,
        "engine_version": found.engine_version,
    }
    collab = party.version.agreement.collaborative
    if prior is None:
        proposal = AdoptionProposal(
            version=party.version, government=party.government, matter=matter, **values
        )
        proposal.full_clean()
        proposal.save()
        verb = "adoption_proposal_create"
        changes = snapshot(
            proposal, ["version", "government", "matter", "adopted_on", "score", "engine_version"]
        )
    elif prior.status != ProposalStatus.PROPOSED:
        return None  # confirmed or dismissed by a person: a re-import never brings it back
    else:
        changes = apply_changes(prior, values)
        changes.pop("evidence", None)  # the reasons are on the record; the score and row say what moved
        if not changes and prior.evidence == values["evidence"]:
            return None
        bump(prior)
        prior.save()
        proposal, verb = prior, "adoption_proposal_update"
    audit_record(
        acting_user=acting_user,
        verb=verb,
        obj=proposal,
        changes=changes,
        collaborative=collab,
        government=party.government,
    )
    return proposal


def _decidable(proposal: AdoptionProposal, expected_version: int | None) -> AdoptionProposal:
    lock_current(proposal, expected_version=expected_version)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(f"This proposal was already {proposal.get_status_display().lower()}.")
    return proposal


@transaction.atomic
def adoption_proposal_confirm(
    *, acting_user: Person, proposal: AdoptionProposal, expected_version: int | None = None
) -> Adoption:
    """A person confirms a found adoption: it is recorded as the party's adoption, dated by the vote.

    The version comes into force, exactly as when a clerk records it by hand, once the last party's is recorded.
    """
    access.require(
        acting_user,
        "agreements.confirm_adoptionproposal",
        proposal,
        "Only the party's own editors or the collaborative's coordinators confirm its adoption.",
    )
    proposal = _decidable(proposal, expected_version)
    if proposal.adopted_on is None:
        raise ValidationError("The proposal has no date of a vote; record the adoption by hand.")
    adoption_check(version=proposal.version, government=proposal.government, matter=proposal.matter)
    adoption = _record_adoption(
        acting_user=acting_user,
        version=proposal.version,
        government=proposal.government,
        matter=proposal.matter,
        adopted_on=proposal.adopted_on,
    )
    proposal.status = ProposalStatus.CONFIRMED
    proposal.decided_by = acting_user
    proposal.decided_at = timezone.now()
    proposal.adoption = adoption
    bump(proposal)
    proposal.save()
    audit_record(
        acting_user=acting_user,
        verb="adoption_proposal_confirm",
        obj=proposal,
        changes={
            "status": (ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED),
            "adoption": (None, str(adoption)),
        },
        collaborative=proposal.version.agreement.collaborative,
        government=proposal.government,
    )
    return adoption


@transaction.atomic
def adoption_proposal_dismiss(
    *, acting_user: Person, proposal: AdoptionProposal, expected_version: int | None = None, note: str = ""
) -> AdoptionProposal:
    """A person says the matter does not adopt the version; it is not proposed again."""
    access.require(
        acting_user,
        "agreements.dismiss_adoptionproposal",
        proposal,
        "Only the party's own editors or the collaborative's coordinators dismiss its proposals.",
    )
    proposal = _decidable(proposal, expected_version)
    proposal.status = ProposalStatus.DISMISSED
    proposal.decided_by = acting_user
    proposal.decided_at = timezone.now()
    bump(proposal)
    proposal.save()
    audit_record(
        acting_user=acting_user,
        verb="adoption_proposal_dismiss",
        obj=proposal,
        changes={"status": (ProposalStatus.PROPOSED, ProposalStatus.DISMISSED)},
        note=note,
        collaborative=proposal.version.agreement.collaborative,
        government=proposal.government,
    )
    return proposal


@transaction.atomic
def agreement_party_expect(
    *, acting_user: Person, party: AgreementParty, file_number: str, expected_version: int | None = None
) -> AgreementParty:
    """The coordinator names the council matter expected to adopt the version for a party (the explicit link).

    Matters of that government already on file with the number are matched at once.
    """
    access.require(
        acting_user,
        "agreements.change_agreementversion",
        party.version,
        "Only its coordinators say which matter is expected to adopt it.",
    )
    changes = apply_versioned(
        party, {"expected_file_number": file_number.strip()}, expected_version=expected_version
    )
    if not changes:
        return party
    party.full_clean()
    party.save()
    version = party.version
    audit_record(
        acting_user=acting_user,
        verb="agreement_party_expect",
        obj=party,
        changes=changes,
        collaborative=version.agreement.collaborative,
        government=party.government,
    )
    wanted = matching.normalize_file_number(party.expected_file_number)
    if wanted:
        # The number's longest run of digits finds the candidates; the loose comparison decides.
        digits = max(re.findall(r"\d+", party.expected_file_number), key=len, default="")
        mine = LegislativeMatter.objects.filter(government_id=party.government_id)
        mine = mine.filter(file_number__icontains=digits) if digits else mine
        ids = [
            pk
            for pk, number in mine.values_list("pk", "file_number").iterator()
            if matching.normalize_file_number(number) == wanted
        ]
        # The coordinator may not write the member's legislation; the link itself is their permission to match.
        _propose(acting_user, party.government, ids)
    return party
