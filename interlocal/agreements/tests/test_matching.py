"""The adoption matcher: which history row is the adoption, and what evidence ties a matter to an agreement."""

from __future__ import annotations

import datetime as dt

from interlocal.agreements.matching import (
    ENGINE_VERSION,
    THRESHOLD,
    ActionRow,
    MatterFacts,
    VersionFacts,
    adoption_row,
    normalize_file_number,
    score,
    words,
)

RADIO = VersionFacts(
    agreement_title="Radio Equipment Maintenance Cooperative Agreement",
    version_title="Cooperative agreement (draft 2026)",
    document_titles=("Exhibit A: repair rates",),
)


def _row(key: int, day: int, action: str, result: str = "", tally: str = "") -> ActionRow:
    return ActionRow(key, dt.date(2026, 11, day), action, result, tally, "City Council")


ADOPTED = (
    _row(1, 3, "Referred", ""),
    _row(2, 4, "Recommended for approval", "Pass", "3:0"),
    _row(3, 10, "Adopted", "Pass", "8:0"),
)


def test_it_picks_the_final_passing_action_and_not_a_referral_or_recommendation() -> None:
    assert adoption_row(ADOPTED) == ADOPTED[2]
    assert adoption_row(ADOPTED[:2]) is None
    assert adoption_row([_row(1, 3, "Approved on first reading", "Pass")]) is None
    assert adoption_row([_row(1, 3, "Passed on third reading", "Pass")]) is not None


def test_it_finds_no_adoption_in_a_failed_vote_or_one_undone_later() -> None:
    assert adoption_row([_row(1, 3, "Adopted", "Fail", "2:5")]) is None
    assert adoption_row([_row(1, 3, "Adopted", "Pass"), _row(2, 9, "Veto overridden", "Fail")]) is None
    assert adoption_row([_row(1, 3, "Adopted", "")]) is None  # no Pass result: a person enters it by hand


def test_it_reads_file_numbers_loosely() -> None:
    assert normalize_file_number("RES. NO. 21-08") == normalize_file_number("Res No 21-08") == "res2108"
    assert normalize_file_number("R-2024-31") != normalize_file_number("R-2024-13")


def test_it_drops_stop_words_and_folds_plurals() -> None:
    assert words("A Resolution approving the Interlocal Agreement for Radio Services, 2026") == {
        "radio",
        "service",
    }


def test_it_proposes_a_resolution_whose_title_names_the_agreement_with_its_vote() -> None:
    matter = MatterFacts(
        "RES. NO. 26-131",
        "A Resolution approving the Radio Equipment Maintenance Cooperative Agreement with Raytown.",
        "Resolution",
        actions=ADOPTED,
    )
    found = score(matter, RADIO)

    assert found.is_proposal and found.score >= THRESHOLD
    assert found.adopted_on == dt.date(2026, 11, 10)
    assert [e.kind for e in found.evidence] == ["title_words", "matter_type"]
    stored = found.evidence_json()
    assert stored["engine_version"] == ENGINE_VERSION
    assert stored["row"] == {
        "key": 3, "date": "2026-11-10", "action": "Adopted", "result": "Pass", "tally": "8:0", "body": "City Council"
    }  # fmt: skip


def test_it_does_not_propose_an_unrelated_resolution_or_a_failed_one() -> None:
    parks = MatterFacts("RES. 26-140", "A Resolution approving the parks maintenance plan.", actions=ADOPTED)
    assert not score(parks, RADIO).is_proposal
    failed = MatterFacts(
        "RES. 26-141",
        "Approving the Radio Equipment Maintenance Cooperative Agreement",
        actions=(_row(1, 10, "Adopted", "Fail", "3:5"),),
    )
    assert score(failed, RADIO).score >= THRESHOLD and not score(failed, RADIO).is_proposal


def test_it_counts_an_attachment_an_index_and_the_coordinators_link_as_evidence() -> None:
    consent = MatterFacts(
        "R-2026-7",
        "Consent agenda items",
        indexes=("Radio Equipment Maintenance",),
        attachment_names=("Exhibit A - Repair Rates.pdf",),
        actions=ADOPTED,
    )
    found = score(consent, RADIO)
    assert {e.kind for e in found.evidence} == {"attachment", "index"} and found.is_proposal

    linked = score(MatterFacts("r 2026 7", "Consent agenda", actions=ADOPTED), VersionFacts(
        "Radio Equipment Maintenance Cooperative Agreement", expected_file_numbers=("R-2026-7",)
    ))  # fmt: skip
    assert linked.score == 100 and linked.evidence[0].kind == "explicit_link"
