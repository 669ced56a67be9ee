"""Everything a Legistar client publishes besides matters: bodies, persons and their offices, meetings (events),
agenda items (event items) and roll-call votes, shaped like Legistar's Web API and Open Civic Data's tables.

Each row is scoped by government and Legistar client and identified by the client's own id, unique together, so a
re-import or a sync updates the same row. These are copies of a council's public record, written only by importers
and sync, never edited in Interlocal: no lock_version.
"""

from __future__ import annotations

from django.db import models


class LegistarRecord(models.Model):
    """Fields shared by every copied Legistar record."""

    government = models.ForeignKey(
        "governments.Government",
        # Council records are legal records of their government; the government cannot vanish under them.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The government whose council published the record.",
    )
    client = models.CharField(
        max_length=80, blank=True, help_text="Legistar client name (the web API's {client}), e.g. nyc."
    )
    guid = models.CharField(max_length=64, blank=True, help_text="Legistar's …Guid of the record, if any.")
    last_modified_utc = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Legistar's …LastModifiedUtc: when the client last changed the record.",
    )
    row_hash = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="Digest of the imported fields, so an unchanged re-import is recognised without comparing rows.",
    )

    class Meta:
        abstract = True


class Body(LegistarRecord):
    """A Legistar body: a council, a committee, a board (LegistarBody; OCD Organization)."""

    body_id = models.BigIntegerField(help_text="Legistar BodyId.")
    name = models.CharField(max_length=300, help_text="Legistar BodyName, e.g. City Council.")
    type_name = models.CharField(
        max_length=120, blank=True, help_text="Legistar BodyTypeName, e.g. Committee."
    )
    type_id = models.BigIntegerField(null=True, blank=True, help_text="Legistar BodyTypeId.")
    meet_flag = models.BooleanField(default=False, help_text="Legistar BodyMeetFlag: whether the body meets.")
    active_flag = models.BooleanField(
        default=True, help_text="Legistar BodyActiveFlag: whether it is active."
    )
    sort = models.IntegerField(null=True, blank=True, help_text="Legistar BodySort: display order.")
    description = models.TextField(blank=True, help_text="Legistar BodyDescription.")
    contact_name = models.CharField(max_length=200, blank=True, help_text="Legistar BodyContactFullName.")
    contact_email = models.CharField(max_length=200, blank=True, help_text="Legistar BodyContactEmail.")
    number_of_members = models.IntegerField(null=True, blank=True, help_text="Legistar BodyNumberOfMembers.")

    class Meta:
        ordering = ["sort", "name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.UniqueConstraint(fields=["government", "client", "body_id"], name="legistar_body_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Official(LegistarRecord):
    """A Legistar person: a council member, a clerk (LegistarPerson; OCD Person)."""

    person_id = models.BigIntegerField(help_text="Legistar PersonId.")
    full_name = models.CharField(max_length=300, help_text="Legistar PersonFullName.")
    first_name = models.CharField(max_length=120, blank=True, help_text="Legistar PersonFirstName.")
    last_name = models.CharField(max_length=120, blank=True, help_text="Legistar PersonLastName.")
    email = models.CharField(max_length=200, blank=True, help_text="Legistar PersonEmail.")
    www = models.CharField(max_length=500, blank=True, help_text="Legistar PersonWWW: the person's web page.")
    active_flag = models.BooleanField(default=True, help_text="Legistar PersonActiveFlag.")
    is_published = models.BooleanField(default=True, help_text="Shown on the public portal.")

    class Meta:
        ordering = ["last_name", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "client", "person_id"], name="legistar_person_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class OfficeRecord(LegistarRecord):
    """A person's seat on a body for a term (LegistarOfficeRecord; OCD Membership)."""

    office_record_id = models.BigIntegerField(help_text="Legistar OfficeRecordId.")
    person = models.ForeignKey(
        Official,
        # Who held an office is part of the council's legal record.
        on_delete=models.PROTECT,
        related_name="offices",
        help_text="The person holding the office (Legistar OfficeRecordPersonId).",
    )
    body = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        # The body's membership history is a legal record; keep the body.
        on_delete=models.PROTECT,
        related_name="offices",
        help_text="The body the seat is on (Legistar OfficeRecordBodyId); empty if not published.",
    )
    body_name = models.CharField(max_length=300, blank=True, help_text="Legistar OfficeRecordBodyName.")
    title = models.CharField(max_length=200, blank=True, help_text="Legistar OfficeRecordTitle, e.g. Chair.")
    member_type = models.CharField(
        max_length=120, blank=True, help_text="Legistar OfficeRecordMemberType, e.g. Voting Member."
    )
    start_date = models.DateField(null=True, blank=True, help_text="Legistar OfficeRecordStartDate.")
    end_date = models.DateField(null=True, blank=True, help_text="Legistar OfficeRecordEndDate.")

    class Meta:
        ordering = ["-start_date", "body_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "client", "office_record_id"], name="legistar_office_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} - {self.title or self.member_type} of {self.body_name}"


class Event(LegistarRecord):
    """A Legistar event: a meeting of a body (LegistarEvent; OCD Event)."""

    event_id = models.BigIntegerField(help_text="Legistar EventId.")
    body = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        # A meeting's record keeps the body that met.
        on_delete=models.PROTECT,
        related_name="events",
        help_text="The body that met (Legistar EventBodyId); empty if the body is not stored.",
    )
    body_name = models.CharField(max_length=300, blank=True, help_text="Legistar EventBodyName.")
    date = models.DateField(null=True, blank=True, help_text="Legistar EventDate.")
    time = models.CharField(
        max_length=40, blank=True, help_text="Legistar EventTime, as published, e.g. 10:00 AM."
    )
    location = models.CharField(max_length=500, blank=True, help_text="Legistar EventLocation.")
    agenda_status_name = models.CharField(
        max_length=80, blank=True, help_text="Legistar EventAgendaStatusName, e.g. Final."
    )
    minutes_status_name = models.CharField(
        max_length=80, blank=True, help_text="Legistar EventMinutesStatusName, e.g. Final."
    )
    agenda_file = models.CharField(
        max_length=500, blank=True, help_text="Legistar EventAgendaFile: the agenda's URL."
    )
    minutes_file = models.CharField(
        max_length=500, blank=True, help_text="Legistar EventMinutesFile: the minutes' URL."
    )
    in_site_url = models.CharField(
        max_length=500,
        blank=True,
        help_text="Legistar EventInSiteURL: the meeting's page on the client's site.",
    )
    video_path = models.CharField(max_length=500, blank=True, help_text="Legistar EventVideoPath.")
    comment = models.TextField(blank=True, help_text="Legistar EventComment.")
    is_published = models.BooleanField(default=True, help_text="Shown on the public portal.")

    class Meta:
        ordering = ["-date", "body_name"]
        indexes = [models.Index(fields=["government", "date"], name="legistar_event_gov_date")]
        constraints = [
            models.UniqueConstraint(fields=["government", "client", "event_id"], name="legistar_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body_name} {self.date}"


class EventItem(LegistarRecord):
    """An item on a meeting's agenda or in its minutes (LegistarEventItem; OCD EventAgendaItem)."""

    event_item_id = models.BigIntegerField(help_text="Legistar EventItemId.")
    event = models.ForeignKey(
        Event,
        # An agenda item is part of its meeting's legal record.
        on_delete=models.PROTECT,
        related_name="items",
        help_text="The meeting (Legistar EventItemEventId).",
    )
    agenda_sequence = models.IntegerField(
        null=True, blank=True, help_text="Legistar EventItemAgendaSequence: order on the agenda."
    )
    minutes_sequence = models.IntegerField(
        null=True, blank=True, help_text="Legistar EventItemMinutesSequence: order in the minutes."
    )
    agenda_number = models.CharField(max_length=80, blank=True, help_text="Legistar EventItemAgendaNumber.")
    title = models.TextField(blank=True, help_text="Legistar EventItemTitle.")
    action_name = models.CharField(max_length=200, blank=True, help_text="Legistar EventItemActionName.")
    action_text = models.TextField(blank=True, help_text="Legistar EventItemActionText.")
    passed_flag = models.BooleanField(
        null=True, blank=True, help_text="Legistar EventItemPassedFlag: 1 passed, 0 failed, empty no vote."
    )
    passed_flag_name = models.CharField(
        max_length=40, blank=True, help_text="Legistar EventItemPassedFlagName, e.g. Pass."
    )
    roll_call_flag = models.BooleanField(
        null=True, blank=True, help_text="Legistar EventItemRollCallFlag: whether a roll call was taken."
    )
    tally = models.CharField(max_length=40, blank=True, help_text="Legistar EventItemTally, e.g. 8:0.")
    mover_name = models.CharField(max_length=200, blank=True, help_text="Legistar EventItemMover.")
    seconder_name = models.CharField(max_length=200, blank=True, help_text="Legistar EventItemSeconder.")
    consent = models.BooleanField(
        null=True, blank=True, help_text="Legistar EventItemConsent: on the consent agenda."
    )
    matter_legistar_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Legistar EventItemMatterId, kept even when the matter is not stored.",
    )
    matter_file = models.CharField(max_length=80, blank=True, help_text="Legistar EventItemMatterFile.")
    matter_name = models.CharField(max_length=300, blank=True, help_text="Legistar EventItemMatterName.")
    matter_type = models.CharField(max_length=80, blank=True, help_text="Legistar EventItemMatterType.")
    matter_status = models.CharField(max_length=80, blank=True, help_text="Legistar EventItemMatterStatus.")
    version = models.CharField(
        max_length=20, blank=True, help_text="Legistar EventItemVersion: text, e.g. '*', 'A', '1'."
    )
    matter = models.ForeignKey(
        "agreements.LegislativeMatter",
        null=True,
        blank=True,
        # The matter considered at a meeting stays on the record of that meeting.
        on_delete=models.PROTECT,
        related_name="event_items",
        help_text="The stored matter this item considers, matched by MatterId or file number.",
    )
    matter_action = models.ForeignKey(
        "agreements.MatterAction",
        null=True,
        blank=True,
        # An action row and the meeting item it happened at are both legal records.
        on_delete=models.PROTECT,
        related_name="event_items",
        help_text="The matter's history row recorded for this item (Legistar MatterHistoryEventItemId).",
    )

    class Meta:
        ordering = ["agenda_sequence", "minutes_sequence", "event_item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "client", "event_item_id"], name="legistar_event_item_unique"
            )
        ]

    def __str__(self) -> str:
        return self.matter_file or self.title[:80]


class Vote(LegistarRecord):
    """One person's roll-call vote on an event item (LegistarVote; OCD PersonVote)."""

    vote_id = models.BigIntegerField(help_text="Legistar VoteId.")
    event_item = models.ForeignKey(
        EventItem,
        # A roll-call vote is part of the item's legal record.
        on_delete=models.PROTECT,
        related_name="votes",
        help_text="The agenda item voted on (Legistar VoteEventItemId).",
    )
    person = models.ForeignKey(
        Official,
        null=True,
        blank=True,
        # How a person voted is a legal record; keep the person.
        on_delete=models.PROTECT,
        related_name="votes",
        help_text="Who voted (Legistar VotePersonId); empty when the person is not stored.",
    )
    person_legistar_id = models.BigIntegerField(null=True, blank=True, help_text="Legistar VotePersonId.")
    person_name = models.CharField(max_length=300, blank=True, help_text="Legistar VotePersonName.")
    value_name = models.CharField(
        max_length=40, blank=True, help_text="Legistar VoteValueName, e.g. Affirmative, Aye, Nay, Absent."
    )
    result = models.IntegerField(
        null=True, blank=True, help_text="Legistar VoteResult: 1 for, 2 against, etc."
    )
    sort = models.IntegerField(null=True, blank=True, help_text="Legistar VoteSort: display order.")

    class Meta:
        ordering = ["sort", "person_name"]
        constraints = [
            models.UniqueConstraint(fields=["government", "client", "vote_id"], name="legistar_vote_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.value_name}"
