"""Collaboratives and who belongs to them over time."""

from __future__ import annotations

import datetime as dt

from django.db import models

from interlocal.conflicts import Versioned
from interlocal.vocab import MembershipRole, MembershipStatus


class Collaborative(Versioned):
    """A group of governments that explore and run shared services together."""

    name = models.CharField(max_length=200, help_text="Full name of the collaborative.")
    slug = models.SlugField(max_length=200, unique=True, help_text="The name in web addresses.")
    short_name = models.CharField(max_length=60, blank=True, help_text="Abbreviation used in lists.")
    purpose = models.TextField(blank=True, help_text="Why the collaborative exists (Markdown).")
    facilitator = models.ForeignKey(
        "governments.Government",
        # The facilitator's coordinators own the collaborative; reassign before removing it.
        on_delete=models.PROTECT,
        related_name="facilitated_collaboratives",
        help_text="The body that convenes the collaborative, e.g. a regional council.",
    )
    formed_on = models.DateField(null=True, blank=True, help_text="When the collaborative began.")
    is_published = models.BooleanField(default=False, help_text="Shown on the public portal.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def members_on(self, day: dt.date) -> list[Membership]:
        """Return the memberships current on the given day."""
        return [m for m in self.memberships.all() if m.is_current_on(day)]


class Membership(Versioned):
    """A government's membership in a collaborative for a span of time."""

    collaborative = models.ForeignKey(
        Collaborative,
        # Membership history is part of the collaborative's record.
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The collaborative joined.",
    )
    government = models.ForeignKey(
        "governments.Government",
        # A government with membership history stays on record.
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The government that joined.",
    )
    role = models.CharField(
        max_length=32,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
        help_text="Member, facilitator or supporting partner.",
    )
    status = models.CharField(
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PROPOSED,
        help_text="Proposed by the coordinator; only accepted by the joining government does it grant anything.",
    )
    joined_on = models.DateField(help_text="First day of membership.")
    left_on = models.DateField(
        null=True, blank=True, help_text="Last day of membership; empty while current."
    )
    authorising_matter = models.ForeignKey(
        "agreements.LegislativeMatter",
        null=True,
        blank=True,
        # A legal record that authorised joining must outlive nothing that cites it.
        on_delete=models.PROTECT,
        related_name="authorised_memberships",
        help_text="The council matter that authorised joining.",
    )
    leave_matter = models.ForeignKey(
        "agreements.LegislativeMatter",
        null=True,
        blank=True,
        # The legal record that authorised leaving outlives the membership row that cites it.
        on_delete=models.PROTECT,
        related_name="ended_memberships",
        help_text="The council matter that authorised leaving, if any.",
    )

    class Meta:
        ordering = ["joined_on", "government__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            )
        ]

    def __str__(self) -> str:
        return f"{self.government} in {self.collaborative} from {self.joined_on}"

    def is_current_on(self, day: dt.date) -> bool:
        """Whether the membership is accepted and covers the given day."""
        return (
            self.status == MembershipStatus.ACCEPTED
            and self.joined_on <= day
            and (self.left_on is None or self.left_on >= day)
        )
