"""Tests of the Legistar Web API JSON parser on the real scraper fixtures."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from interlocal.importers.parsers.legistar_api import (
    dedupe_histories,
    duplicate_history_events,
    iter_matters_page_urls,
    load_legistar_file,
    matter_outcome,
    matters_page_url,
    next_skip,
    parse_legistar_json,
)
from interlocal.importers.parsers.records import (
    LegistarAttachment,
    LegistarIndex,
    LegistarMatter,
    LegistarMatterHistory,
    LegistarMatterIndex,
)

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"

EXPECTED = {
    "chicago_dupe_event.json": ("histories", 4),
    "chicago_no_dupe_event.json": ("histories", 3),
    "lametro_matter_candidates.json": ("matters", 1),
    "lametro_minutes_candidates.json": ("attachments", 4),
    "metro_all_indexes.json": ("indexes", 532),
    "metro_matter_index.json": ("matter_indexes", 1),
}


def legistar_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    return SHARED / "data" / "legistar"


def histories(name: str, matter_id: int) -> list[LegistarMatterHistory]:
    batch = load_legistar_file(legistar_dir() / name, "chicago", parent_id=matter_id).value
    return [r for r in batch.records if isinstance(r, LegistarMatterHistory)]


def test_it_parses_every_saved_response_with_counts() -> None:
    files = sorted(p.name for p in legistar_dir().glob("*.json"))
    assert files == sorted(EXPECTED), "a new fixture appeared: add its expected kind and count"
    for name, (kind, count) in EXPECTED.items():
        parsed = load_legistar_file(legistar_dir() / name, "metro")
        assert parsed.problems == (), name
        assert (parsed.value.kind, len(parsed.value.records)) == (kind, count), name
        assert len({r.key for r in parsed.value.records}) == count, name


def test_it_reads_a_matter_with_types_and_utc_timestamps() -> None:
    (matter,) = load_legistar_file(legistar_dir() / "lametro_matter_candidates.json", "metro").value.records
    assert isinstance(matter, LegistarMatter)
    assert matter.key == ("metro", 10881)
    assert matter.file == "2024-1026"
    assert matter.name is None
    assert (matter.type_name, matter.status_name) == ("Minutes", "Passed")
    assert matter.body_name == "Board of Directors - Regular Board Meeting"
    assert (matter.intro_date, matter.agenda_date, matter.passed_date) == (
        date(2024, 10, 22),
        date(2024, 10, 31),
        date(2024, 10, 31),
    )
    assert matter.version == "1"  # Legistar versions are text
    assert matter.restrict_view_via_web is False
    assert matter.last_modified_utc == datetime(2024, 12, 13, 1, 7, 23, 667000, tzinfo=UTC)


def test_it_reads_attachments_indexes_and_matter_indexes() -> None:
    attachments = load_legistar_file(
        legistar_dir() / "lametro_minutes_candidates.json", "metro", parent_id=10881
    ).value.records
    first = attachments[0]
    assert isinstance(first, LegistarAttachment)
    assert (first.matter_id, first.matter_version, first.sort) == (10881, "0", 3)
    assert first.hyperlink is not None and first.hyperlink.endswith(".pdf")
    assert first.show_on_internet_page is True
    indexes = load_legistar_file(legistar_dir() / "metro_all_indexes.json", "metro").value.records
    zero = next(r for r in indexes if isinstance(r, LegistarIndex) and r.index_id == 207)
    assert (zero.name, zero.active, zero.used) == ("Zero Emissions", True, False)
    (link,) = load_legistar_file(legistar_dir() / "metro_matter_index.json", "metro").value.records
    assert isinstance(link, LegistarMatterIndex)
    assert (link.matter_id, link.index_id, link.name) == (5036, 2041, "BUS CONGESTION")


def test_it_reads_histories_and_decides_the_outcome_from_passed_flags() -> None:
    rows = histories("chicago_no_dupe_event.json", 38769)
    assert [h.matter_id for h in rows] == [38769, 38769, 38769]
    first, committee, council = rows
    assert (first.action_name, first.passed_flag, first.event_id, first.version) == (
        "Referred",
        None,
        None,
        "1",
    )
    assert committee.action_datetime == datetime(2013, 4, 30, 10, 0)
    assert committee.action_text == "Recommended to Pass  BY VOICE VOTE"
    outcome = matter_outcome(rows)
    assert (outcome.passed, outcome.action_date, outcome.body_name) == (
        True,
        date(2013, 5, 8),
        "City Council",
    )
    assert council.to_action_record().result == "Pass"
    assert matter_outcome(rows[:1]).passed is None


def test_it_finds_and_collapses_the_duplicated_event_action() -> None:
    rows = histories("chicago_dupe_event.json", 38768)
    assert duplicate_history_events(rows) == [(200020, 200942)]
    kept = dedupe_histories(rows)
    assert [h.history_id for h in kept] == [192728, 198127, 200020]
    assert duplicate_history_events(histories("chicago_no_dupe_event.json", 38769)) == []


def test_it_rejects_structurally_wrong_payloads_naming_row_and_key() -> None:
    parsed = parse_legistar_json({"error": "nope"}, "x")
    assert parsed.value.records == ()
    assert parsed.problems[0].field == "<root>"

    rows = [
        {"MatterId": 1, "MatterFile": "A-1"},
        "not an object",
        {"MatterId": "2"},
        {"EventId": 3},
        {"MatterId": 4, "MatterIntroDate": "yesterday", "MatterTypeId": "seven"},
        {"MatterId": 1},
    ]
    parsed = parse_legistar_json(rows, "x")
    assert [r.key for r in parsed.value.records] == [("x", 1), ("x", 4)]
    found = {(p.row, p.field) for p in parsed.problems}
    assert found == {
        (1, "<row>"),
        (2, "MatterId"),
        (3, "MatterId"),
        (4, "MatterIntroDate"),
        (4, "MatterTypeId"),
        (4, "MatterFile"),  # a matter without its file number cannot be stored
        (5, "MatterId"),
    }


def test_it_reports_a_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"MatterId": 1,]')
    parsed = load_legistar_file(bad, "x")
    assert parsed.value.records == ()
    assert parsed.problems[0].field == "<json>"
    assert parsed.problems[0].file == str(bad)
    assert parse_legistar_json(json.loads("[]"), "x").value.kind is None


def test_it_builds_paged_sync_urls() -> None:
    since = datetime(2024, 1, 1, 6, 30, tzinfo=timezone(timedelta(hours=1)))
    url = matters_page_url("leessummit", skip=2000, modified_since=since)
    assert url == (
        "https://webapi.legistar.com/v1/leessummit/matters?$top=1000&$skip=2000"
        "&$filter=MatterLastModifiedUtc%20gt%20datetime'2024-01-01T05:30:00'&$orderby=MatterId"
    )
    assert (
        matters_page_url("metro", order_by=None)
        == "https://webapi.legistar.com/v1/metro/matters?$top=1000&$skip=0"
    )
    urls = list(iter_matters_page_urls("metro", top=50, max_pages=3))
    assert [u.split("$skip=")[1].split("&")[0] for u in urls] == ["0", "50", "100"]
    assert next_skip(0, 1000) == 1000
    assert next_skip(1000, 12) is None
    with pytest.raises(ValueError):
        matters_page_url("metro/../x")


def test_it_streams_a_list_item_by_item_across_read_boundaries(tmp_path: Path) -> None:
    from interlocal.importers.parsers.legistar_api import _READ_BYTES, iter_json_list

    rows = [
        {"MatterId": 1, "MatterTitle": "x" * (2 * _READ_BYTES)},
        12345,
        {"MatterId": 2, "MatterFile": "é"},
    ]
    path = tmp_path / "big.json"
    path.write_text(" \n" + json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert list(iter_json_list(path)) == rows
    odata = tmp_path / "odata.json"
    odata.write_text(json.dumps({"value": [{"MatterId": 3}]}))
    assert list(iter_json_list(odata)) == [{"MatterId": 3}]


def test_it_names_where_a_streamed_list_goes_wrong(tmp_path: Path) -> None:
    from interlocal.importers.parsers.legistar_api import JsonStreamError, iter_json_list

    cases = {
        "": "the file is empty",
        '[{"a": 1},]': "a comma before ']' after record 0",
        '[{"a": 1}] extra': "text after the closing ']'",
        '[{"a": 1} {"b": 2}]': "expected ',' or ']' after record 0",
        '[{"a": 1},\n {"b": ': "invalid JSON at line 2 column 7 (record 1)",
    }
    for text, message in cases.items():
        path = tmp_path / "bad.json"
        path.write_text(text)
        with pytest.raises(JsonStreamError, match=re.escape(message)):
            list(iter_json_list(path))


def test_it_reads_text_versions_as_legistar_publishes_them() -> None:
    rows = [
        {"MatterId": 1, "MatterFile": "Int 0001-2018", "MatterVersion": "*"},
        {"MatterId": 2, "MatterFile": "Res 0002-2018", "MatterVersion": "A"},
        {"MatterId": 3, "MatterFile": "2024-1026", "MatterVersion": 1},
        {"MatterId": 4, "MatterFile": "X", "MatterVersion": ["1"]},
    ]
    parsed = parse_legistar_json(rows, "nyc")
    assert [r.version for r in parsed.value.records] == ["*", "A", "1", None]  # type: ignore[union-attr]
    (problem,) = parsed.problems
    assert (problem.row, problem.field) == (3, "MatterVersion")
