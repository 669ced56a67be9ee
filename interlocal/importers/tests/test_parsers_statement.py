"""Tests of the statement-of-purpose parser on the 2018 statement and the 2021 staff report."""

from __future__ import annotations

from pathlib import Path

import pytest

from interlocal.importers.parsers.legistar_detail import parse_legislation_text
from interlocal.importers.parsers.records import ListItem
from interlocal.importers.parsers.statement import extract_parties, parse_statement

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


def seed(name: str) -> str:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    return SHARED.joinpath("seeds", name).read_text(encoding="utf-8")


def test_it_reads_the_2018_statement_of_purpose() -> None:
    parsed = parse_statement(seed("002_525060c384265aea.txt"))
    rec = parsed.value
    assert parsed.problems == ()
    assert rec.title == "Statement of Purpose"
    assert rec.parties == ("Independence", "Lee's Summit", "Blue Springs")
    assert (rec.facilitator, rec.facilitator_abbreviation) == ("Mid-America Regional Council", "MARC")
    assert rec.purpose is not None
    assert rec.purpose.startswith(
        "The cities of Independence, Lee's Summit and Blue Springs, Missouri, are working"
    )
    assert len(rec.background) == 4
    assert rec.background[1].startswith("By sharing ideas and common systems")
    assert rec.action_steps_intro == "With assistance from MARC, the three jurisdictions seek to:"
    assert [step.level for step in rec.action_steps] == [0, 0, 0, 1, 1, 0]
    assert rec.action_steps[3].text.startswith("Complete the Nationwide Cyber Security Review")
    assert rec.action_steps[4].text.startswith("Work with the Government Training Institute (GTI)")
    assert rec.action_steps[5] == ListItem(
        "Expand the reach and influence of new and developing technologies.", 0
    )
    assert rec.start_note == "Initial work facilitated by MARC would commence in fall 2018."
    assert rec.ideas == (
        "Radio equipment maintenance/management",
        "Back-office operations (such as human resources and information technology, including cybersecurity "
        "management and electronic data storage solutions)",
        "Risk management, training and safety programming",
        "Recycling initiatives",
    )
    assert rec.jurisdiction_count == 3


def test_it_reads_the_impact_analysis_list_of_the_2021_staff_report() -> None:
    text = parse_legislation_text(seed("001_00bf90cbba7d7d2b.txt")).value.text
    assert text is not None
    parsed = parse_statement(text)
    rec = parsed.value
    assert rec.parties == ("Independence", "Lee's Summit", "Blue Springs", "Grandview", "Raytown")
    assert rec.jurisdiction_count == 5
    assert len(rec.action_steps) == 5
    assert all(step.level == 0 for step in rec.action_steps)
    assert (
        rec.action_steps[0].text
        == "Cooperatively identify and explore innovative, high-capacity solutions, strategies and practices."
    )
    assert rec.purpose is not None
    assert rec.purpose.startswith("In 2018 the cities of Independence")
    assert rec.facilitator_abbreviation == "MARC"
    # A staff report has no title heading, start note or ideas list: reported, not invented.
    assert {p.field for p in parsed.problems} == {"title", "start_note", "ideas"}
    assert (rec.title, rec.start_note, rec.ideas) == (None, None, ())


def test_it_flags_a_party_count_that_disagrees_with_the_text() -> None:
    text = (
        "Statement of Purpose\n\nThe cities of Alpha and Beta, Kansas, are working with the Regional Council (RC).\n\n"
        "Proposed Action Steps\n\nWith help, the three jurisdictions seek to:\n\n- Meet.\n"
    )
    parsed = parse_statement(text)
    assert parsed.value.parties == ("Alpha", "Beta")
    assert any(p.field == "parties" and "3" in p.message for p in parsed.problems)


def test_it_drops_state_names_from_party_lists() -> None:
    assert extract_parties("the cities of St. Louis, Clayton and Ladue, Missouri, agree") == (
        "St. Louis",
        "Clayton",
        "Ladue",
    )
