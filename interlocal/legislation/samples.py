"""A small, invented but plausible set of council records for one matter's action: a body, two council members
with their offices, the council meeting of the action with its agenda item and roll call, and a work session.
The matter's own record is not touched: the agenda item finds it by file number and the action by date and name. Used by the demo (marked as illustrative) and by the test worlds, through the ingest action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from interlocal.agreements.models import MatterAction
from interlocal.governments.models import Government, Person
from interlocal.importers.parsers.legistar_api import parse_legistar_json
from interlocal.legislation.actions import council_record_publish
from interlocal.legislation.ingest import ingest_batch
from interlocal.legislation.models import Event, Official

ILLUSTRATIVE = "Illustrative record made up for the demo; not from the city's Legistar."


@dataclass(frozen=True)
class CouncilSample:
    """The records made, for tests and the demo to point at."""

    meeting: Event  # the council meeting that adopted the matter, with its roll call
    session: Event  # a work session, hidden when a marker is given
    official: Official  # a council member who voted Aye
    other: Official  # a second member, hidden when a marker is given


def build_council_sample(
    *,
    acting_user: Person,
    government: Government,
    action: MatterAction,
    client: str,
    hidden_marker: str = "",
    comment: str = "",
) -> CouncilSample:
    """Store the sample through ingest_batch (idempotent); with hidden_marker, hide the session and the second
    member and put the marker in their text, so tests can check they never leak."""
    matter = action.matter
    day = action.action_date
    date = f"{day}T00:00:00"
    members = [("Dana", "Whitfield", 101), ("Sam", f"Ortega {hidden_marker}".strip(), 102)]
    rows: dict[str, list[dict[str, Any]]] = {
        "bodies": [{"BodyId": 1, "BodyName": "City Council", "BodyTypeName": "Primary Legislative Body",
                    "BodyMeetFlag": 1, "BodyActiveFlag": 1, "BodySort": 1, "BodyNumberOfMembers": 9}],
        "persons": [
            {"PersonId": pid, "PersonFirstName": first, "PersonLastName": last,
             "PersonFullName": f"{first} {last}", "PersonActiveFlag": 1,
             "PersonOfficeRecords": [{"OfficeRecordId": pid * 10, "OfficeRecordBodyId": 1,
                                      "OfficeRecordBodyName": "City Council", "OfficeRecordTitle": "Councilmember",
                                      "OfficeRecordMemberType": "Voting Member",
                                      "OfficeRecordStartDate": "2020-04-14T00:00:00",
                                      "OfficeRecordEndDate": "2024-04-09T00:00:00"}]}
            for first, last, pid in members
        ],
        "events": [
            {"EventId": 501, "EventBodyId": 1, "EventBodyName": "City Council", "EventDate": date,
             "EventTime": "6:00 PM", "EventLocation": "City Hall, Council Chambers, 220 SE Green Street",
             "EventAgendaStatusName": "Final", "EventMinutesStatusName": "Final", "EventComment": comment or None,
             "EventItems": [{"EventItemId": 9001, "EventItemAgendaSequence": 1, "EventItemAgendaNumber": "1",
                             "EventItemTitle": matter.title, "EventItemActionName": action.action_name,
                             "EventItemPassedFlag": 1, "EventItemPassedFlagName": "Pass", "EventItemRollCallFlag": 1,
                             "EventItemTally": "1:0", "EventItemMatterId": matter.matter_id,
                             "EventItemMatterFile": matter.file_number, "EventItemVersion": matter.version or "1",
                             "EventItemVotes": [{"VoteId": 70000 + pid, "VotePersonId": pid,
                                                 "VotePersonName": f"{first} {last}", "VoteValueName": "Aye",
                                                 "VoteResult": 1, "VoteSort": i}
                                                for i, (first, last, pid) in enumerate(members[:1])]}]},
            {"EventId": 502, "EventBodyId": 1, "EventBodyName": "City Council", "EventDate": f"{day - dt.timedelta(days=7)}T00:00:00",
             "EventTime": "5:00 PM", "EventLocation": f"City Hall, Room 1 {hidden_marker}".strip(),
             "EventAgendaStatusName": "Draft", "EventComment": comment or None, "EventItems": []},
        ],
    }  # fmt: skip
    for kind in ("bodies", "persons", "events"):
        records = parse_legistar_json(rows[kind], client)
        assert not records.problems, records.problems
        ingest_batch(
            government=government, client=client, batch=records.value.records, acting_user=acting_user
        )
    scope = {"government": government, "client": client}
    sample = CouncilSample(
        meeting=Event.objects.get(**scope, event_id=501),
        session=Event.objects.get(**scope, event_id=502),
        official=Official.objects.get(**scope, person_id=101),
        other=Official.objects.get(**scope, person_id=102),
    )
    if hidden_marker:
        council_record_publish(acting_user=acting_user, record=sample.session, is_published=False)
        council_record_publish(acting_user=acting_user, record=sample.other, is_published=False)
    return sample
