"""Everything a Legistar client publishes is stored: New York City's text versions, enactment dates, bodies,
persons with their offices, events, event items and roll-call votes; bad JSON changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from interlocal.agreements.models import LegislativeMatter, MatterAction
from interlocal.audit.models import AuditEvent
from interlocal.importers.parsers.legistar_api import parse_legistar_json
from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.legislation.ingest import IngestRefused, ingest_batch
from interlocal.legislation.models import Body, Event, EventItem, OfficeRecord, Official, Vote
from interlocal.testkit import World

pytestmark = pytest.mark.django_db

# Rows shaped like New York City's Web API (webapi.legistar.com/v1/nyc): text versions, "Int" file numbers.
NYC_MATTER: dict[str, Any] = {
    "MatterId": 60123,
    "MatterGuid": "0C9E1B7A-2F1A-4E58-9D59-3A0D6D1F2E11",
    "MatterLastModifiedUtc": "2018-12-21T20:12:32.72",
    "MatterFile": "Int 0001-2018",
    "MatterName": "Requiring the department of transportation to study shared bus lanes.",
    "MatterTitle": "A Local Law to amend the administrative code of the city of New York, in relation to a "
    "study of shared bus lanes",
    "MatterTypeId": 2,
    "MatterTypeName": "Introduction",
    "MatterStatusId": 35,
    "MatterStatusName": "Enacted",
    "MatterBodyId": 5,
    "MatterBodyName": "Committee on Transportation",
    "MatterIntroDate": "2018-01-31T00:00:00",
    "MatterAgendaDate": "2018-01-31T00:00:00",
    "MatterPassedDate": "2018-11-14T00:00:00",
    "MatterEnactmentDate": "2018-12-17T00:00:00",
    "MatterEnactmentNumber": "2018/221",
    "MatterRequester": None,
    "MatterNotes": None,
    "MatterVersion": "*",
    "MatterRestrictViewViaWeb": False,
}
NYC_HISTORY: dict[str, Any] = {
    "MatterHistoryId": 410001,
    "MatterHistoryGuid": "A6D7B0E0-0C8E-4A0F-8D21-6B9B8B1C7E01",
    "MatterHistoryLastModifiedUtc": "2018-11-15T14:02:11.5",
    "MatterHistoryEventId": 8801,
    "MatterHistoryAgendaSequence": 12,
    "MatterHistoryMinutesSequence": 12,
    "MatterHistoryAgendaNumber": None,
    "MatterHistoryVersion": "A",
    "MatterHistoryActionDate": "2018-11-14T00:00:00",
    "MatterHistoryActionId": 71,
    "MatterHistoryActionName": "Approved by Council",
    "MatterHistoryActionText": "On a motion by Council Member Rodriguez, the Introduction was approved.",
    "MatterHistoryActionBodyId": 1,
    "MatterHistoryActionBodyName": "City Council",
    "MatterHistoryPassedFlag": 1,
    "MatterHistoryPassedFlagName": "Pass",
    "MatterHistoryRollCallFlag": 1,
    "MatterHistoryTally": "48-0-0",
    "MatterHistoryConsent": 0,
    "MatterHistoryMoverId": None,
    "MatterHistoryMoverName": None,
    "MatterHistorySeconderId": None,
    "MatterHistorySeconderName": None,
    "MatterHistoryMatterStatusId": 35,
}
NYC_SPONSOR: dict[str, Any] = {
    "MatterSponsorId": 99001,
    "MatterSponsorMatterId": 60123,
    "MatterSponsorMatterVersion": "*",
    "MatterSponsorNameId": 7631,
    "MatterSponsorBodyId": 1,
    "MatterSponsorName": "Ydanis A. Rodriguez",
    "MatterSponsorSequence": 0,
    "MatterSponsorLastModifiedUtc": "2018-01-31T17:20:00.1",
}
NYC_ATTACHMENT: dict[str, Any] = {
    "MatterAttachmentId": 151001,
    "MatterAttachmentName": "Committee Report 11/13/18",
    "MatterAttachmentHyperlink": "https://legistar.council.nyc.gov/View.ashx?M=F&ID=6712345&GUID=ABC",
    "MatterAttachmentFileName": "6712345.pdf",
    "MatterAttachmentMatterVersion": "B",
    "MatterAttachmentIsHyperlink": False,
    "MatterAttachmentSort": 1,
    "MatterAttachmentLastModifiedUtc": "2018-11-13T10:00:00",
}
NYC_BODY: dict[str, Any] = {
    "BodyId": 1,
    "BodyGuid": "E3C1C1B4-CB3E-4D2B-9C1E-0D2A1D2F0C11",
    "BodyLastModifiedUtc": "2014-01-01T00:00:00",
    "BodyName": "City Council",
    "BodyTypeId": 1,
    "BodyTypeName": "Primary Legislative Body",
    "BodyMeetFlag": 1,
    "BodyActiveFlag": 1,
    "BodySort": 1,
    "BodyDescription": None,
    "BodyContactFullName": "Michael M. McSweeney",
    "BodyNumberOfMembers": 51,
}
NYC_PERSON: dict[str, Any] = {
    "PersonId": 7631,
    "PersonGuid": "1B7E2C5A-9A0B-4B0E-8F6C-2A2D1E1F0A31",
    "PersonLastModifiedUtc": "2018-01-02T09:00:00",
    "PersonFirstName": "Ydanis",
    "PersonLastName": "Rodriguez",
    "PersonFullName": "Ydanis A. Rodriguez",
    "PersonActiveFlag": 1,
    "PersonEmail": "district10@council.nyc.gov",
    "PersonWWW": "https://council.nyc.gov/district-10/",
}
NYC_OFFICE: dict[str, Any] = {
    "OfficeRecordId": 31001,
    "OfficeRecordPersonId": 7631,
    "OfficeRecordFullName": "Ydanis A. Rodriguez",
    "OfficeRecordBodyId": 1,
    "OfficeRecordBodyName": "City Council",
    "OfficeRecordTitle": "Council Member",
    "OfficeRecordMemberType": "Voting Member",
    "OfficeRecordStartDate": "2018-01-01T00:00:00",
    "OfficeRecordEndDate": "2021-12-31T00:00:00",
}
NYC_EVENT: dict[str, Any] = {
    "EventId": 8801,
    "EventGuid": "4D2B0F0A-2D7E-4F7A-8C33-9C1A0E6B2A51",
    "EventLastModifiedUtc": "2018-11-20T16:00:00",
    "EventBodyId": 1,
    "EventBodyName": "City Council",
    "EventDate": "2018-11-14T00:00:00",
    "EventTime": "1:30 PM",
    "EventAgendaStatusName": "Final",
    "EventMinutesStatusName": "Final",
    "EventLocation": "Council Chambers - City Hall",
    "EventAgendaFile": "https://legistar.council.nyc.gov/View.ashx?M=A&ID=621212&GUID=XYZ",
    "EventMinutesFile": "https://legistar.council.nyc.gov/View.ashx?M=M&ID=621212&GUID=XYZ",
    "EventInSiteURL": "https://legistar.council.nyc.gov/MeetingDetail.aspx?LEGID=8801&GID=61&G=XYZ",
    "EventComment": "Stated Meeting",
}
NYC_EVENT_ITEM: dict[str, Any] = {
    "EventItemId": 220001,
    "EventItemGuid": "77A1B2C3-0000-4000-8000-000000000001",
    "EventItemLastModifiedUtc": "2018-11-20T16:00:00",
    "EventItemEventId": 8801,
    "EventItemAgendaSequence": 12,
    "EventItemMinutesSequence": 12,
    "EventItemAgendaNumber": "12",
    "EventItemVersion": "*",
    "EventItemTitle": NYC_MATTER["MatterTitle"],
    "EventItemActionName": "Approved by Council",
    "EventItemPassedFlag": 1,
    "EventItemPassedFlagName": "Pass",
    "EventItemRollCallFlag": 1,
    "EventItemTally": "48-0-0",
    "EventItemConsent": 0,
    "EventItemMatterId": 60123,
    "EventItemMatterFile": "Int 0001-2018",
    "EventItemMatterName": NYC_MATTER["MatterName"],
    "EventItemMatterType": "Introduction",
    "EventItemMatterStatus": "Enacted",
}
NYC_VOTE: dict[str, Any] = {
    "VoteId": 5500001,
    "VoteGuid": "9C0B8A7D-0000-4000-8000-000000000001",
    "VoteLastModifiedUtc": "2018-11-20T16:00:00",
    "VotePersonId": 7631,
    "VotePersonName": "Ydanis A. Rodriguez",
    "VoteValueId": 16,
    "VoteValueName": "Affirmative",
    "VoteSort": 1,
    "VoteResult": 1,
    "VoteEventItemId": 220001,
}


def write(tmp_path: Path, name: str, rows: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(rows))
    return str(path)


def imp(world: World, path: str, *extra: str, client: str = "nyc") -> tuple[int, str]:
    args = ["legistar-api", path, "--as", world.admin.username, "--government", world.kansas_city.slug]
    return run(*args, "--client", client, *extra)


def test_it_imports_new_york_matters_with_text_versions_and_the_enactment_date(
    world: World, tmp_path: Path
) -> None:
    code, out = imp(world, write(tmp_path, "matters.json", [NYC_MATTER]))
    assert code == 0, out
    matter = LegislativeMatter.objects.get(client="nyc", matter_id=60123)
    assert (matter.file_number, matter.version) == ("Int 0001-2018", "*")
    assert matter.enactment_date == dt.date(2018, 12, 17)
    assert matter.enactment_number == "2018/221"


def test_it_imports_new_york_histories_sponsors_and_attachments_with_text_versions(
    world: World, tmp_path: Path
) -> None:
    assert imp(world, write(tmp_path, "matters.json", [NYC_MATTER]))[0] == 0
    for name, rows in (
        ("histories.json", [NYC_HISTORY]),
        ("sponsors.json", [NYC_SPONSOR]),
        ("attachments.json", [NYC_ATTACHMENT]),
    ):
        code, out = imp(world, write(tmp_path, name, rows), "--parent", "60123")
        assert code == 0, out
    matter = LegislativeMatter.objects.get(client="nyc", matter_id=60123)
    (action,) = matter.actions.all()
    assert (action.version, action.action_name, action.tally) == ("A", "Approved by Council", "48-0-0")
    assert action.action_date == dt.date(2018, 11, 14)
    assert matter.sponsors == ["Ydanis A. Rodriguez"]
    (attachment,) = matter.attachments.all()
    # A relative-looking Legistar link (View.ashx?...) is kept as published.
    assert attachment.url == NYC_ATTACHMENT["MatterAttachmentHyperlink"]


def test_it_stores_bodies_persons_offices_events_items_and_votes(world: World, tmp_path: Path) -> None:
    files = [
        ("bodies.json", [NYC_BODY], ()),
        ("persons.json", [NYC_PERSON], ()),
        ("officerecords.json", [NYC_OFFICE], ()),
        ("matters.json", [NYC_MATTER], ()),
        ("histories.json", [NYC_HISTORY], ("--parent", "60123")),
        ("events.json", [NYC_EVENT], ()),
        ("eventitems.json", [NYC_EVENT_ITEM], ()),
        ("votes.json", [NYC_VOTE], ()),
    ]
    for name, rows, extra in files:
        code, out = imp(world, write(tmp_path, name, rows), *extra)
        assert code == 0, out
        assert "does not store" not in out
    body = Body.objects.get(client="nyc", body_id=1)
    assert (body.name, body.type_name, body.number_of_members) == (
        "City Council",
        "Primary Legislative Body",
        51,
    )
    person = Official.objects.get(client="nyc", person_id=7631)
    assert (person.full_name, person.email) == ("Ydanis A. Rodriguez", "district10@council.nyc.gov")
    office = OfficeRecord.objects.get(person=person)
    assert (office.body, office.title, office.start_date) == (body, "Council Member", dt.date(2018, 1, 1))
    event = Event.objects.get(client="nyc", event_id=8801)
    assert (event.body, event.date, event.time, event.location) == (
        body,
        dt.date(2018, 11, 14),
        "1:30 PM",
        "Council Chambers - City Hall",
    )
    assert event.minutes_file.endswith("M=M&ID=621212&GUID=XYZ")
    item = EventItem.objects.get(client="nyc", event_item_id=220001)
    matter = LegislativeMatter.objects.get(client="nyc", matter_id=60123)
    assert (item.event, item.matter, item.version, item.passed_flag) == (event, matter, "*", True)
    assert item.matter_action == MatterAction.objects.get(matter=matter)
    vote = Vote.objects.get(client="nyc", vote_id=5500001)
    assert (vote.event_item, vote.person, vote.value_name, vote.result) == (item, person, "Affirmative", 1)


def test_it_imports_a_whole_client_with_nested_rows_and_a_second_run_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    matter = {**NYC_MATTER, "MatterHistories": [NYC_HISTORY], "MatterSponsors": [NYC_SPONSOR]}
    event = {**NYC_EVENT, "EventItems": [{**NYC_EVENT_ITEM, "EventItemVotes": [NYC_VOTE]}]}
    person = {**NYC_PERSON, "PersonOfficeRecords": [NYC_OFFICE]}
    paths = [
        write(tmp_path, "bodies.json", [NYC_BODY]),
        write(tmp_path, "persons.json", [person]),
        write(tmp_path, "matters.json", [matter]),
        write(tmp_path, "events.json", [event]),
    ]
    for path in paths:
        code, out = imp(world, path)
        assert code == 0, out
    assert Vote.objects.get().event_item.matter.file_number == "Int 0001-2018"  # type: ignore[union-attr]
    assert OfficeRecord.objects.get().person.full_name == "Ydanis A. Rodriguez"
    audits = AuditEvent.objects.filter(verb="legistar_ingest").count()
    assert audits == 4  # one audit event per import run, not per row
    before = fingerprint()
    for path in paths:
        code, out = imp(world, path)
        assert code == 0 and "No changes" in out, out
    assert fingerprint() == before


def test_it_updates_a_changed_vote_and_bumps_a_changed_matter(world: World, tmp_path: Path) -> None:
    matter = {**NYC_MATTER, "MatterSponsors": [NYC_SPONSOR]}
    event = {**NYC_EVENT, "EventItems": [{**NYC_EVENT_ITEM, "EventItemVotes": [NYC_VOTE]}]}
    imp(world, write(tmp_path, "m.json", [matter]))
    imp(world, write(tmp_path, "e.json", [event]))
    stored = LegislativeMatter.objects.get(client="nyc", matter_id=60123)
    matter["MatterStatusName"] = "Vetoed"
    event["EventItems"][0]["EventItemVotes"] = [{**NYC_VOTE, "VoteValueName": "Negative", "VoteResult": 2}]
    code, out = imp(world, write(tmp_path, "m.json", [matter]))
    assert code == 0 and "1 changed" in out, out
    code, out = imp(world, write(tmp_path, "e.json", [event]))
    assert code == 0 and "1 changed" in out, out
    again = LegislativeMatter.objects.get(pk=stored.pk)
    assert (again.status_name, again.lock_version) == ("Vetoed", stored.lock_version + 1)
    assert Vote.objects.get().value_name == "Negative"


def test_it_rejects_a_json_with_wrong_types_naming_file_record_and_field(
    world: World, tmp_path: Path
) -> None:
    good = {**NYC_MATTER}
    bad = {**NYC_MATTER, "MatterId": 60124, "MatterFile": "Int 0002-2018", "MatterIntroDate": 20180131}
    path = write(tmp_path, "nyc_matters.json", [good, bad])
    before = fingerprint()
    code, out = imp(world, path)
    assert code != 0
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {path}, record 1, field MatterIntroDate: expected an ISO date-time, got 20180131"
    ], out
    assert fingerprint() == before


def test_it_rejects_a_wrong_type_deep_in_a_nested_row_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    rows = [
        {**NYC_MATTER, "MatterId": 70000 + i, "MatterFile": f"Int {i:04d}-2018", "MatterSponsors": []}
        for i in range(2500)
    ]
    rows[2400]["MatterHistories"] = [{**NYC_HISTORY, "MatterHistoryVersion": ["A"]}]
    path = write(tmp_path, "big.json", rows)
    before = fingerprint()
    code, out = imp(world, path)
    assert code != 0
    # The first 2,000 records were stored in an earlier chunk; the whole file is rolled back.
    assert "record 2400, field MatterHistories[0].MatterHistoryVersion: expected a version" in out, out
    assert fingerprint() == before


def test_it_rejects_truncated_json_and_utf16_text_with_one_line_each(world: World, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.json"
    truncated.write_text(json.dumps([NYC_MATTER, NYC_MATTER])[:-300])
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(json.dumps([NYC_MATTER]).encode("utf-16"))
    before = fingerprint()
    for path, reason in ((truncated, "(record 1)"), (utf16, "not UTF-8 text")):
        code, out = imp(world, str(path))
        assert code != 0
        (error,) = [line for line in out.splitlines() if line.startswith("error:")]
        assert str(path) in error and reason in error, out
    assert fingerprint() == before


def test_it_refuses_a_vote_whose_event_item_is_unknown_through_ingest_batch(world: World) -> None:
    parsed = parse_legistar_json([NYC_VOTE], "nyc")
    before = fingerprint()
    with pytest.raises(IngestRefused, match="VoteEventItemId 220001 is not stored"):
        ingest_batch(
            government=world.kansas_city, client="nyc", batch=parsed.value.records, acting_user=world.admin
        )
    assert fingerprint() == before


def test_it_ingests_a_mixed_batch_for_sync_and_says_what_it_did(world: World) -> None:
    records = [
        *parse_legistar_json([NYC_MATTER], "nyc").value.records,
        *parse_legistar_json([NYC_HISTORY], "nyc", parent_id=60123).value.records,
        *parse_legistar_json([NYC_EVENT], "nyc").value.records,
        *parse_legistar_json([NYC_EVENT_ITEM], "nyc").value.records,
    ]
    counts = ingest_batch(government=world.kansas_city, client="nyc", batch=records, acting_user=world.admin)
    assert counts.summary() == {
        "actions": {"new": 1},
        "event_items": {"new": 1},
        "events": {"new": 1},
        "matters": {"new": 1},
    }
    again = ingest_batch(government=world.kansas_city, client="nyc", batch=records, acting_user=world.admin)
    assert again.changes == 0


def test_it_refuses_ingest_by_a_user_who_may_not_record_the_councils_matters(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    records = parse_legistar_json([NYC_BODY], "nyc").value.records
    with pytest.raises(PermissionDenied):
        ingest_batch(government=world.kansas_city, client="nyc", batch=records, acting_user=world.clerk)
    assert not Body.objects.exists()


def test_it_imports_the_real_chicago_histories_with_exact_rows(world: World) -> None:
    path = str(shared("data", "legistar", "chicago_dupe_event.json"))
    code, out = imp(world, path, "--parent", "38768", client="chicago")
    assert code == 0, out
    assert "1 duplicate history rows of one event action were merged" in out
    matter = LegislativeMatter.objects.get(client="chicago", matter_id=38768)
    assert not matter.is_published  # a placeholder until its matter record comes
    rows = list(matter.actions.values_list("action_date", "action_name", "action_body_name", "version"))
    assert rows == [
        (dt.date(2013, 3, 13), "Referred", "City Council", "1"),
        (
            dt.date(2013, 4, 30),
            "Recommended to Pass",
            "Committee on Zoning, Landmarks and Building Standards",
            "1",
        ),
        (dt.date(2013, 5, 8), "Passed", "City Council", "1"),
    ]
    # The last passing vote decides the passed date.
    assert matter.passed_date == dt.date(2013, 5, 8)


def test_it_imports_the_real_metro_matter_and_attachments(world: World) -> None:
    matter_path = str(shared("data", "legistar", "lametro_matter_candidates.json"))
    attachments_path = str(shared("data", "legistar", "lametro_minutes_candidates.json"))
    assert imp(world, matter_path, client="metro")[0] == 0
    code, out = imp(world, attachments_path, "--parent", "10881", client="metro")
    assert code == 0, out
    matter = LegislativeMatter.objects.get(client="metro", matter_id=10881)
    assert (matter.file_number, matter.version, matter.enactment_date) == ("2024-1026", "1", None)
    rows = list(matter.attachments.values_list("position", "name"))
    assert rows == [
        (0, "Regular Board Meeting MINUTES - September 26, 2024"),
        (1, "September 2024 RBM Public Comments"),
        (2, "Special Board Meeting/Ad Hoc 2028 MINUTES - October 23, 2024"),
        (3, "October 2024 SBM/Ad Hoc Public Comments"),
    ]
    assert matter.attachments.get(position=0).url == (
        "https://metro.legistar1.com/metro/attachments/73425e96-9569-465d-b4c2-14ef9398e6ee.pdf"
    )


def test_it_exports_meetings_items_votes_and_officials(world: World, tmp_path: Path) -> None:
    import csv
    import io

    from django.core.management import call_command

    event = {**NYC_EVENT, "EventItems": [{**NYC_EVENT_ITEM, "EventItemVotes": [NYC_VOTE]}]}
    for name, rows in (("p.json", [NYC_PERSON]), ("m.json", [NYC_MATTER]), ("e.json", [event])):
        assert imp(world, write(tmp_path, name, rows))[0] == 0

    def export(*args: str) -> str:
        out = io.StringIO()
        call_command("export", *args, stdout=out)
        return out.getvalue()

    (vote,) = csv.DictReader(io.StringIO(export("votes", "--format", "csv")))
    assert (vote["vote_id"], vote["person_name"], vote["value_name"]) == (
        "5500001",
        "Ydanis A. Rodriguez",
        "Affirmative",
    )
    (official,) = json.loads(export("officials", "--format", "json"))
    assert official["email"] == "district10@council.nyc.gov"
    (meeting,) = json.loads(export("events", "--format", "ocd"))
    assert (meeting["name"], meeting["start_date"], meeting["location"]) == (
        "City Council",
        "2018-11-14",
        {"name": "Council Chambers - City Hall"},
    )
    (item,) = meeting["agenda"]
    assert item["related_entities"] == [{"entity_type": "bill", "name": "Int 0001-2018"}]
    assert item["extras"]["votes"] == [{"voter_name": "Ydanis A. Rodriguez", "option": "Affirmative"}]
    assert [d["note"] for d in meeting["documents"]] == ["Agenda", "Minutes"]


def test_it_previews_a_dry_run_without_writing(world: World, tmp_path: Path) -> None:
    event = {**NYC_EVENT, "EventItems": [{**NYC_EVENT_ITEM, "EventItemVotes": [NYC_VOTE]}]}
    before = fingerprint()
    code, out = imp(world, write(tmp_path, "e.json", [event]), "--dry-run")
    assert code == 0 and "Would import" in out and "3 new" in out, out
    assert fingerprint() == before


def test_it_keeps_a_hidden_meeting_hidden_when_the_client_changes_it(world: World, tmp_path: Path) -> None:
    from interlocal.legislation.actions import council_record_publish

    imp(world, write(tmp_path, "e.json", [NYC_EVENT]))
    event = Event.objects.get(client="nyc", event_id=8801)
    council_record_publish(acting_user=world.admin, record=event, is_published=False)
    code, out = imp(world, write(tmp_path, "e.json", [{**NYC_EVENT, "EventTime": "2:00 PM"}]))
    assert code == 0 and "1 changed" in out, out
    event.refresh_from_db()
    assert (event.time, event.is_published) == ("2:00 PM", False)


def test_it_publishes_a_placeholder_meeting_when_its_record_comes(world: World, tmp_path: Path) -> None:
    imp(world, write(tmp_path, "items.json", [NYC_EVENT_ITEM]))
    placeholder = Event.objects.get(client="nyc", event_id=8801)
    assert not placeholder.is_published and placeholder.date is None
    imp(world, write(tmp_path, "e.json", [NYC_EVENT]))
    placeholder.refresh_from_db()
    assert placeholder.is_published and placeholder.date == dt.date(2018, 11, 14)
