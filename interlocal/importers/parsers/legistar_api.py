"""Parse Legistar Web API JSON (matters, histories, votes, events...) and build sync URLs."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .records import (
    LegistarAttachment,
    LegistarBatch,
    LegistarBody,
    LegistarEvent,
    LegistarEventItem,
    LegistarIndex,
    LegistarMatter,
    LegistarMatterHistory,
    LegistarMatterIndex,
    LegistarOfficeRecord,
    LegistarPerson,
    LegistarRecord,
    LegistarSponsor,
    LegistarVote,
    MatterOutcome,
    Parsed,
    ParseProblem,
)

API_ROOT = "https://webapi.legistar.com/v1"
_CLIENT = re.compile(r"^[A-Za-z0-9_-]+$")
# Legistar's OData parser wants the quotes and colons of datetime'...' literally; spaces become %20.
_URL_SAFE = "'():,-"


class _Where:
    """Where a nested record sits, e.g. "MatterHistories[2]."; made into text only when a problem names it
    (formatting it for every nested row was a tenth of the parse)."""

    __slots__ = ("key", "parent", "position")

    def __init__(self, parent: str | _Where, key: str, position: int) -> None:
        self.parent, self.key, self.position = parent, key, position

    def __str__(self) -> str:
        return f"{self.parent}{self.key}[{self.position}]."

    def __add__(self, other: str) -> str:
        return str(self) + other


class _Row:
    """Typed, problem-reporting access to one JSON record."""

    __slots__ = ("_prefix", "data", "file", "get", "index", "problems")

    def __init__(
        self,
        data: dict[str, Any],
        index: int,
        problems: list[ParseProblem],
        file: str | None,
        prefix: str | _Where = "",
    ) -> None:
        self.data = data
        self.get = data.get  # bound once: the accessors below run a million times in a large client's import
        self.index = index
        self.problems = problems
        self.file = file
        # Where a nested record sits in its parent, e.g. "MatterHistories[2].", so the problem names it.
        self._prefix = prefix

    @property
    def prefix(self) -> str:
        return str(self._prefix)

    def _problem(self, key: str, message: str) -> None:
        self.problems.append(ParseProblem(self.prefix + key, message, self.index, self.file, "record"))

    # The common cases first, by exact class: these run a million times in a large client's import.
    def int_(self, key: str) -> int | None:
        value = self.get(key)
        if value is None or value.__class__ is int:
            return value
        self._problem(key, f"expected an integer, got {value!r}")
        return None

    def str_(self, key: str) -> str | None:
        value = self.get(key)
        if value is None:
            return None
        if value.__class__ is str:
            return value.strip() or None
        self._problem(key, f"expected a string, got {value!r}")
        return None

    def bool_(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return None
        # Legistar mixes JSON booleans and 0/1 flags.
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self._problem(key, f"expected a boolean or 0/1 flag, got {value!r}")
        return None

    def version(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        # Versions are text on the wire: "1", but New York City's are "*", "A", "B"; a few clients send integers.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            text = value.strip()
            if len(text) > 20:
                self._problem(key, f"expected a version of at most 20 characters, got {value[:40]!r}")
                return None
            return text or None
        self._problem(key, f"expected a version (text such as '1', 'A' or '*'), got {value!r}")
        return None

    def local_datetime(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            parsed = _iso(value)
            if parsed is not None:
                return parsed
        self._problem(key, f"expected an ISO date-time, got {value!r}")
        return None

    def date_(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            parsed = _iso_date(value)
            if parsed is not None:
                return parsed
        self._problem(key, f"expected an ISO date-time, got {value!r}")
        return None

    def utc(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            parsed = _iso_utc(value)
            if parsed is not None:
                return parsed
        self._problem(key, f"expected an ISO date-time, got {value!r}")
        return None


# Legistar repeats the same dates and timestamps across thousands of rows; parse each text once.
@lru_cache(maxsize=65536)
def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _iso_date(value: str) -> date | None:
    parsed = _iso(value)
    return parsed.date() if parsed is not None else None


@lru_cache(maxsize=65536)
def _iso_utc(value: str) -> datetime | None:
    parsed = _iso(value)
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _matter(client: str, r: _Row, ident: int, parent: int | None) -> LegistarMatter:
    return LegistarMatter(
        client=client,
        matter_id=ident,
        guid=r.str_("MatterGuid"),
        file=r.str_("MatterFile"),
        name=r.str_("MatterName"),
        title=r.str_("MatterTitle"),
        type_id=r.int_("MatterTypeId"),
        type_name=r.str_("MatterTypeName"),
        status_id=r.int_("MatterStatusId"),
        status_name=r.str_("MatterStatusName"),
        body_id=r.int_("MatterBodyId"),
        body_name=r.str_("MatterBodyName"),
        intro_date=r.date_("MatterIntroDate"),
        agenda_date=r.date_("MatterAgendaDate"),
        passed_date=r.date_("MatterPassedDate"),
        enactment_date=r.date_("MatterEnactmentDate"),
        enactment_number=r.str_("MatterEnactmentNumber"),
        requester=r.str_("MatterRequester"),
        notes=r.str_("MatterNotes"),
        version=r.version("MatterVersion"),
        restrict_view_via_web=r.bool_("MatterRestrictViewViaWeb"),
        last_modified_utc=r.utc("MatterLastModifiedUtc"),
    )


def _history(client: str, r: _Row, ident: int, parent: int | None) -> LegistarMatterHistory:
    action_datetime = r.local_datetime("MatterHistoryActionDate")
    return LegistarMatterHistory(
        client=client,
        history_id=ident,
        matter_id=parent,
        guid=r.str_("MatterHistoryGuid"),
        event_id=r.int_("MatterHistoryEventId"),
        agenda_sequence=r.int_("MatterHistoryAgendaSequence"),
        minutes_sequence=r.int_("MatterHistoryMinutesSequence"),
        agenda_number=r.str_("MatterHistoryAgendaNumber"),
        version=r.version("MatterHistoryVersion"),
        action_date=action_datetime.date() if action_datetime else None,
        action_datetime=action_datetime,
        action_id=r.int_("MatterHistoryActionId"),
        action_name=r.str_("MatterHistoryActionName"),
        action_text=r.str_("MatterHistoryActionText"),
        action_body_id=r.int_("MatterHistoryActionBodyId"),
        action_body_name=r.str_("MatterHistoryActionBodyName"),
        passed_flag=r.int_("MatterHistoryPassedFlag"),
        passed_flag_name=r.str_("MatterHistoryPassedFlagName"),
        roll_call_flag=r.int_("MatterHistoryRollCallFlag"),
        tally=r.str_("MatterHistoryTally"),
        consent=r.int_("MatterHistoryConsent"),
        mover_id=r.int_("MatterHistoryMoverId"),
        mover_name=r.str_("MatterHistoryMoverName"),
        seconder_id=r.int_("MatterHistorySeconderId"),
        seconder_name=r.str_("MatterHistorySeconderName"),
        matter_status_id=r.int_("MatterHistoryMatterStatusId"),
        last_modified_utc=r.utc("MatterHistoryLastModifiedUtc"),
    )


def _attachment(client: str, r: _Row, ident: int, parent: int | None) -> LegistarAttachment:
    return LegistarAttachment(
        client=client,
        attachment_id=ident,
        matter_id=parent,
        guid=r.str_("MatterAttachmentGuid"),
        name=r.str_("MatterAttachmentName"),
        hyperlink=r.str_("MatterAttachmentHyperlink"),
        file_name=r.str_("MatterAttachmentFileName"),
        matter_version=r.version("MatterAttachmentMatterVersion"),
        is_hyperlink=r.bool_("MatterAttachmentIsHyperlink"),
        is_supporting_document=r.bool_("MatterAttachmentIsSupportingDocument"),
        show_on_internet_page=r.bool_("MatterAttachmentShowOnInternetPage"),
        sort=r.int_("MatterAttachmentSort"),
        last_modified_utc=r.utc("MatterAttachmentLastModifiedUtc"),
    )


def _sponsor(client: str, r: _Row, ident: int, parent: int | None) -> LegistarSponsor:
    return LegistarSponsor(
        client=client,
        sponsor_id=ident,
        matter_id=r.int_("MatterSponsorMatterId") or parent,
        matter_version=r.version("MatterSponsorMatterVersion"),
        name_id=r.int_("MatterSponsorNameId"),
        body_id=r.int_("MatterSponsorBodyId"),
        name=r.str_("MatterSponsorName"),
        sequence=r.int_("MatterSponsorSequence"),
        last_modified_utc=r.utc("MatterSponsorLastModifiedUtc"),
    )


def _index(client: str, r: _Row, ident: int, parent: int | None) -> LegistarIndex:
    return LegistarIndex(
        client=client,
        index_id=ident,
        guid=r.str_("IndexGuid"),
        name=r.str_("IndexName"),
        active=r.bool_("IndexActiveFlag"),
        used=r.bool_("IndexUsedFlag"),
        last_modified_utc=r.utc("IndexLastModifiedUtc"),
    )


def _matter_index(client: str, r: _Row, ident: int, parent: int | None) -> LegistarMatterIndex:
    return LegistarMatterIndex(
        client=client,
        matter_index_id=ident,
        matter_id=r.int_("MatterIndexMatterId") or parent,
        index_id=r.int_("MatterIndexIndexId"),
        name=r.str_("MatterIndexName"),
        last_modified_utc=r.utc("MatterIndexLastModifiedUtc"),
    )


def _vote(client: str, r: _Row, ident: int, parent: int | None) -> LegistarVote:
    return LegistarVote(
        client=client,
        vote_id=ident,
        event_item_id=r.int_("VoteEventItemId") or parent,
        person_id=r.int_("VotePersonId"),
        person_name=r.str_("VotePersonName"),
        value_id=r.int_("VoteValueId"),
        value_name=r.str_("VoteValueName"),
        result=r.int_("VoteResult"),
        sort=r.int_("VoteSort"),
        last_modified_utc=r.utc("VoteLastModifiedUtc"),
    )


def _event(client: str, r: _Row, ident: int, parent: int | None) -> LegistarEvent:
    return LegistarEvent(
        client=client,
        event_id=ident,
        guid=r.str_("EventGuid"),
        body_id=r.int_("EventBodyId"),
        body_name=r.str_("EventBodyName"),
        date=r.date_("EventDate"),
        time=r.str_("EventTime"),
        location=r.str_("EventLocation"),
        agenda_status_name=r.str_("EventAgendaStatusName"),
        minutes_status_name=r.str_("EventMinutesStatusName"),
        agenda_file=r.str_("EventAgendaFile"),
        minutes_file=r.str_("EventMinutesFile"),
        insite_url=r.str_("EventInSiteURL"),
        last_modified_utc=r.utc("EventLastModifiedUtc"),
        video_path=r.str_("EventVideoPath"),
        comment=r.str_("EventComment"),
    )


def _event_item(client: str, r: _Row, ident: int, parent: int | None) -> LegistarEventItem:
    return LegistarEventItem(
        client=client,
        event_item_id=ident,
        event_id=r.int_("EventItemEventId") or parent,
        guid=r.str_("EventItemGuid"),
        agenda_sequence=r.int_("EventItemAgendaSequence"),
        minutes_sequence=r.int_("EventItemMinutesSequence"),
        agenda_number=r.str_("EventItemAgendaNumber"),
        version=r.version("EventItemVersion"),
        title=r.str_("EventItemTitle"),
        action_name=r.str_("EventItemActionName"),
        action_text=r.str_("EventItemActionText"),
        passed_flag=r.int_("EventItemPassedFlag"),
        passed_flag_name=r.str_("EventItemPassedFlagName"),
        roll_call_flag=r.int_("EventItemRollCallFlag"),
        tally=r.str_("EventItemTally"),
        mover_name=r.str_("EventItemMover"),
        seconder_name=r.str_("EventItemSeconder"),
        matter_id=r.int_("EventItemMatterId"),
        matter_file=r.str_("EventItemMatterFile"),
        matter_name=r.str_("EventItemMatterName"),
        matter_type=r.str_("EventItemMatterType"),
        matter_status=r.str_("EventItemMatterStatus"),
        last_modified_utc=r.utc("EventItemLastModifiedUtc"),
        consent=r.int_("EventItemConsent"),
    )


def _body(client: str, r: _Row, ident: int, parent: int | None) -> LegistarBody:
    return LegistarBody(
        client=client,
        body_id=ident,
        guid=r.str_("BodyGuid"),
        name=r.str_("BodyName"),
        type_name=r.str_("BodyTypeName"),
        active=r.bool_("BodyActiveFlag"),
        description=r.str_("BodyDescription"),
        last_modified_utc=r.utc("BodyLastModifiedUtc"),
        type_id=r.int_("BodyTypeId"),
        meet_flag=r.bool_("BodyMeetFlag"),
        sort=r.int_("BodySort"),
        contact_name=r.str_("BodyContactFullName"),
        contact_email=r.str_("BodyContactEmail"),
        number_of_members=r.int_("BodyNumberOfMembers"),
    )


def _person(client: str, r: _Row, ident: int, parent: int | None) -> LegistarPerson:
    return LegistarPerson(
        client=client,
        person_id=ident,
        guid=r.str_("PersonGuid"),
        full_name=r.str_("PersonFullName"),
        first_name=r.str_("PersonFirstName"),
        last_name=r.str_("PersonLastName"),
        email=r.str_("PersonEmail"),
        active=r.bool_("PersonActiveFlag"),
        last_modified_utc=r.utc("PersonLastModifiedUtc"),
        www=r.str_("PersonWWW"),
    )


def _office_record(client: str, r: _Row, ident: int, parent: int | None) -> LegistarOfficeRecord:
    return LegistarOfficeRecord(
        client=client,
        office_record_id=ident,
        guid=r.str_("OfficeRecordGuid"),
        person_id=r.int_("OfficeRecordPersonId") or parent,
        full_name=r.str_("OfficeRecordFullName"),
        body_id=r.int_("OfficeRecordBodyId"),
        body_name=r.str_("OfficeRecordBodyName"),
        title=r.str_("OfficeRecordTitle"),
        member_type=r.str_("OfficeRecordMemberType"),
        start_date=r.date_("OfficeRecordStartDate"),
        end_date=r.date_("OfficeRecordEndDate"),
        last_modified_utc=r.utc("OfficeRecordLastModifiedUtc"),
    )


_Builder = Callable[[str, _Row, int, int | None], LegistarRecord]

# Order matters: a record kind is recognised by the first identity key it carries.
KINDS: tuple[tuple[str, str, _Builder], ...] = (
    ("histories", "MatterHistoryId", _history),
    ("attachments", "MatterAttachmentId", _attachment),
    ("sponsors", "MatterSponsorId", _sponsor),
    ("matter_indexes", "MatterIndexId", _matter_index),
    ("matters", "MatterId", _matter),
    ("votes", "VoteId", _vote),
    ("event_items", "EventItemId", _event_item),
    ("events", "EventId", _event),
    ("indexes", "IndexId", _index),
    ("office_records", "OfficeRecordId", _office_record),
    ("bodies", "BodyId", _body),
    ("persons", "PersonId", _person),
)
_BY_KIND = {kind: (key, builder) for kind, key, builder in KINDS}

# A record may carry its children, as a sync or a client dump saves them (Legistar's own event items carry
# EventItemMatterAttachments the same way): the key of the nested list and the kind of its rows.
NESTED: dict[str, tuple[tuple[str, str], ...]] = {
    "matters": (
        ("MatterHistories", "histories"),
        ("MatterSponsors", "sponsors"),
        ("MatterAttachments", "attachments"),
        ("MatterIndexes", "matter_indexes"),
    ),
    "events": (("EventItems", "event_items"),),
    "event_items": (("EventItemVotes", "votes"),),
    "persons": (("PersonOfficeRecords", "office_records"),),
}


class RecordParser:
    """Builds records from decoded rows one at a time, so a file can be streamed in chunks."""

    def __init__(self, client: str, *, parent_id: int | None, kind: str | None, file: str | None) -> None:
        if kind is not None and kind not in _BY_KIND:
            raise ValueError(f"unknown Legistar record kind {kind!r}")
        self.client = client
        self.parent_id = parent_id
        self.kind = kind
        self.file = file
        self.seen: dict[str, set[int]] = {}

    def row(self, row: Any, index: int, records: list[LegistarRecord], problems: list[ParseProblem]) -> None:
        """Parse one top-level row (and the rows nested in it) into records; problems name index and field."""
        if not isinstance(row, dict):
            problems.append(
                ParseProblem(
                    "<row>", f"expected an object, got {type(row).__name__}", index, self.file, "record"
                )
            )
            return
        if self.kind is None:
            self.kind = detect_kind(row)
            if self.kind is None:
                problems.append(
                    ParseProblem(
                        "<row>", "no known identity key (MatterId, EventId, ...)", index, self.file, "record"
                    )
                )
                return
        self._one(row, self.kind, index, self.parent_id, "", records, problems)

    def _one(
        self,
        row: dict[str, Any],
        kind: str,
        index: int,
        parent: int | None,
        prefix: str | _Where,
        records: list[LegistarRecord],
        problems: list[ParseProblem],
    ) -> None:
        id_key, builder = _BY_KIND[kind]
        if id_key not in row or (prefix == "" and detect_kind(row) != kind):
            message = f"row is a {detect_kind(row) or 'unknown'} record, not {kind}"
            problems.append(ParseProblem(prefix + id_key, message, index, self.file, "record"))
            return
        ident = row.get(id_key)
        if not isinstance(ident, int) or isinstance(ident, bool):
            message = f"identity must be an integer, got {ident!r}"
            problems.append(ParseProblem(prefix + id_key, message, index, self.file, "record"))
            return
        seen = self.seen.setdefault(kind, set())
        if ident in seen:
            message = f"identity {ident} repeats an earlier row"
            problems.append(ParseProblem(prefix + id_key, message, index, self.file, "record"))
            return
        seen.add(ident)
        records.append(builder(self.client, _Row(row, index, problems, self.file, prefix), ident, parent))
        if kind == "matters" and not row.get("MatterFile"):
            message = "empty; a matter needs its file number"
            problems.append(ParseProblem(prefix + "MatterFile", message, index, self.file, "record"))
        for key, child_kind in NESTED.get(kind, ()):
            children = row.get(key)
            if children is None:
                continue
            if not isinstance(children, list):
                message = f"expected a list of {child_kind}, got {type(children).__name__}"
                problems.append(ParseProblem(prefix + key, message, index, self.file, "record"))
                continue
            for position, child in enumerate(children):
                if child.__class__ is not dict and not isinstance(child, dict):
                    message = f"expected an object, got {type(child).__name__}"
                    where = f"{prefix}{key}[{position}]"
                    problems.append(ParseProblem(where, message, index, self.file, "record"))
                    continue
                self._one(child, child_kind, index, ident, _Where(prefix, key, position), records, problems)


def detect_kind(record: dict[str, Any]) -> str | None:
    """The record kind ("matters", "histories", ...) from the identity key it carries, None if unknown."""
    return next((kind for kind, key, _ in KINDS if key in record), None)


def _rows_of(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        # OData v4 wraps lists in {"value": [...]}; a single record may come on its own.
        if isinstance(data.get("value"), list):
            return list(data["value"])
        if detect_kind(data):
            return [data]
    return None


def parse_legistar_json(
    data: Any,
    client: str,
    *,
    parent_id: int | None = None,
    kind: str | None = None,
    file: str | None = None,
) -> Parsed[LegistarBatch]:
    """Parse one decoded Web API response; parent_id is the matter/event id of a nested endpoint."""
    problems: list[ParseProblem] = []
    rows = _rows_of(data)
    if rows is None:
        problems.append(
            ParseProblem("<root>", f"expected a JSON list of records, got {type(data).__name__}", None, file)
        )
        return Parsed(LegistarBatch(kind, ()), tuple(problems))
    parser = RecordParser(client, parent_id=parent_id, kind=kind, file=file)
    records: list[LegistarRecord] = []
    for index, row in enumerate(rows):
        parser.row(row, index, records, problems)
        if parser.kind is None:
            break
    kind = parser.kind
    return Parsed(LegistarBatch(kind, tuple(records)), tuple(problems))


def load_legistar_file(
    path: str | Path, client: str, *, parent_id: int | None = None, kind: str | None = None
) -> Parsed[LegistarBatch]:
    """Read and parse a saved Web API response; undecodable JSON becomes a ParseProblem."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        return Parsed(LegistarBatch(kind, ()), (ParseProblem("<file>", f"cannot read: {exc}", None, name),))
    except json.JSONDecodeError as exc:
        problem = ParseProblem(
            "<json>", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", None, name
        )
        return Parsed(LegistarBatch(kind, ()), (problem,))
    return parse_legistar_json(data, client, parent_id=parent_id, kind=kind, file=name)


# A single record larger than this is not a Legistar record; stop rather than buffer the rest of the file.
MAX_RECORD_CHARS = 16 * 1024 * 1024
_READ_BYTES = 1 << 20
_WHITESPACE = " \t\n\r"


class JsonStreamError(ValueError):
    """The file is not a JSON list of records; message says where."""


def iter_json_list(path: str | Path) -> Iterator[Any]:
    """Decode a top-level JSON list item by item, holding one item (and a 1 MB read) in memory at a time.

    A file whose root is an object (OData's {"value": [...]} or one record) is decoded whole and its rows
    yielded. Raises JsonStreamError for anything that is not valid JSON, naming the item it stopped at.
    """
    decoder = json.JSONDecoder()
    reader = codecs.getincrementaldecoder("utf-8-sig")()
    with open(path, "rb") as handle:

        def more() -> str:
            data = handle.read(_READ_BYTES)
            return reader.decode(data, final=not data)

        buf, eof = "", False
        while not eof and not buf.strip(_WHITESPACE):
            chunk = more()
            eof = chunk == ""
            buf += chunk
        pos = len(buf) - len(buf.lstrip(_WHITESPACE))
        if pos >= len(buf):
            raise JsonStreamError("invalid JSON: the file is empty")
        if buf[pos] != "[":
            rest = buf + "".join(iter(more, ""))
            try:
                data = json.loads(rest)
            except json.JSONDecodeError as exc:
                raise JsonStreamError(
                    f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
                ) from exc
            rows = _rows_of(data)
            if rows is None:
                raise JsonStreamError(f"expected a JSON list of records, got {type(data).__name__}")
            yield from rows
            return
        pos += 1
        index = 0
        # Newlines in the part of the file already dropped from the buffer, to name an error's line.
        lines = 0
        expect_item = True
        while True:
            # Skip whitespace and the comma between items; read more when the buffer runs out.
            while True:
                while pos < len(buf) and buf[pos] in _WHITESPACE:
                    pos += 1
                if pos < len(buf) or eof:
                    break
                lines += buf.count("\n", 0, pos)
                buf, pos = buf[pos:] + more(), 0
                eof = pos >= len(buf)
            if pos >= len(buf):
                raise JsonStreamError(f"invalid JSON: the file ends inside the list, after {index} records")
            if buf[pos] == "]":
                if expect_item and index:
                    raise JsonStreamError(f"invalid JSON: a comma before ']' after record {index - 1}")
                if buf[pos + 1 :].strip(_WHITESPACE) or (
                    not eof and "".join(iter(more, "")).strip(_WHITESPACE)
                ):
                    raise JsonStreamError("invalid JSON: text after the closing ']'")
                return
            if not expect_item:
                if buf[pos] != ",":
                    raise JsonStreamError(f"invalid JSON: expected ',' or ']' after record {index - 1}")
                pos += 1
                expect_item = True
                continue
            while True:
                try:
                    item, end = decoder.raw_decode(buf, pos)
                    # A number cut by the end of the buffer would decode short; read on to be sure.
                    if end < len(buf) or eof:
                        break
                except json.JSONDecodeError as exc:
                    if eof:
                        line = lines + buf.count("\n", 0, exc.pos) + 1
                        column = exc.pos - buf.rfind("\n", 0, exc.pos)
                        raise JsonStreamError(
                            f"invalid JSON at line {line} column {column} (record {index}): {exc.msg}"
                        ) from exc
                if len(buf) - pos > MAX_RECORD_CHARS:
                    raise JsonStreamError(f"record {index} is larger than {MAX_RECORD_CHARS // 2**20} MB")
                chunk = more()
                eof = chunk == ""
                lines += buf.count("\n", 0, pos)
                buf, pos = buf[pos:] + chunk, 0
            yield item
            index += 1
            pos = end
            expect_item = False
            if pos > _READ_BYTES:
                lines += buf.count("\n", 0, pos)
                buf, pos = buf[pos:], 0


def iter_legistar_file(
    path: str | Path,
    client: str,
    *,
    parent_id: int | None = None,
    kind: str | None = None,
    chunk_records: int = 2000,
) -> Iterator[Parsed[LegistarBatch]]:
    """Stream a saved Web API response in chunks of top-level records (each with its nested rows).

    Every chunk carries the problems of its rows; the caller stops writing at the first one. Unreadable
    JSON becomes a problem of the chunk it was met in.
    """
    name = str(path)
    parser = RecordParser(client, parent_id=parent_id, kind=kind, file=name)
    records: list[LegistarRecord] = []
    problems: list[ParseProblem] = []
    count = 0
    try:
        for index, row in enumerate(iter_json_list(path)):
            parser.row(row, index, records, problems)
            count += 1
            if count >= chunk_records:
                yield Parsed(LegistarBatch(parser.kind, tuple(records)), tuple(problems))
                records, problems, count = [], [], 0
    except JsonStreamError as exc:
        problems.append(ParseProblem("<json>", str(exc), None, name))
    except UnicodeDecodeError as exc:
        problems.append(ParseProblem("<encoding>", f"not UTF-8 text ({exc.reason})", None, name))
    except OSError as exc:
        problems.append(ParseProblem("<file>", f"cannot read: {exc}", None, name))
    if records or problems or count:
        yield Parsed(LegistarBatch(parser.kind, tuple(records)), tuple(problems))


# --- derived facts -----------------------------------------------------------------------------


def matter_outcome(actions: Iterable[LegistarMatterHistory | LegistarEventItem]) -> MatterOutcome:
    """The latest action that carries a passed flag decides; MatterStatusName is not trusted for this."""
    flagged: list[tuple[tuple[date, int], LegistarMatterHistory | LegistarEventItem]] = []
    for action in actions:
        if action.passed_flag is None:
            continue
        when = action.action_date if isinstance(action, LegistarMatterHistory) else None
        ident = action.history_id if isinstance(action, LegistarMatterHistory) else action.event_item_id
        flagged.append(((when or date.min, ident), action))
    if not flagged:
        return MatterOutcome(passed=None, action_date=None, action_name=None, body_name=None)
    last = max(flagged, key=lambda pair: pair[0])[1]
    if isinstance(last, LegistarMatterHistory):
        return MatterOutcome(last.passed_flag == 1, last.action_date, last.action_name, last.action_body_name)
    return MatterOutcome(last.passed_flag == 1, None, last.action_name, None)


def _event_action_key(
    history: LegistarMatterHistory,
) -> tuple[int | None, int | None, str | None, int | None]:
    return (history.matter_id, history.event_id, history.action_name, history.action_body_id)


def duplicate_history_events(histories: Iterable[LegistarMatterHistory]) -> list[tuple[int, ...]]:
    """Groups of history ids recording the same action of the same body at the same event (a Legistar quirk)."""
    groups: dict[tuple[int | None, int | None, str | None, int | None], list[int]] = {}
    for history in histories:
        if history.event_id is not None:
            groups.setdefault(_event_action_key(history), []).append(history.history_id)
    return [tuple(sorted(ids)) for ids in groups.values() if len(ids) > 1]


def dedupe_histories(histories: Iterable[LegistarMatterHistory]) -> list[LegistarMatterHistory]:
    """Keep one history per event action, preferring the row with a version, then the lowest id."""
    best: dict[tuple[int | None, int | None, str | None, int | None], LegistarMatterHistory] = {}
    out: list[LegistarMatterHistory] = []
    for history in histories:
        if history.event_id is None:
            out.append(history)
            continue
        key = _event_action_key(history)
        current = best.get(key)
        if current is None or (history.version is None, history.history_id) < (
            current.version is None,
            current.history_id,
        ):
            best[key] = history
    out.extend(best.values())
    return sorted(out, key=lambda h: (h.action_datetime or datetime.min, h.history_id))


# --- live sync URLs ------------------------------------------------------------------------------


def _legistar_datetime(value: datetime) -> str:
    # The API compares against naive UTC timestamps.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def matters_page_url(
    client: str,
    *,
    skip: int = 0,
    top: int = 1000,
    modified_since: datetime | None = None,
    order_by: str | None = "MatterId",
) -> str:
    """URL of one page of /matters, optionally only those modified after `modified_since` (no network)."""
    if not _CLIENT.match(client):
        raise ValueError(f"invalid Legistar client name {client!r}")
    if top < 1 or skip < 0:
        raise ValueError("top must be positive and skip non-negative")
    params: list[tuple[str, str]] = [("$top", str(top)), ("$skip", str(skip))]
    if modified_since is not None:
        params.append(("$filter", f"MatterLastModifiedUtc gt datetime'{_legistar_datetime(modified_since)}'"))
    if order_by:
        # Without a stable order, $skip paging can repeat or miss rows.
        params.append(("$orderby", order_by))
    query = "&".join(f"{key}={quote(value, safe=_URL_SAFE)}" for key, value in params)
    return f"{API_ROOT}/{client}/matters?{query}"


def next_skip(skip: int, returned: int, top: int = 1000) -> int | None:
    """The $skip of the next page, or None when this page was the last (it came back short)."""
    return skip + top if returned >= top else None


def iter_matters_page_urls(
    client: str, *, modified_since: datetime | None = None, top: int = 1000, max_pages: int = 1000
) -> Iterator[str]:
    """Successive page URLs; the caller stops when a page returns fewer than `top` rows."""
    for page in range(max_pages):
        yield matters_page_url(client, skip=page * top, top=top, modified_since=modified_since)
