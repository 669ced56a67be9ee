"""The three seed documents import with the values they show, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from interlocal.agreements.models import Agreement, LegislativeMatter
from interlocal.collaboratives.models import Membership
from interlocal.governments.models import Government
from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.initiatives.models import Initiative
from interlocal.testkit import World
from interlocal.vocab import PartnerRole, TermKind

pytestmark = pytest.mark.django_db

PLAN = "000_e4373412cf413f25.txt"
LEGISLATION = "001_00bf90cbba7d7d2b.txt"
STATEMENT = "002_525060c384265aea.txt"


def import_plan(world: World) -> tuple[int, str]:
    return run(
        "plan-page",
        str(shared("seeds", PLAN)),
        "--as",
        world.coordinator.username,
        "--collaborative",
        world.collaborative.slug,
        "--plan",
        "stl-county-plan",
    )


def test_it_imports_the_plan_page_as_lr33(world: World) -> None:
    code, out = import_plan(world)
    assert code == 0, out
    lr33 = Initiative.objects.get(code="LR.33")
    assert lr33.title == "Develop a 5-year Action Plan for shared services"
    assert lr33.get_status_display() == "New"
    assert (lr33.is_policy, lr33.is_project, lr33.is_partnership) == (True, False, False)
    assert lr33.plan_position == 33
    lead = [p.government for p in lr33.partners.filter(role=PartnerRole.LEAD)]
    assert [g.name for g in lead] == ["St. Louis County Department of Planning"]
    assert lead[0].kind == "department"
    supporting = [
        p.government for p in lr33.partners.filter(role=PartnerRole.SUPPORTING).order_by("position")
    ]
    assert len(supporting) == 5
    assert supporting[1].name == "St. Louis Economic Development Partnership"
    assert supporting[1].kind == "institute"
    assert [t.name for t in lr33.terms.filter(kind=TermKind.FUNDING_SOURCE)] == ["General operating revenue"]
    assert terms(lr33) == LR33_TERMS
    assert "more equitable and equivalent level of service" in lr33.equity_considerations
    assert "greater economic efficiency" not in lr33.equity_considerations
    assert "greater economic efficiency" in lr33.sustainability_considerations
    assert (
        lr33.tracking_implementation == "Hire consultant to complete plan with County Task Force oversight."
    )
    assert lr33.tracking_success == ["Publish the Action Plan."]
    assert lr33.if_overperforming == "Publish updates and educate."
    assert lr33.if_underperforming == ""
    assert (lr33.cost_band, lr33.timeline_band) == ("", "")
    assert "cost_band left unknown" in out and "timeline_band left unknown" in out
    ordered = list(Initiative.objects.filter(plan=lr33.plan).order_by("plan_position"))
    assert [i.code for i in ordered] == ["LR.32", "LR.33", "LR.34"]
    assert ordered[0].title.startswith("Collaborate with adjacent counties")


LR33_TERMS = {
    TermKind.PLAN_GOAL: ["Complete Communities", "Inclusive Economies", "Leading the Region"],
    TermKind.GEOGRAPHIC_SCALE: ["Countywide"],
    TermKind.KEY_ISSUE: ["Infrastructure Cost-burden", "Social & Environmental Resilience"],
    TermKind.TOPIC_AREA: ["Economic Development", "Transportation & Infrastructure"],
    TermKind.FUNDING_SOURCE: ["General operating revenue"],
}


def terms(initiative: Initiative) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in initiative.terms.order_by("name"):
        out.setdefault(t.kind, []).append(t.name)
    return out


def section(page: str, element_id: str, tag: str = "ul") -> list[str]:
    """The items of the (first) list with this id on a page."""
    ident = f' id="{element_id}"' if element_id else ""
    match = re.search(rf"<{tag}[^>]*{ident}>(.*?)</{tag}>", page, re.S)
    assert match, element_id
    return [
        html.unescape(re.sub(r"<[^>]+>", "", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    ]


def test_it_shows_lr33_goals_scales_and_key_issues_as_the_seed_marks_them(
    world: World, client: Client
) -> None:
    assert import_plan(world)[0] == 0
    lr33 = Initiative.objects.get(code="LR.33")
    client.force_login(world.coordinator)
    page = client.get(f"/initiatives/{lr33.pk}/").content.decode()
    assert section(page, "goals") == ["Complete Communities", "Inclusive Economies", "Leading the Region"]
    assert section(page, "scales") == ["Countywide"]
    assert section(page, "key-issues") == ["Infrastructure Cost-burden", "Social & Environmental Resilience"]
    assert section(page, "topics") == ["Economic Development", "Transportation & Infrastructure"]
    assert page.index('id="goals"') < page.index('id="key-issues"') < page.index('id="scales"')


def test_it_reports_no_changes_when_the_plan_page_is_imported_again(world: World) -> None:
    assert import_plan(world)[0] == 0
    before = fingerprint()
    code, out = import_plan(world)
    assert code == 0
    assert "No changes" in out
    assert fingerprint() == before


def import_legislation(world: World) -> tuple[int, str]:
    return run(
        "legistar-detail",
        str(shared("seeds", LEGISLATION)),
        "--as",
        world.clerk.username,
        "--government",
        world.lees_summit.slug,
    )


def test_it_imports_res_21_08_with_its_action_and_attachments(world: World) -> None:
    code, out = import_legislation(world)
    assert code == 0, out
    matter = LegislativeMatter.objects.get(government=world.lees_summit, file_number="RES. NO. 21-08")
    assert matter.pk == world.matter.pk  # upserted on (government, file number)
    assert matter.type_name == "Resolution"
    assert matter.intro_date == dt.date(2021, 3, 31)
    assert matter.agenda_date == dt.date(2021, 4, 13)
    assert matter.passed_date == dt.date(2021, 4, 13)
    rows = [
        (a.action_date, a.version, a.action_body_name, a.action_name, a.passed_flag_name)
        for a in matter.actions.all()
    ]
    assert rows == [(dt.date(2021, 4, 13), "1", "City Council - Regular Session", "adopted", "Pass")]
    assert [a.name for a in matter.attachments.all()] == ["Resolution", "Statement of Common Purpose"]
    assert "changed: matter RES. NO. 21-08" in out


def test_it_shows_res_21_08s_sections_and_bullets_on_its_page(world: World, client: Client) -> None:
    assert import_legislation(world)[0] == 0
    page = client.get(f"/legislation/{world.matter.pk}/").content.decode()
    text = page[page.index('id="text"') :]
    headings = re.findall(r"<h3>(.*?)</h3>", text)
    assert headings == ["Issue/Request", "Proposed City Council Motion", "Background", "Impact/Analysis"]
    background = text[text.index("<h3>Background</h3>") : text.index("<h3>Impact/Analysis</h3>")]
    assert background.count("<p>") == 4 and "Regional 911 System" in background
    assert len(section(text, "", tag="ul")) == 5


def test_it_reports_no_changes_when_the_legislation_is_imported_again(world: World) -> None:
    assert import_legislation(world)[0] == 0
    before = fingerprint()
    code, out = import_legislation(world)
    assert (code, "No changes" in out) == (0, True)
    assert fingerprint() == before


def import_statement(world: World, user: str = "admin") -> tuple[int, str]:
    # A site administrator may accept memberships for new parties; a coordinator only proposes them.
    return run(
        "statement",
        str(shared("seeds", STATEMENT)),
        "--as",
        user,
        "--collaborative",
        world.collaborative.slug,
    )


def test_it_imports_the_statement_of_purpose(world: World) -> None:
    code, out = import_statement(world)
    assert code == 0, out
    agreement = Agreement.objects.get(title="Statement of Purpose")
    version = agreement.versions.get()
    assert sorted(g.name for g in version.parties.all()) == ["Blue Springs", "Independence", "Lee's Summit"]
    assert agreement.collaborative.facilitator == world.marc
    independence = Government.objects.get(name="Independence")
    assert Membership.objects.get(government=independence).joined_on == dt.date(2018, 9, 1)
    ideas = Initiative.objects.filter(collaborative=world.collaborative, plan=None, status="new").exclude(
        code__startswith="EJC"
    )
    assert sorted(i.title for i in ideas) == [
        "Back-office operations (such as human resources and information technology, including "
        "cybersecurity management and electronic data storage solutions)",
        "Radio equipment maintenance/management",
        "Recycling initiatives",
        "Risk management, training and safety programming",
    ]


def test_it_only_proposes_new_parties_when_a_coordinator_imports_a_statement(world: World) -> None:
    code, out = import_statement(world, world.coordinator.username)
    assert code == 0, out
    independence = Government.objects.get(name="Independence")
    assert Membership.objects.get(government=independence).status == "proposed"
    version = Agreement.objects.get(title="Statement of Purpose").versions.get()
    assert sorted(g.name for g in version.parties.all()) == ["Blue Springs", "Lee's Summit"]
    assert "until they accept membership: Independence" in out


def test_it_reports_no_changes_when_the_statement_is_imported_again(world: World) -> None:
    assert import_statement(world)[0] == 0
    before = fingerprint()
    code, out = import_statement(world)
    assert (code, "No changes" in out) == (0, True)
    assert fingerprint() == before
