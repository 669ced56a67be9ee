"""The self-assessment pages: opening a round, answering, reopening, results and reports (issue 11)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal import pdf
from interlocal.assessments import actions
from interlocal.assessments.models import Round, RoundMember
from interlocal.portal.tests.assessment_setup import answer_all, open_round, small_framework
from interlocal.testkit import World
from interlocal.vocab import RoundMemberStatus

LOW = {"GV.OC-01": 2, "GV.OC-02": 3, "GV.RM-01": 5, "PR.AA-01": 2, "PR.AA-02": 6}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _members(rnd: Round) -> dict[str, RoundMember]:
    return {m.government.name: m for m in rnd.members.select_related("government")}


@pytest.fixture
def answered(world: World) -> Round:
    """A round of MARC, Lee's Summit and Blue Springs, all submitted; Blue Springs's evidence is private."""
    framework = small_framework(world.admin)
    rnd = open_round(
        world.coordinator, world.collaborative, framework, [world.marc, world.lees_summit, world.blue_springs]
    )
    m = _members(rnd)
    answer_all(world.coordinator, m["MARC"], LOW, "MARC evidence")
    answer_all(world.clerk, m["Lee's Summit"], LOW, "LS evidence")
    answer_all(world.admin, m["Blue Springs"], {**LOW, "GV.RM-01": 7}, "SECRET-BS evidence")
    return rnd


def test_it_opens_a_round_from_the_coordinators_form(world: World) -> None:
    framework = small_framework(world.admin)
    client = _client(world.coordinator)
    url = f"/collaboratives/{world.collaborative.slug}/assessments/new/"

    page = client.get(url)
    response = client.post(
        url,
        {
            "framework": framework.pk, "title": "NCSR 2026", "year": "2026", "deadline": "2099-12-31", "k": "3",
            "members": [world.marc.pk, world.lees_summit.pk, world.blue_springs.pk],
        },
    )  # fmt: skip

    assert page.status_code == 200 and b"Open a self-assessment round" in page.content
    rnd = Round.objects.get(title="NCSR 2026")
    assert response.status_code == 302 and response["Location"] == f"/assessments/{rnd.pk}/"
    assert sorted(_members(rnd)) == ["Blue Springs", "Lee's Summit", "MARC"]


def test_it_refuses_a_round_with_fewer_members_than_k(world: World) -> None:
    framework = small_framework(world.admin)
    response = _client(world.coordinator).post(
        f"/collaboratives/{world.collaborative.slug}/assessments/new/",
        {"framework": framework.pk, "title": "Too small", "year": "2026", "deadline": "2099-12-31", "k": "3",
         "members": [world.marc.pk, world.lees_summit.pk]},
    )  # fmt: skip

    assert response.status_code == 200
    assert b"Choose at least k = 3 members" in response.content
    assert not Round.objects.filter(title="Too small").exists()


def test_it_lets_a_clerk_save_a_draft_then_submit_and_the_coordinator_reopen(world: World) -> None:
    framework = small_framework(world.admin)
    rnd = open_round(
        world.coordinator, world.collaborative, framework, [world.marc, world.lees_summit, world.blue_springs]
    )
    member = _members(rnd)["Lee's Summit"]
    items = {i.code: i.pk for i in framework.nodes.filter(kind="item")}
    clerk = _client(world.clerk)
    url = f"/assessments/members/{member.pk}/"

    form = clerk.get(url)
    draft = clerk.post(
        url,
        {f"level_{items['GV.OC-01']}": "4", f"evidence_{items['GV.OC-01']}": "Policy adopted 2025",
         f"file_{items['GV.OC-01']}": SimpleUploadedFile("policy.txt", b"the policy"), "do": "save"},
    )  # fmt: skip
    early = clerk.post(url, {"do": "submit"})
    full = {f"level_{pk}": "3" for pk in items.values()}
    done = clerk.post(url, {**full, "do": "submit"})
    member.refresh_from_db()

    assert form.status_code == 200
    assert b"GV: Govern" in form.content and b"GV.OC: Organizational Context" in form.content
    assert b"4: Documented Standards/Procedures" in form.content
    assert draft.status_code == 302
    assert early.status_code == 400 and b"still open" in early.content
    assert done.status_code == 302 and done["Location"] == f"/assessments/{rnd.pk}/"
    assert member.status == RoundMemberStatus.SUBMITTED
    # The file comes back to the member's staff; the saved draft's level was overwritten by the submit.
    file = clerk.get(f"/assessments/members/{member.pk}/files/{items['GV.OC-01']}/")
    assert file.status_code == 200 and file.content == b"the policy"
    assert member.answers.get(item_id=items["GV.OC-01"]).level == 3

    round_page = _client(world.coordinator).get(f"/assessments/{rnd.pk}/")
    reopened = _client(world.coordinator).post(
        f"/assessments/members/{member.pk}/reopen/",
        {"reason": "Evidence for GV.OC-01 missing", "lock_version": member.lock_version},
    )
    member.refresh_from_db()

    assert b"Why reopen Lee&#x27;s Summit" in round_page.content
    assert reopened.status_code == 302 and member.status == RoundMemberStatus.REOPENED
    assert b"Evidence for GV.OC-01 missing" in clerk.get(url).content


def test_it_keeps_a_members_answers_from_another_member(world: World, answered: Round) -> None:
    m = _members(answered)
    clerk = _client(world.clerk)

    assert clerk.get(f"/assessments/members/{m['Blue Springs'].pk}/").status_code == 404
    assert clerk.get(f"/assessments/members/{m['Blue Springs'].pk}/report/").status_code == 404
    ls_member = m["Lee's Summit"]
    own = clerk.get(f"/assessments/members/{ls_member.pk}/")
    assert b"LS evidence GV.OC-01" in own.content and b"SECRET-BS" not in own.content
    coordinator = _client(world.coordinator).get(f"/assessments/members/{m['Blue Springs'].pk}/")
    assert b"SECRET-BS evidence GV.OC-01" in coordinator.content


def test_it_shows_members_the_results_only_once_the_round_closes(world: World, answered: Round) -> None:
    clerk, coordinator = _client(world.clerk), _client(world.coordinator)

    before = clerk.get(f"/assessments/{answered.pk}/results/")
    provisional = coordinator.get(f"/assessments/{answered.pk}/results/")
    actions.round_close(acting_user=world.coordinator, round=answered)
    after = clerk.get(f"/assessments/{answered.pk}/results/")

    assert (
        before.status_code == 200 and b'id="refused"' in before.content and b"heat-map" not in before.content
    )
    assert b'id="provisional"' in provisional.content and b'id="heat-map"' in provisional.content
    body = after.content.decode()
    assert 'id="heat-map"' in body and 'src="data:image/svg+xml;base64,' in body  # an <img>, with alt text
    assert 'alt="NCSR 2026: members by category score and level: number of members' in body
    # GV.OC-01 and PR.AA-01 are at 2 for all three members: common gaps; the coordinator alone may act on them.
    assert "GV.OC-01: Item GV.OC-01" in body and "PR.AA-01: Item PR.AA-01" in body
    assert "Turn into initiative" not in body
    assert "Turn into initiative" in coordinator.get(f"/assessments/{answered.pk}/results/").content.decode()
    assert "SECRET-BS" not in body


def test_it_turns_a_common_gap_into_an_initiative_for_the_coordinator_only(
    world: World, answered: Round
) -> None:
    url = f"/assessments/{answered.pk}/gap-initiative/"
    refused_open = _client(world.coordinator).post(url, {"item": "GV.OC-01"}, follow=True)
    actions.round_close(acting_user=world.coordinator, round=answered)

    by_clerk = _client(world.clerk).post(url, {"item": "GV.OC-01"})
    made = _client(world.coordinator).post(url, {"item": "GV.OC-01"})
    results = _client(world.coordinator).get(f"/assessments/{answered.pk}/results/").content.decode()

    assert b"Close the round first" in refused_open.content
    assert by_clerk.status_code == 403
    link = answered.gap_initiatives.get()
    assert made.status_code == 302 and made["Location"] == f"/initiatives/{link.initiative_id}/"
    assert link.initiative.stage == "exploring"
    assert sorted(p.government.name for p in link.initiative.partners.all()) == [
        "Blue Springs",
        "Lee's Summit",
        "MARC",
    ]
    assert f'href="/initiatives/{link.initiative_id}/"' in results


def test_it_reports_a_member_its_own_scores_and_percentile(world: World, answered: Round) -> None:
    actions.round_close(acting_user=world.coordinator, round=answered)
    member = _members(answered)["Lee's Summit"]

    response = _client(world.clerk).get(f"/assessments/members/{member.pk}/report/")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="percentile"' in body and "25th percentile" in body
    assert "GV.OC: Organizational Context" in body and 'id="member-functions"' in body
    assert "Peers&#x27; mean" in body or "Peers' mean" in body


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_it_renders_the_summary_and_member_report_as_pdf(world: World, answered: Round) -> None:
    if pdf.unavailable_reason():
        pytest.skip(pdf.unavailable_reason() or "")
    actions.round_close(acting_user=world.coordinator, round=answered)
    member = _members(answered)["Lee's Summit"]

    summary = _client(world.clerk).get(f"/assessments/{answered.pk}/results.pdf")
    report = _client(world.clerk).get(f"/assessments/members/{member.pk}/report.pdf")

    assert summary["Content-Type"] == "application/pdf"
    text = _pdf_text(summary.content)
    assert "NCSR 2026: collaborative summary" in text and "Common gaps" in text and "GV.OC-01" in text
    assert "Turn into initiative" not in text and "Download as PDF" not in text
    report_text = _pdf_text(report.content)
    assert "Lee's Summit: NCSR 2026 results" in report_text and "Score by category" in report_text


def test_it_reads_the_assessment_pages_in_a_bounded_number_of_queries(world: World, answered: Round) -> None:
    actions.round_close(acting_user=world.coordinator, round=answered)
    client = _client(world.coordinator)
    member = _members(answered)["Lee's Summit"]
    pages = {
        f"/collaboratives/{world.collaborative.slug}/assessments/": 12,
        f"/assessments/{answered.pk}/": 12,
        f"/assessments/members/{member.pk}/": 14,
        f"/assessments/{answered.pk}/results/": 24,
        f"/assessments/members/{member.pk}/report/": 30,
    }
    for url, most in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert len(queries) <= most, f"{url}: {len(queries)} queries"


# --- A member never sees another member's levels or evidence ------------------------------------------------

A = {"GV.OC-01": 1, "GV.OC-02": 7, "GV.RM-01": 3, "PR.AA-01": 2, "PR.AA-02": 4}
B = {"GV.OC-01": 4, "GV.OC-02": 2, "GV.RM-01": 6, "PR.AA-01": 2, "PR.AA-02": 1}


def _swapped_world(world: World, first: dict[str, int], second: dict[str, int]) -> dict[str, Any]:
    """A closed round where MARC answered `first` and Blue Springs `second`; Lee's Summit the same each time."""
    framework = small_framework(world.admin)
    rnd = open_round(
        world.coordinator, world.collaborative, framework, [world.marc, world.lees_summit, world.blue_springs]
    )
    m = _members(rnd)
    answer_all(world.coordinator, m["MARC"], first, f"note {sum(first.values())}")
    answer_all(world.clerk, m["Lee's Summit"], LOW, "LS evidence")
    answer_all(world.admin, m["Blue Springs"], second, f"note {sum(second.values())}")
    rnd = actions.round_close(acting_user=world.coordinator, round=rnd)
    return {"round": rnd, "members": _members(rnd)}


def _seen(world: World, who: Any, made: dict[str, Any]) -> dict[str, str]:
    """Every assessment page, export and feed as the user sees it, with record ids and tokens made neutral."""
    import re

    rnd, m = made["round"], made["members"]
    urls = [
        f"/collaboratives/{world.collaborative.slug}/assessments/",
        f"/assessments/{rnd.pk}/",
        f"/assessments/{rnd.pk}/results/",
        f"/assessments/{rnd.pk}/results.pdf",
        *(
            f"/assessments/members/{member.pk}/{page}"
            for member in m.values()
            for page in ("", "report/", "report.pdf")
        ),
        *(f"/assessments/members/{member.pk}/files/1/" for member in m.values()),
        f"/collaboratives/{world.collaborative.slug}/",
        "/feeds/changes.atom",
        "/me/" if who is not None else "/",
        "/api/v1/initiatives",
        "/search/?q=note",
    ]
    client = Client()
    if who is not None:
        client.force_login(who)
    seen = {}
    for number, url in enumerate(urls):
        response = client.get(url)
        body = response.content
        if response.get("Content-Type") == "application/pdf":
            text = _pdf_text(body) if not pdf.unavailable_reason() else ""
        else:
            text = body.decode("utf-8", "replace")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
        text = re.sub(r"/\d+/", "/N/", text)
        text = re.sub(r'(id|for|name|aria-describedby)="[^"]*\d+[^"]*"', "", text)
        text = re.sub(r"<updated>[^<]*</updated>|\d{4}-\d\d-\d\dT[\d:.+-]+Z?", "", text)
        seen[f"{number} {response.status_code}"] = text
    return seen


@pytest.mark.parametrize("role", ["clerk", "outsider", "public"])
def test_it_shows_nothing_that_depends_on_which_other_member_gave_which_answer(
    world: World, role: str
) -> None:
    """Swap MARC's and Blue Springs's answers: every aggregate stays, so whatever changes on a page a role reads
    would be another member's own answer. Lee's Summit's clerk, an outsider and the public see the same pages."""
    from django.db import transaction

    who = {"clerk": world.clerk, "outsider": world.outsider, "public": None}[role]
    views = []
    for first, second in ((A, B), (B, A)):
        with transaction.atomic():
            views.append(_seen(world, who, _swapped_world(world, first, second)))
            transaction.set_rollback(True)

    assert list(views[0]) == list(views[1])
    for key in views[0]:
        assert views[0][key] == views[1][key], (
            f"{role}: page {key} differs when two other members swap answers"
        )
    assert any("LS evidence GV.OC-01" in text for text in views[0].values()) == (role == "clerk")
