"""Frozen records that the parsers return; the Django importers map them onto models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class ParseProblem:
    """One field the parser could not read, with the row (0-based list index or 1-based CSV line) and file."""

    field: str
    message: str
    row: int | None = None
    file: str | None = None
    # What the row number counts: "row" for tables, "feature" for GeoJSON.
    unit: str = "row"


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A parser's result: the value it could read and the problems it met."""

    value: T
    problems: tuple[ParseProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the parser met no problem."""
        return not self.problems


# --- plan recommendation pages -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLink:
    """A "Previous"/"Next" link of a plan page: code, (truncated) title and key-issue abbreviations."""

    code: str
    title: str
    topic_abbreviations: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanRecommendation:
    """One recommendation of a comprehensive plan (e.g. St. Louis County's LR.33)."""

    code: str | None
    title: str | None
    description: str | None
    status: str | None
    types: frozenset[str]
    plan_goals: tuple[str, ...]
    geographic_scales: tuple[str, ...]
    geographic_scales_unselected: tuple[str, ...]
    key_issues: tuple[str, ...]
    key_issues_unselected: tuple[str, ...]
    topic_areas: tuple[str, ...]
    topic_areas_unselected: tuple[str, ...]
    equity_considerations: tuple[str, ...]
    sustainability_considerations: tuple[str, ...]
    cost_band: str | None
    cost_options: tuple[str, ...]
    timeline_band: str | None
    timeline_options: tuple[str, ...]
    lead_partners: tuple[str, ...]
    supporting_partners: tuple[str, ...]
    funding_sources: tuple[str, ...]
    tracking_implementation: str | None
    tracking_success: tuple[str, ...]
    if_overperforming: str | None
    if_underperforming: str | None
    previous: PlanLink | None
    next: PlanLink | None


# --- Legistar -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatterActionRecord:
    """One row of a matter's action history, in Legistar's terms."""

    action_date: date | None
    # Legistar versions are text ('*', 'A', '1'); the detail parsers may still give numbers.
    version: int | str | None
    action_body: str | None
    action_name: str | None
    result: str | None
    tally: str | None = None
    mover: str | None = None
    seconder: str | None = None
    # The history row's "Action details" page on a Legistar site.
    details_url: str | None = None


@dataclass(frozen=True)
class LegislativeMatterRecord:
    """A legislative matter read from a Legistar detail page or its PDF export."""

    client: str | None
    file_number: str | None
    name: str | None
    type_name: str | None
    status_name: str | None
    intro_date: date | None
    agenda_date: date | None
    passed_date: date | None
    body_name: str | None
    title: str | None
    sponsors: tuple[str, ...]
    indexes: tuple[str, ...]
    code_sections: tuple[str, ...]
    attachments: tuple[str, ...]
    # Legistar versions are text: '1', '2', '*', 'A'.
    version: str | None
    text: str | None
    histories: tuple[MatterActionRecord, ...]
    enactment_date: date | None = None
    enactment_number: str | None = None
    attachment_urls: tuple[str | None, ...] = ()
    # The fields the page showed (a page without "On agenda" leaves the stored agenda date alone);
    # None means every field, as in the PDF text export.
    present: frozenset[str] | None = None
    # Where the page came from, when it says (saved-from comment, <base>), and its Legistar MatterId.
    page_url: str | None = None
    matter_id: int | None = None


@dataclass(frozen=True)
class LegistarMatter:
    """A row of the Legistar Web API /matters endpoint."""

    client: str
    matter_id: int
    guid: str | None
    file: str | None
    name: str | None
    title: str | None
    type_id: int | None
    type_name: str | None
    status_id: int | None
    status_name: str | None
    body_id: int | None
    body_name: str | None
    intro_date: date | None
    agenda_date: date | None
    passed_date: date | None
    enactment_date: date | None
    enactment_number: str | None
    requester: str | None
    notes: str | None
    version: str | None
    restrict_view_via_web: bool | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, MatterId)."""
        return (self.client, self.matter_id)


@dataclass(frozen=True)
class LegistarMatterHistory:
    """A row of /matters/{id}/histories; matter_id comes from the caller since rows do not carry it."""

    client: str
    history_id: int
    matter_id: int | None
    guid: str | None
    event_id: int | None
    agenda_sequence: int | None
    minutes_sequence: int | None
    agenda_number: str | None
    version: str | None
    action_date: date | None
    action_datetime: datetime | None
    action_id: int | None
    action_name: str | None
    action_text: str | None
    action_body_id: int | None
    action_body_name: str | None
    passed_flag: int | None
    passed_flag_name: str | None
    roll_call_flag: int | None
    tally: str | None
    consent: int | None
    mover_id: int | None
    mover_name: str | None
    seconder_id: int | None
    seconder_name: str | None
    matter_status_id: int | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, MatterHistoryId)."""
        return (self.client, self.history_id)

    def to_action_record(self) -> MatterActionRecord:
        """The same action in the shape the PDF/HTML parsers produce."""
        return MatterActionRecord(
            action_date=self.action_date,
            version=self.version,
            action_body=self.action_body_name,
            action_name=self.action_name,
            result=self.passed_flag_name,
            tally=self.tally,
            mover=self.mover_name,
            seconder=self.seconder_name,
        )


@dataclass(frozen=True)
class LegistarAttachment:
    """A row of /matters/{id}/attachments; matter_id comes from the caller."""

    client: str
    attachment_id: int
    matter_id: int | None
    guid: str | None
    name: str | None
    hyperlink: str | None
    file_name: str | None
    matter_version: str | None
    is_hyperlink: bool | None
    is_supporting_document: bool | None
    show_on_internet_page: bool | None
    sort: int | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, MatterAttachmentId)."""
        return (self.client, self.attachment_id)


@dataclass(frozen=True)
class LegistarSponsor:
    """A row of /matters/{id}/sponsors."""

    client: str
    sponsor_id: int
    matter_id: int | None
    matter_version: str | None
    name_id: int | None
    body_id: int | None
    name: str | None
    sequence: int | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, MatterSponsorId)."""
        return (self.client, self.sponsor_id)


@dataclass(frozen=True)
class LegistarIndex:
    """A row of /indexes (the client's subject vocabulary)."""

    client: str
    index_id: int
    guid: str | None
    name: str | None
    active: bool | None
    used: bool | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, IndexId)."""
        return (self.client, self.index_id)


@dataclass(frozen=True)
class LegistarMatterIndex:
    """A row of /matters/{id}/indexes linking a matter to an index."""

    client: str
    matter_index_id: int
    matter_id: int | None
    index_id: int | None
    name: str | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, MatterIndexId)."""
        return (self.client, self.matter_index_id)


@dataclass(frozen=True)
class LegistarVote:
    """A row of /eventitems/{id}/votes."""

    client: str
    vote_id: int
    event_item_id: int | None
    person_id: int | None
    person_name: str | None
    value_id: int | None
    value_name: str | None
    result: int | None
    sort: int | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, VoteId)."""
        return (self.client, self.vote_id)


@dataclass(frozen=True)
class LegistarEvent:
    """A row of /events (a meeting)."""

    client: str
    event_id: int
    guid: str | None
    body_id: int | None
    body_name: str | None
    date: date | None
    time: str | None
    location: str | None
    agenda_status_name: str | None
    minutes_status_name: str | None
    agenda_file: str | None
    minutes_file: str | None
    insite_url: str | None
    last_modified_utc: datetime | None
    video_path: str | None = None
    comment: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, EventId)."""
        return (self.client, self.event_id)


@dataclass(frozen=True)
class LegistarEventItem:
    """A row of /events/{id}/eventitems (an agenda item, possibly with an action on a matter)."""

    client: str
    event_item_id: int
    event_id: int | None
    guid: str | None
    agenda_sequence: int | None
    minutes_sequence: int | None
    agenda_number: str | None
    version: str | None
    title: str | None
    action_name: str | None
    action_text: str | None
    passed_flag: int | None
    passed_flag_name: str | None
    roll_call_flag: int | None
    tally: str | None
    mover_name: str | None
    seconder_name: str | None
    matter_id: int | None
    matter_file: str | None
    matter_name: str | None
    matter_type: str | None
    matter_status: str | None
    last_modified_utc: datetime | None
    consent: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, EventItemId)."""
        return (self.client, self.event_item_id)


@dataclass(frozen=True)
class LegistarBody:
    """A row of /bodies (council, committee...)."""

    client: str
    body_id: int
    guid: str | None
    name: str | None
    type_name: str | None
    active: bool | None
    description: str | None
    last_modified_utc: datetime | None
    type_id: int | None = None
    meet_flag: bool | None = None
    sort: int | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    number_of_members: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, BodyId)."""
        return (self.client, self.body_id)


@dataclass(frozen=True)
class LegistarPerson:
    """A row of /persons."""

    client: str
    person_id: int
    guid: str | None
    full_name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    active: bool | None
    last_modified_utc: datetime | None
    www: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, PersonId)."""
        return (self.client, self.person_id)


@dataclass(frozen=True)
class LegistarOfficeRecord:
    """A row of /officerecords (or /persons/{id}/officerecords): a person's seat on a body for a term."""

    client: str
    office_record_id: int
    guid: str | None
    person_id: int | None
    full_name: str | None
    body_id: int | None
    body_name: str | None
    title: str | None
    member_type: str | None
    start_date: date | None
    end_date: date | None
    last_modified_utc: datetime | None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across syncs: (client, OfficeRecordId)."""
        return (self.client, self.office_record_id)


LegistarRecord = (
    LegistarMatter
    | LegistarMatterHistory
    | LegistarAttachment
    | LegistarSponsor
    | LegistarIndex
    | LegistarMatterIndex
    | LegistarVote
    | LegistarEvent
    | LegistarEventItem
    | LegistarBody
    | LegistarPerson
    | LegistarOfficeRecord
)


@dataclass(frozen=True)
class LegistarBatch:
    """The records of one Web API response, all of one kind ("matters", "histories", ...)."""

    kind: str | None
    records: tuple[LegistarRecord, ...]


@dataclass(frozen=True)
class MatterOutcome:
    """What the passed flags of a matter's actions say about it (None: no action carries a flag)."""

    passed: bool | None
    action_date: date | None
    action_name: str | None
    body_name: str | None


# --- statements of purpose -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListItem:
    """A bullet; level 0 is the outer list, 1 a sub-bullet."""

    text: str
    level: int = 0


@dataclass(frozen=True)
class StatementOfPurpose:
    """A collaborative's statement of purpose: who, why, the first steps and ideas."""

    title: str | None
    parties: tuple[str, ...]
    facilitator: str | None
    facilitator_abbreviation: str | None
    purpose: str | None
    background: tuple[str, ...]
    action_steps_intro: str | None
    action_steps: tuple[ListItem, ...]
    start_note: str | None
    ideas: tuple[str, ...]
    jurisdiction_count: int | None = None


# --- Census -------------------------------------------------------------------------------------

Ring = tuple[tuple[float, float], ...]
Polygon = tuple[Ring, ...]
MultiPolygon = tuple[Polygon, ...]


@dataclass(frozen=True)
class PlaceRecord:
    """A TIGER/Line place boundary; geometry is a multipolygon of (lon, lat) rings, exterior first."""

    geoid: str
    name: str | None
    namelsad: str | None
    class_fp: str | None
    land_area_m2: int | None
    geometry: MultiPolygon = field(repr=False)
    funcstat: str | None = None
    water_area_m2: int | None = None


@dataclass(frozen=True)
class Adjacency:
    """Two places whose boundaries share at least one segment (geoid_a < geoid_b)."""

    geoid_a: str
    geoid_b: str
    shared_length_deg: float


@dataclass(frozen=True)
class AdjacencyRow:
    """A row of the derived adjacency CSV."""

    geoid_a: str
    name_a: str
    geoid_b: str
    name_b: str
    shared_boundary_len_deg: float | None
    relation: str


@dataclass(frozen=True)
class PopulationEstimateRow:
    """A place's row of the Census sub-county population estimates (SUMLEV 162 = incorporated place)."""

    geoid: str
    name: str
    state_name: str | None
    sumlev: str
    funcstat: str | None
    census2010_pop: int | None
    estimates_base2010: int | None
    estimates: tuple[tuple[int, int | None], ...]

    def estimate(self, year: int) -> int | None:
        """The July 1 estimate for that year, None when absent."""
        return dict(self.estimates).get(year)


@dataclass(frozen=True)
class PlaceAttributeRow:
    """A row of the TIGER place attribute table."""

    geoid: str
    statefp: str
    placefp: str
    placens: str | None
    name: str
    namelsad: str
    lsad: str | None
    class_fp: str | None
    funcstat: str | None
    land_area_m2: int | None
    water_area_m2: int | None
    internal_point_lat: float | None
    internal_point_lon: float | None


@dataclass(frozen=True)
class MunicipalityRow:
    """A Missouri municipality with its primary county and populations (derived table)."""

    geoid: str
    placefp: str
    namelsad: str
    class_fp: str | None
    funcstat: str | None
    primary_county_fips: str | None
    primary_county_name: str | None
    census2010_pop: int | None
    popest2019: int | None
    land_area_m2: int | None
