"""Agreements, the council legislation that adopts them, and adoptions linking the two."""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

from interlocal.conflicts import Versioned
from interlocal.vocab import AgreementKind, ProposalStatus, VersionKind

if TYPE_CHECKING:
    from interlocal.governments.models import Government


_absolute_url = URLValidator(schemes=["http", "https"])


def validate_legistar_link(value: str) -> None:
    """An http(s) URL, or a link relative to its Legistar page (View.ashx?M=F&ID=...) kept as written.

    Saved Legistar pages link their documents relatively; when the importer does not know the page's
    address (no --base-url, --client or saved-from comment) it keeps the link rather than refuse the record.
    """
    if urlsplit(value).scheme:
        _absolute_url(value)
    elif value.startswith("//") or re.search(r"[\s\x00-\x1f<>\"]", value):
        raise ValidationError(
            "Enter an http(s) URL or a link relative to the Legistar page, such as View.ashx?M=F&ID=1.",
            code="invalid",
        )


def is_absolute_link(value: str) -> bool:
    """True for an http(s) URL; relative Legistar links cannot be followed from the portal."""
    return urlsplit(value).scheme in ("http", "https")


class Agreement(Versioned):
    """A statement of purpose, MOU, interlocal agreement or contract among governments."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # Agreements are legal records of the collaborative.
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text="The collaborative the agreement serves.",
    )
    kind = models.CharField(max_length=40, choices=AgreementKind.choices, help_text="What sort of agreement.")
    title = models.CharField(max_length=300, help_text="The agreement's title.")
    summary = models.TextField(blank=True, help_text="What it commits the parties to (Markdown).")
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        blank=True,
        related_name="agreements",
        help_text="The initiatives this agreement puts in place.",
    )
    is_published = models.BooleanField(default=False, help_text="Shown on the public portal.")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(Versioned):
    """One text of an agreement: the original, a renewal, an amendment or an expansion."""

    agreement = models.ForeignKey(
        Agreement,
        # A version is a legal record; it keeps its agreement.
        on_delete=models.PROTECT,
        related_name="versions",
        help_text="The agreement this is a version of.",
    )
    number = models.PositiveSmallIntegerField(help_text="1 for the original, then 2, 3, ...")
    kind = models.CharField(max_length=32, choices=VersionKind.choices, help_text="Why this version exists.")
    title = models.CharField(max_length=300, help_text="The version's own title.")
    text = models.TextField(blank=True, help_text="The adopted text (Markdown).")
    effective_on = models.DateField(null=True, blank=True, help_text="When the version takes effect.")
    term_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Length of the term in months; empty for open-ended."
    )
    renewal_on = models.DateField(null=True, blank=True, help_text="When the version must be renewed.")
    notice_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days before renewal by which a party must give notice to withdraw."
    )
    adoption_due_on = models.DateField(
        null=True, blank=True, help_text="When every party should have adopted; later is overdue."
    )
    cost_sharing_method = models.CharField(
        max_length=200,
        blank=True,
        help_text="How costs are split, e.g. 54% calls, 23% value, 23% population.",
    )
    performance_standards = models.TextField(blank=True, help_text="Service levels the parties commit to.")
    exit_terms = models.TextField(blank=True, help_text="How a party may leave and what it owes.")
    in_force_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last party's adoption was recorded here; empty while any party has not adopted. "
        "The legal date is 'in force from'.",
    )
    in_force_from = models.DateField(
        null=True,
        blank=True,
        help_text="The later of the effective date and the last party's vote; empty while any party has not "
        "adopted.",
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A version that replaced another is part of that one's legal history.
        on_delete=models.PROTECT,
        related_name="supersedes",
        help_text="The later version whose coming into force ended this one.",
    )
    superseded_on = models.DateField(
        null=True, blank=True, help_text="When the later version came into force and this one ceased."
    )
    parties: models.ManyToManyField[Government, AgreementParty] = models.ManyToManyField(
        "governments.Government",
        through="AgreementParty",
        related_name="agreement_versions",
        help_text="Governments that must adopt this version.",
    )

    class Meta:
        ordering = ["agreement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    @property
    def is_adopted(self) -> bool:
        """Whether every party has adopted this version."""
        return self.in_force_from is not None

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the version is in force on a day: adopted, effective and not yet superseded."""
        if self.in_force_from is None or day < self.in_force_from:
            return False
        return self.superseded_on is None or day < self.superseded_on

    @property
    def is_in_force(self) -> bool:
        """Whether the version is in force today."""
        return self.in_force_on(timezone.localdate())

    @property
    def notice_opens_on(self) -> dt.date | None:
        """The last day a party can give notice before renewal."""
        if self.renewal_on is None or self.notice_days is None:
            return None
        return self.renewal_on - dt.timedelta(days=self.notice_days)


class AgreementParty(Versioned):
    """A government that is a party to an agreement version."""

    version = models.ForeignKey(
        AgreementVersion,
        # Parties are part of the version's legal record.
        on_delete=models.PROTECT,
        related_name="party_rows",
        help_text="The agreement version.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # A party to an agreement stays on record.
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        help_text="The party.",
    )
    expected_file_number = models.CharField(
        max_length=80,
        blank=True,
        help_text="The file number of the council matter the coordinator expects to adopt this version "
        "(e.g. RES. NO. 24-11); a matter with it is proposed as the party's adoption.",
    )

    class Meta:
        ordering = ["government__name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "government"], name="agreement_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.government} to {self.version}"


class AgreementDocument(Versioned):
    """A document of an agreement version: the signed text, an exhibit."""

    version = models.ForeignKey(
        AgreementVersion,
        # Documents belong to the legal record of their version.
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="The agreement version the document belongs to.",
    )
    title = models.CharField(max_length=300, help_text="What the document is.")
    url = models.URLField(blank=True, help_text="Where the document is published.")

    def __str__(self) -> str:
        return self.title


class LegislativeMatter(Versioned):
    """A council's legislative matter, with Legistar's field names."""

    government = models.ForeignKey(
        "governments.Government",
        # Legislation is a legal record of its government.
        on_delete=models.PROTECT,
        related_name="matters",
        help_text="The government whose body considers the matter.",
    )
    client = models.CharField(
        max_length=80, blank=True, help_text="Legistar client name (the web API's {client}), if any."
    )
    matter_id = models.BigIntegerField(null=True, blank=True, help_text="Legistar MatterId.")
    file_number = models.CharField(max_length=80, help_text="Legistar MatterFile, e.g. RES. NO. 21-08.")
    name = models.CharField(max_length=300, blank=True, help_text="Legistar MatterName.")
    type_name = models.CharField(max_length=80, blank=True, help_text="Legistar MatterTypeName.")
    status_name = models.CharField(max_length=80, blank=True, help_text="Legistar MatterStatusName.")
    title = models.TextField(help_text="Legistar MatterTitle.")
    body_name = models.CharField(
        max_length=200, blank=True, help_text="Legistar MatterBodyName: the body in control."
    )
    intro_date = models.DateField(null=True, blank=True, help_text="Legistar MatterIntroDate: file created.")
    agenda_date = models.DateField(null=True, blank=True, help_text="Legistar MatterAgendaDate: on agenda.")
    passed_date = models.DateField(
        null=True, blank=True, help_text="Legistar MatterPassedDate: final action."
    )
    enactment_number = models.CharField(
        max_length=80, blank=True, help_text="Legistar MatterEnactmentNumber."
    )
    enactment_date = models.DateField(null=True, blank=True, help_text="Legistar MatterEnactmentDate.")
    detail_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The matter's LegislationDetail.aspx page on its Legistar site, from a list or detail page.",
    )
    version = models.CharField(max_length=20, blank=True, help_text="Legistar MatterVersion of the text.")
    sponsors = models.JSONField(default=list, blank=True, help_text="Legistar MatterSponsorName values.")
    indexes = models.JSONField(default=list, blank=True, help_text="Legistar MatterIndexName values.")
    code_sections = models.TextField(blank=True, help_text="Legistar code sections.")
    text = models.TextField(
        blank=True, help_text="Legistar MatterText: the full text, as Markdown (headings, paragraphs, lists)."
    )
    is_published = models.BooleanField(default=True, help_text="Shown on the public portal.")

    class Meta:
        ordering = ["-intro_date", "file_number"]
        constraints = [
            models.UniqueConstraint(fields=["government", "file_number"], name="matter_file_unique")
        ]

    def __str__(self) -> str:
        return self.file_number


class MatterAttachment(Versioned):
    """A Legistar MatterAttachment."""

    matter = models.ForeignKey(
        LegislativeMatter,
        # Attachments are part of the matter's legal record.
        on_delete=models.PROTECT,
        related_name="attachments",
        help_text="The matter.",
    )
    name = models.CharField(max_length=300, help_text="Legistar MatterAttachmentName.")
    url = models.CharField(
        blank=True,
        max_length=500,
        validators=[validate_legistar_link],
        help_text="Legistar MatterAttachmentHyperlink: absolute, or relative to the Legistar page it came from.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order as Legistar lists them.")
    file_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="Legistar MatterAttachmentFileName: the file's name; empty when there is no file.",
    )
    # In the database rather than on disk, so backups and restores carry the files with the record.
    content = models.BinaryField(
        blank=True, default=b"", help_text="Legistar MatterAttachmentBinary: the file's bytes."
    )
    note = models.CharField(
        max_length=500,
        blank=True,
        help_text="What the file is when it is not the council's own document (e.g. a generated rendition).",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def href(self) -> str:
        """The link the portal can follow: the URL when absolute, "" for a relative one."""
        return self.url if is_absolute_link(self.url) else ""

    @property
    def content_type(self) -> str:
        """The file's media type, from its name."""
        kind = mimetypes.guess_type(self.file_name)[0] or "application/octet-stream"
        return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


class MatterAction(Versioned):
    """A row of a matter's action history (Legistar MatterHistory)."""

    matter = models.ForeignKey(
        LegislativeMatter,
        # The action history is part of the matter's legal record.
        on_delete=models.PROTECT,
        related_name="actions",
        help_text="The matter acted on.",
    )
    action_date = models.DateField(help_text="Legistar MatterHistoryActionDate.")
    version = models.CharField(max_length=20, blank=True, help_text="Legistar MatterHistoryVersion.")
    action_body_name = models.CharField(
        max_length=200, blank=True, help_text="Legistar MatterHistoryActionBodyName: action by."
    )
    action_name = models.CharField(max_length=200, help_text="Legistar MatterHistoryActionName.")
    passed_flag_name = models.CharField(
        max_length=40, blank=True, help_text="Legistar MatterHistoryPassedFlagName: the result, e.g. Pass."
    )
    tally = models.CharField(max_length=40, blank=True, help_text="Legistar MatterHistoryTally, e.g. 8:0.")
    mover_name = models.CharField(max_length=200, blank=True, help_text="Legistar MatterHistoryMoverName.")
    seconder_name = models.CharField(
        max_length=200, blank=True, help_text="Legistar MatterHistorySeconderName."
    )
    sequence = models.PositiveSmallIntegerField(default=0, help_text="Order among actions of the same date.")
    details_url = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_legistar_link],
        help_text='The row\'s Legistar HistoryDetail.aspx page ("Action details"), absolute or as the page gave it.',
    )

    class Meta:
        ordering = ["action_date", "sequence", "id"]

    def __str__(self) -> str:
        return f"{self.action_date} {self.action_name}"


class Adoption(models.Model):
    """A party's adoption of an agreement version by a legislative matter."""

    version = models.ForeignKey(
        AgreementVersion,
        # An adoption is a legal record; the version cannot disappear under it.
        on_delete=models.PROTECT,
        related_name="adoptions",
        help_text="The agreement version adopted.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # The adopting government stays on record.
        on_delete=models.PROTECT,
        related_name="adoptions",
        help_text="The party that adopted.",
    )
    matter = models.ForeignKey(
        LegislativeMatter,
        # The legislation that adopted the agreement is a legal record.
        on_delete=models.PROTECT,
        related_name="adoptions",
        help_text="The resolution or ordinance that adopted it.",
    )
    adopted_on = models.DateField(help_text="Date of the council's vote.")

    class Meta:
        ordering = ["adopted_on"]
        constraints = [
            models.UniqueConstraint(fields=["version", "government"], name="adoption_once_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.government} adopted {self.version} on {self.adopted_on}"


class AdoptionProposal(Versioned):
    """A matter of a party's council that looks like its adoption of a version, waiting for a person to decide."""

    version = models.ForeignKey(
        AgreementVersion,
        # A decided proposal is the record of why an adoption was recorded; the version stays.
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="The agreement version awaiting the party's adoption.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # The party stays on record with the proposals about it.
        on_delete=models.PROTECT,
        related_name="adoption_proposals",
        help_text="The party whose council's matter it is.",
    )
    matter = models.ForeignKey(
        LegislativeMatter,
        # The matter is the evidence; legislation is a legal record and is never deleted.
        on_delete=models.PROTECT,
        related_name="adoption_proposals",
        help_text="The council matter that may adopt the version.",
    )
    action = models.ForeignKey(
        MatterAction,
        null=True,
        blank=True,
        # The action row is the vote that adopted it; history rows are legal records and stay.
        on_delete=models.PROTECT,
        related_name="adoption_proposals",
        help_text="The row of the matter's history that is the adoption (a final action that passed).",
    )
    adopted_on = models.DateField(null=True, blank=True, help_text="The date of that vote.")
    evidence = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why the engine proposed it: its reasons, weights and the action row.",
    )
    score = models.PositiveSmallIntegerField(default=0, help_text="The matching engine's score, 0 to 100.")
    engine_version = models.CharField(max_length=40, help_text="The matching engine that scored it.")
    status = models.CharField(
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
        help_text="Proposed until a person confirms (recording the adoption) or dismisses it.",
    )
    decided_by = models.ForeignKey(
        "governments.Person",
        null=True,
        blank=True,
        # Who decided stays on record even if their account is retired (accounts are deactivated, not deleted).
        on_delete=models.PROTECT,
        related_name="adoption_decisions",
        help_text="The person who confirmed or dismissed it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was confirmed or dismissed.")
    adoption = models.OneToOneField(
        Adoption,
        null=True,
        blank=True,
        # The adoption its confirmation recorded; adoptions are legal records and stay.
        on_delete=models.PROTECT,
        related_name="proposal",
        help_text="The adoption recorded when it was confirmed.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was first proposed.")

    class Meta:
        ordering = ["-adopted_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "government", "matter"], name="adoption_proposal_once_per_matter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter} may adopt {self.version} for {self.government}"

    @property
    def agreement(self) -> Agreement:
        """The agreement, so permission checks find the collaborative."""
        return self.version.agreement
