"""Joint self-assessments: frameworks as data, rounds a collaborative's members answer, and their answers.

Confidentiality: a member's answers are read only through `queries.py`, which shows them to that member's
staff and the collaborative's coordinators, and publishes nothing else but k-guarded aggregates.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from interlocal.conflicts import Versioned
from interlocal.vocab import DeliveryMode, FrameworkKind, NodeKind, RoundMemberStatus, RoundStatus

# No aggregate is ever published over fewer members than this; a coordinator may raise a round's k, never lower it.
MIN_K = 3


class Scale(Versioned):
    """A maturity or need scale: ordered levels and the level members should reach."""

    key = models.SlugField(max_length=80, unique=True, help_text="Stable name of the scale, e.g. ncsr-7.")
    name = models.CharField(max_length=200, help_text="The scale's name as people read it.")
    description = models.TextField(blank=True, help_text="What the scale measures and where it comes from.")
    target_value = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text="The level members should reach (NCSR: 5, Risk Treated); empty for a scale without a target.",
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(Versioned):
    """One level of a scale."""

    scale = models.ForeignKey(
        Scale,
        # Levels are part of the scale; answers keep their numeric value.
        on_delete=models.CASCADE,
        related_name="levels",
        help_text="The scale.",
    )
    value = models.SmallIntegerField(help_text="The level's number, as answers store it (NCSR: 1 to 7).")
    name = models.CharField(max_length=120, help_text="The level's name, e.g. Risk Treated.")
    description = models.TextField(blank=True, help_text="What an organisation at this level has in place.")

    class Meta:
        ordering = ["scale", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="scale_level_unique_value")]

    def __str__(self) -> str:
        return f"{self.value} {self.name}"


class Framework(Versioned):
    """A versioned hierarchy of items to assess (function -> category -> item, or section -> question)."""

    key = models.SlugField(max_length=120, help_text="Stable name of the framework, e.g. nist-csf.")
    version = models.CharField(max_length=40, help_text="The framework's version, e.g. 2.0 or 1.0.0.")
    title = models.CharField(max_length=300, help_text="The framework's title.")
    kind = models.CharField(
        max_length=16, choices=FrameworkKind.choices, help_text="Cybersecurity review or training needs."
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the framework came from: built in, or the catalog file it was imported from.",
    )
    description = models.TextField(blank=True, help_text="What the framework is for (Markdown).")
    scale = models.ForeignKey(
        Scale,
        # A scale in use by a framework stays: answers are numbers on it.
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text="The scale items are answered on.",
    )

    class Meta:
        ordering = ["key", "version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="framework_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class FrameworkNode(Versioned):
    """A function, category, section or item of a framework; withdrawn ones stay on record, marked."""

    framework = models.ForeignKey(
        Framework,
        # A framework's nodes are its content; frameworks with rounds are never deleted (rounds protect them).
        on_delete=models.CASCADE,
        related_name="nodes",
        help_text="The framework.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A node answered in a round cannot lose its place in the hierarchy.
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The function, category or section this node belongs to; empty at the top.",
    )
    code = models.CharField(
        max_length=40, help_text='The node\'s id in the framework, e.g. "GV", "GV.OC", "GV.OC-01".'
    )
    title = models.CharField(max_length=300, help_text="A short title.")
    statement = models.TextField(blank=True, help_text="The full statement or question text.")
    kind = models.CharField(
        max_length=16, choices=NodeKind.choices, help_text="Function, category, section or item."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order among the framework's nodes.")
    withdrawn = models.BooleanField(
        default=False, help_text="Withdrawn from the framework: kept on record, no longer asked."
    )
    withdrawn_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why or how the node was withdrawn (e.g. incorporated into another).",
    )

    class Meta:
        ordering = ["framework", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="framework_node_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_item(self) -> bool:
        """Whether members answer this node."""
        return self.kind == NodeKind.ITEM


class Round(Versioned):
    """One assessment of a collaborative's members against a framework, e.g. the 2025 NCSR."""

    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        # A round is part of the collaborative's record.
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
        help_text="The collaborative whose members answer.",
    )
    framework = models.ForeignKey(
        Framework,
        # Answers refer to the framework's items: it cannot go while a round uses it.
        on_delete=models.PROTECT,
        related_name="rounds",
        help_text="The framework answered.",
    )
    title = models.CharField(max_length=200, help_text="The round's name, e.g. NCSR 2025.")
    description = models.TextField(
        blank=True, help_text="What the round is for and how to answer (Markdown)."
    )
    year = models.PositiveSmallIntegerField(help_text="The assessment year, for year-over-year comparison.")
    deadline = models.DateField(help_text="The day members should submit by.")
    status = models.CharField(
        max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN, help_text="Open or closed."
    )
    k = models.PositiveSmallIntegerField(
        default=MIN_K,
        validators=[MinValueValidator(MIN_K)],
        help_text="No aggregate is shown over fewer members than this (at least 3; it may only be raised).",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Who opened a round stays on record.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The coordinator who opened the round.",
    )
    opened_at = models.DateTimeField(help_text="When the round was opened.")
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the round was closed.")
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="The k-guarded aggregates computed when the round closed (heat map, common gaps).",
    )
    engine_version = models.CharField(
        max_length=20, blank=True, help_text="Version of the analysis engine that computed the summary."
    )

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(k__gte=MIN_K), name="round_k_at_least_3"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Whether members may still answer."""
        return self.status == RoundStatus.OPEN


class RoundMember(Versioned):
    """A government asked to answer a round, and where its answers stand."""

    round = models.ForeignKey(
        Round,
        # A member's place in a round is part of the round's record.
        on_delete=models.PROTECT,
        related_name="members",
        help_text="The round.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # A government that answered stays on record.
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
        help_text="The member government that answers.",
    )
    status = models.CharField(
        max_length=16,
        choices=RoundMemberStatus.choices,
        default=RoundMemberStatus.NOT_STARTED,
        help_text="Not started, draft, submitted, or reopened by the coordinator.",
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the answers were last submitted."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Who submitted stays on record.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last submitted the answers.",
    )
    reopen_reason = models.CharField(
        max_length=500, blank=True, help_text="Why the coordinator reopened the submission, if they did."
    )
    in_aggregate = models.BooleanField(
        default=False,
        help_text="Counted in the round's aggregates: fixed when the round closes (submitted members only).",
    )

    class Meta:
        ordering = ["round", "government__name"]
        constraints = [models.UniqueConstraint(fields=["round", "government"], name="round_member_unique")]

    def __str__(self) -> str:
        return f"{self.government} in {self.round}"

    @property
    def collaborative(self) -> Any:
        """The round's collaborative (for the permission predicates)."""
        return self.round.collaborative

    @property
    def is_submitted(self) -> bool:
        """Whether the answers are submitted."""
        return self.status == RoundMemberStatus.SUBMITTED


class Answer(Versioned):
    """One member's answer to one item: its level, evidence and, for training needs, head-count and delivery."""

    round_member = models.ForeignKey(
        RoundMember,
        # Answers are the member's record of the round.
        on_delete=models.PROTECT,
        related_name="answers",
        help_text="The member answering.",
    )
    item = models.ForeignKey(
        FrameworkNode,
        # An answered item cannot be deleted; withdrawing marks it instead.
        on_delete=models.PROTECT,
        related_name="answers",
        help_text="The item answered.",
    )
    level = models.SmallIntegerField(
        help_text="The level reached (or the need, for training), on the framework's scale."
    )
    evidence = models.TextField(
        blank=True, help_text="What shows the level: policies, procedures, tests (a note)."
    )
    head_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Training needs: how many staff need this training."
    )
    delivery = models.CharField(
        max_length=16,
        choices=DeliveryMode.choices,
        blank=True,
        help_text="Training needs: how the member prefers it delivered.",
    )
    file_name = models.CharField(
        max_length=255, blank=True, help_text="The attached evidence file's name; empty when there is none."
    )
    # In the database rather than on disk, so backups and restores carry the files with the record.
    content = models.BinaryField(blank=True, default=b"", help_text="The attached evidence file's bytes.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Who wrote an answer stays on record.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last saved the answer.",
    )
    updated_at = models.DateTimeField(help_text="When the answer was last saved.")

    class Meta:
        ordering = ["round_member", "item__position"]
        constraints = [models.UniqueConstraint(fields=["round_member", "item"], name="answer_unique_item")]

    def __str__(self) -> str:
        # Never the level: this text goes into audit events and lists.
        return f"{self.round_member.government} on {self.item.code}"

    @property
    def collaborative(self) -> Any:
        """The round's collaborative (for the permission predicates)."""
        return self.round_member.round.collaborative

    @property
    def government_id(self) -> int:
        """The answering government (for the permission predicates)."""
        return self.round_member.government_id

    @property
    def content_type(self) -> str:
        """The attached file's media type, from its name."""
        kind = mimetypes.guess_type(self.file_name)[0] or "application/octet-stream"
        return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


class AggregateRelease(models.Model):
    """A member set over which a round's aggregates have been shown: the ledger that refuses differencing.

    A new member set is refused when it differs from one already released by fewer than k members.
    """

    round = models.ForeignKey(
        Round,
        # The ledger is part of the round's record.
        on_delete=models.PROTECT,
        related_name="releases",
        help_text="The round.",
    )
    key = models.CharField(max_length=64, help_text="A digest of the member set, to find it again.")
    government_ids = models.JSONField(help_text="The member governments' ids, sorted.")
    first_at = models.DateTimeField(
        auto_now_add=True, help_text="When aggregates over this set were first shown."
    )
    purpose = models.CharField(max_length=200, blank=True, help_text="What first asked for it.")

    class Meta:
        ordering = ["round", "first_at"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="aggregate_release_unique")]

    def __str__(self) -> str:
        return f"{self.round}: {len(self.government_ids)} members"

    @property
    def members(self) -> frozenset[int]:
        """The member set."""
        return frozenset(int(i) for i in self.government_ids)


class GapInitiative(models.Model):
    """A common gap of a round turned into a joint initiative (so the round shows it is being addressed)."""

    round = models.ForeignKey(
        Round,
        # The link is part of the round's record.
        on_delete=models.PROTECT,
        related_name="gap_initiatives",
        help_text="The round whose common gap it addresses.",
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        # An initiative started from a gap keeps its origin on record.
        on_delete=models.PROTECT,
        related_name="assessment_gaps",
        help_text="The initiative created from the gap.",
    )
    item_codes = models.JSONField(help_text='The gap\'s item ids, e.g. ["PR.AT-01", "PR.AT-02"].')
    baseline = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        help_text="The round's members' mean level on the items (the KPI's baseline).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Who turned the gap into an initiative stays on record.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The coordinator who took the step.",
    )
    created_at = models.DateTimeField(help_text="When the initiative was created from the gap.")

    class Meta:
        ordering = ["round", "created_at"]

    def __str__(self) -> str:
        return f"{', '.join(self.item_codes)} -> {self.initiative}"
