"""Issue 11 end to end in Chromium at 1280 and 390 px: a round opened, answered by two clerks, a gap made a project.

The coordinator opens a round of a short framework for Lee's Summit, Independence and Blue Springs; Lee's
Summit's clerk saves a draft and submits, Independence's editor submits; Blue Springs (no editor in the demo)
has submitted through the actions, so k = 3 members are counted. The coordinator reads the progress, closes
the round, sees the heat map and turns the first common gap into an initiative in Exploring. Every page is
checked with axe-core and for sideways scrolling.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from interlocal.demo import DEMO_PASSWORD, DEMO_SLUG, load_demo
from interlocal.portal.tests.test_e2e import _serious_violations

pytestmark = pytest.mark.e2e

MEMBERS = ("Lee's Summit", "Independence", "Blue Springs")
# Levels per item for each clerk: GV.OC-01 and PR.AA-01 are below the target (5) for all three members.
ANSWERS = {
    "ls-clerk": {"QC-01": "2", "QC-02": "6", "QC-03": "3", "QC-04": "5"},
    "ind-editor": {"QC-01": "3", "QC-02": "5", "QC-03": "1", "QC-04": "4"},
}


def _framework() -> Any:
    """A four-item framework on the NCSR scale, as a coordinator's quick check (made through the actions)."""
    from interlocal.assessments import actions
    from interlocal.assessments.actions import NodeSpec
    from interlocal.assessments.models import Framework
    from interlocal.governments.models import Person
    from interlocal.vocab import FrameworkKind, NodeKind

    csf = Framework.objects.get(key=actions.CSF_KEY)
    nodes = [
        NodeSpec("QC", "Quick check", NodeKind.FUNCTION),
        NodeSpec("QC.P", "People and policy", NodeKind.CATEGORY, "QC"),
        NodeSpec("QC-01", "Security awareness training", NodeKind.ITEM, "QC.P", "Staff are trained yearly."),
        NodeSpec("QC-02", "Incident response plan", NodeKind.ITEM, "QC.P", "A written, tested plan."),
        NodeSpec("QC.T", "Technology", NodeKind.CATEGORY, "QC"),
        NodeSpec(
            "QC-03", "Multi-factor sign-in", NodeKind.ITEM, "QC.T", "Every remote sign-in asks for two."
        ),
        NodeSpec("QC-04", "Offline backups", NodeKind.ITEM, "QC.T", "Backups are kept offline and restored."),
    ]
    return actions.framework_load(
        acting_user=Person.objects.get(username="coordinator"),
        key="quick-check",
        version="1",
        title="Cyber quick check",
        kind=FrameworkKind.CYBER,
        scale=csf.scale,
        nodes=nodes,
    ).framework


def _blue_springs_submits(title: str) -> None:
    """Blue Springs answers and submits through the actions (its demo account is a viewer)."""
    from interlocal.assessments import actions
    from interlocal.assessments.models import RoundMember
    from interlocal.governments.models import Person

    member = RoundMember.objects.get(round__title=title, government__slug="blue-springs")
    admin = Person.objects.get(username="admin")
    for item in actions.active_items(member.round.framework):
        level = {"QC-01": 1, "QC-02": 7, "QC-03": 2, "QC-04": 6}[item.code]
        actions.answer_save(acting_user=admin, round_member=member, item=item, level=level)
    member.refresh_from_db()
    actions.round_member_submit(acting_user=admin, round_member=member)


class Session:
    """One person's browser tab at a width; every page it looks at is checked."""

    def __init__(self, browser: Any, base: str, width: int, username: str, problems: dict[str, list[str]]):
        self.page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        self.page.set_default_timeout(15_000)
        self.base, self.width, self.username, self.problems = base, width, username, problems
        self.page.goto(base + "/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def look(self, name: str) -> None:
        self.page.wait_for_load_state()
        found = _serious_violations(self.page)
        wide = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            found.append(f"{wide} px wider than the {self.width} px window")
        self.problems[f"{self.username}: {name}"] = found

    def alert(self) -> str:
        return " ".join(self.page.locator("main .usa-alert").all_inner_texts())


@pytest.mark.parametrize("width", [1280, 390])
def test_it_runs_a_round_from_opening_to_a_joint_initiative(
    transactional_db: None, live_server: Any, browser: Any, width: int
) -> None:
    from interlocal.assessments.models import Round
    from interlocal.initiatives.models import Initiative

    load_demo()
    _framework()
    base = live_server.url
    problems: dict[str, list[str]] = {}
    title = f"Quick check {width}"

    # The coordinator opens the round from the collaborative's page.
    coordinator = Session(browser, base, width, "coordinator", problems)
    page = coordinator.page
    page.goto(f"{base}/collaboratives/{DEMO_SLUG}/")
    page.locator("#assessments-link").click()
    page.wait_for_url("**/assessments/")
    coordinator.look("assessment rounds")
    page.locator("#open-round").click()
    page.wait_for_selector("#round-form")
    coordinator.look("open a round")
    page.select_option("#id_framework", label="Cyber quick check (1)")
    page.fill("#id_title", title)
    page.fill("#id_year", "2026")
    page.fill("#id_deadline", (date.today() + timedelta(days=30)).isoformat())
    for box in page.locator("#members-group input[type=checkbox]").all():
        if box.is_checked():
            page.locator(f"label[for={box.get_attribute('id')}]").click()
    for name in MEMBERS:
        page.locator("#members-group").get_by_text(name, exact=True).click()
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_selector("#progress")
    assert f"{title} is open" in coordinator.alert()
    coordinator.look("round opened")
    rnd = Round.objects.get(title=title)
    assert sorted(rnd.members.values_list("government__name", flat=True)) == sorted(MEMBERS)
    round_url = page.url
    _blue_springs_submits(title)

    # Two clerks answer: a draft first, then the rest and submit.
    for username, levels in ANSWERS.items():
        clerk = Session(browser, base, width, username, problems)
        clerk.page.goto(round_url)
        clerk.page.locator("#answer-link").click()
        clerk.page.wait_for_selector("#answer-form")
        clerk.look("answer form")
        codes = list(levels)
        for code in codes[:2]:
            clerk.page.locator(f"#item-{code.lower()} select").first.select_option(levels[code])
        clerk.page.locator(f"#item-{codes[0].lower()} textarea").fill(f"Checked by {username}")
        clerk.page.locator("#save-draft").click()
        clerk.page.wait_for_selector("#answer-form")
        assert "Draft saved: 2 answers changed." in clerk.alert()
        clerk.look("draft saved")
        for code in codes[2:]:
            clerk.page.locator(f"#item-{code.lower()} select").first.select_option(levels[code])
        clerk.page.locator("#submit-answers").click()
        clerk.page.wait_for_selector("#progress")
        assert "answers are submitted" in clerk.alert()
        clerk.look("submitted")
        # Another member's answers are not for this clerk; the round page shows only where each one stands.
        assert clerk.page.locator("#progress a").count() == 1
        clerk.page.context.close()

    # The coordinator sees everyone submitted, closes the round, reads the heat map and acts on a gap.
    page.goto(round_url)
    assert [t.lower() for t in page.locator("#progress .usa-tag").all_inner_texts()] == ["submitted"] * 3
    coordinator.look("round complete")
    page.locator("#close-form button").click()
    page.wait_for_selector("#progress")
    assert "is closed" in coordinator.alert()
    page.locator("#results-link").click()
    page.wait_for_selector("#heat-map img")
    assert page.locator("#heat-map img").get_attribute("alt").startswith(f"{title}: members by category")
    gaps = page.locator("#gaps tbody tr")
    assert gaps.count() == 2 and "QC-01" in gaps.first.inner_text()
    coordinator.look("results")
    gaps.first.get_by_role("button", name="Turn into initiative").click()
    page.wait_for_url("**/initiatives/*/")
    initiative = Initiative.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert initiative.stage == "exploring" and "QC-01" in initiative.title
    assert "is now an initiative in Exploring" in coordinator.alert()
    coordinator.look("initiative from gap")

    assert {name: found for name, found in problems.items() if found} == {}
